"""Partner registry: import, listing, and who may act."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain.csvfiles import read_rows
from bot.domain.errors import NotRegistered
from bot.domain.partners import PARTNER_COLUMNS, PartnerInfo, Role, parse_partner_rows
from storage.db import Database
from storage.models import Partner
from storage.repositories import PartnerRepository


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


def to_info(partner: Partner) -> PartnerInfo:
    return PartnerInfo(
        slack_user_id=partner.slack_user_id,
        name=partner.name,
        organisation=partner.organisation,
        region=partner.region,
        country=partner.country,
        role=Role(partner.role),
    )


def from_details(row: tuple[str, str, str, str, str, str]) -> PartnerInfo:
    """A partner from PartnerRepository.details' plain row."""
    slack_user_id, name, organisation, region, country, role = row
    return PartnerInfo(slack_user_id, name, organisation, region, country, Role(role))


class PartnerService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_csv(self, path: Path) -> ImportSummary:
        """Upserts every row, or nothing when one row is bad (CsvRowError names it)."""
        rows = read_rows(path, PARTNER_COLUMNS, required=PARTNER_COLUMNS[:5])
        return self.upsert(parse_partner_rows(rows))

    def upsert(self, partners: list[PartnerInfo]) -> ImportSummary:
        created = updated = unchanged = 0
        with self.db.session() as session:
            repo = PartnerRepository(session)
            existing = repo.by_slack_ids([p.slack_user_id for p in partners])
            for info in partners:
                row = existing.get(info.slack_user_id)
                if row is None:
                    repo.add(Partner(**_columns(info)))
                    created += 1
                elif to_info(row) != info:
                    for key, value in _columns(info).items():
                        setattr(row, key, value)
                    updated += 1
                else:
                    unchanged += 1
        return ImportSummary(created, updated, unchanged)

    def all(self) -> list[PartnerInfo]:
        with self.db.session() as session:
            return [to_info(p) for p in PartnerRepository(session).all()]

    def find(self, slack_user_id: str) -> PartnerInfo | None:
        with self.db.session() as session:
            row = PartnerRepository(session).by_slack_id(slack_user_id)
            return to_info(row) if row else None

    def require(self, slack_user_id: str) -> PartnerInfo:
        """The registered partner, or NotRegistered with how to get registered."""
        partner = self.find(slack_user_id)
        if partner is None:
            raise NotRegistered()
        return partner

    def coordinators(self) -> list[PartnerInfo]:
        return [p for p in self.all() if p.is_coordinator]


def _columns(info: PartnerInfo) -> dict[str, str]:
    return {
        "slack_user_id": info.slack_user_id,
        "name": info.name,
        "organisation": info.organisation,
        "region": info.region,
        "country": info.country,
        "role": info.role.value,
    }
