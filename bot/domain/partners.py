"""Partners: who speaks for which organisation, region and country."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import CsvRowError
from bot.domain.text import has_control_characters, normalise

PARTNER_COLUMNS = ("slack_user_id", "name", "organisation", "region", "country", "role")
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
# ISO 3166-1 alpha-2 plus the EU's own "EL" (Greece) and "UK" spellings that partners often use.
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class Role(StrEnum):
    PARTNER = "partner"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class PartnerInfo:
    slack_user_id: str
    name: str
    organisation: str
    region: str
    country: str
    role: Role

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.COORDINATOR

    @property
    def affiliation(self) -> str:
        return f"{self.organisation}, {self.region}, {self.country}"


def parse_partner_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[PartnerInfo]:
    """Validates every row (line number, cells) or raises for the first bad one."""
    partners: list[PartnerInfo] = []
    seen: dict[str, int] = {}
    organisations: dict[str, tuple[str, str, int]] = {}
    for line, row in rows:
        partner = _parse_partner(line, row)
        if partner.slack_user_id in seen:
            raise CsvRowError(
                line,
                "slack_user_id",
                f"{partner.slack_user_id} is already on line {seen[partner.slack_user_id]}",
            )
        seen[partner.slack_user_id] = line
        home = organisations.setdefault(partner.organisation, (partner.region, partner.country, line))
        if (partner.region, partner.country) != home[:2]:
            raise CsvRowError(
                line,
                "region" if partner.region != home[0] else "country",
                f"{partner.organisation} is in {home[0]}, {home[1]} on line {home[2]}; "
                "an organisation has one region and country",
            )
        partners.append(partner)
    return partners


def _parse_partner(line: int, row: dict[str, str]) -> PartnerInfo:
    cells = {column: normalise(row.get(column) or "") for column in PARTNER_COLUMNS}
    for column in ("slack_user_id", "name", "organisation", "region", "country"):
        if not cells[column]:
            raise CsvRowError(line, column, "is empty")
        if len(cells[column]) > 200:
            raise CsvRowError(line, column, "is longer than 200 characters")
        if has_control_characters(cells[column], allow_newlines=False):
            raise CsvRowError(line, column, "contains control characters")
    if not _SLACK_USER_ID.match(cells["slack_user_id"]):
        raise CsvRowError(
            line, "slack_user_id", f"{cells['slack_user_id']!r} is not a Slack member ID (like U012AB3CD)"
        )
    country = cells["country"].upper()
    if not _COUNTRY.match(country):
        raise CsvRowError(
            line, "country", f"{cells['country']!r} is not an ISO 3166-1 alpha-2 code (like AT)"
        )
    role_text = (cells["role"] or Role.PARTNER).lower()
    if role_text not in {role.value for role in Role}:
        raise CsvRowError(line, "role", f"{cells['role']!r} is not 'partner' or 'coordinator'")
    return PartnerInfo(
        slack_user_id=cells["slack_user_id"],
        name=cells["name"],
        organisation=cells["organisation"],
        region=cells["region"],
        country=country,
        role=Role(role_text),
    )
