"""Recommendations: references, lifecycle, and what a valid proposal is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.consensus.recommendations import RecommendationFigures
from bot.domain.errors import CsvRowError, InvalidInput
from bot.domain.text import check_field, check_text

TITLE_MAX = 150
TEXT_MAX = 3000
RATIONALE_MAX = 3000
THEME_MAX = 60
THEMES_MAX = 8
RECOMMENDATION_COLUMNS = ("title", "text", "rationale", "themes", "level", "origin")
_REF = re.compile(r"^\s*[Rr]\s*-?\s*(\d{1,9})\s*$")


class Level(StrEnum):
    REGIONAL = "regional"
    NATIONAL = "national"
    EU = "eu"

    @property
    def label(self) -> str:
        return {"regional": "Regional", "national": "National", "eu": "EU"}[self.value]


class Status(StrEnum):
    DRAFT = "draft"
    IN_CONSULTATION = "in consultation"
    REVISED = "revised"
    ENDORSED = "endorsed"
    ADOPTED = "adopted"
    WITHDRAWN = "withdrawn"
    # An earlier set's recommendation waiting for (or after) a validity review.
    IMPORTED = "imported"


def format_ref(number: int) -> str:
    return f"R{number}"


def parse_ref(text: str) -> int | None:
    """`R12`, `r12`, `R-12` and `R 12` all mean recommendation 12."""
    match = _REF.match(text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ProposalDraft:
    title: str
    text: str
    rationale: str
    themes: tuple[str, ...]
    level: Level


@dataclass(frozen=True)
class RecommendationView:
    """What people see of a recommendation; plain data, safe to hand to any layer."""

    number: int
    title: str
    text: str
    rationale: str
    themes: tuple[str, ...]
    level: Level
    status: Status
    origin: str | None
    version: int
    created_at: datetime
    proposer_name: str | None = None
    proposer_organisation: str | None = None
    proposer_region: str | None = None
    proposer_country: str | None = None
    proposer_slack_id: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return format_ref(self.number)


@dataclass(frozen=True)
class Page:
    """One page of a listing."""

    items: list[RecommendationView]
    page: int
    pages: int
    total: int
    consensus: Mapping[str, RecommendationFigures] = field(default_factory=dict)


def split_themes(raw: str | Iterable[str]) -> tuple[str, ...]:
    """Themes separated by `;` or `,` (or given as a list), trimmed, deduplicated ignoring case."""
    parts = re.split(r"[;,\n]", raw) if isinstance(raw, str) else list(raw)
    themes: list[str] = []
    seen: set[str] = set()
    for part in parts:
        theme = " ".join(part.split())
        if theme and theme.casefold() not in seen:
            seen.add(theme.casefold())
            themes.append(theme)
    return tuple(themes)


def check_wording(errors: dict[str, str], title: str | None, text: str | None) -> tuple[str, str]:
    """A recommendation's title and text, cleaned; problems go into `errors` under "title" and "text"."""
    clean_title = check_field(
        errors, "title", title, label="The title", max_length=TITLE_MAX, required=True, multiline=False
    )
    clean_text = check_field(
        errors,
        "text",
        text,
        label="The recommendation text",
        max_length=TEXT_MAX,
        required=True,
        multiline=True,
    )
    return clean_title, clean_text


def validate_proposal(
    *, title: str | None, text: str | None, rationale: str | None, themes: str | None, level: str | None
) -> ProposalDraft:
    """Raises InvalidInput with one message per bad field (field names as in the modal)."""
    errors: dict[str, str] = {}
    clean_title, clean_text = check_wording(errors, title, text)
    clean_rationale = check_field(
        errors,
        "rationale",
        rationale,
        label="The rationale",
        max_length=RATIONALE_MAX,
        required=False,
        multiline=True,
    )
    theme_list, problem = _check_themes(themes or "")
    if problem:
        errors["themes"] = problem
    parsed_level = _parse_level(level or "")
    if parsed_level is None:
        given = (level or "").strip()
        errors["level"] = (
            f"{given[:40]!r} is not a policy level: use regional, national or eu."
            if given
            else "Choose the level the recommendation addresses: regional, national or EU."
        )
    if errors:
        raise InvalidInput(errors)
    assert parsed_level is not None
    return ProposalDraft(clean_title, clean_text, clean_rationale, theme_list, parsed_level)


def _check_themes(raw: str) -> tuple[tuple[str, ...], str | None]:
    themes = split_themes(raw)
    if len(themes) > THEMES_MAX:
        return themes, f"Give at most {THEMES_MAX} themes (you gave {len(themes)}), separated by commas."
    for theme in themes:
        _, problem = check_text(
            theme, label=f"The theme {theme[:20]!r}", max_length=THEME_MAX, required=True, multiline=False
        )
        if problem:
            return themes, problem
    return themes, None


def _parse_level(raw: str) -> Level | None:
    key = raw.strip().lower().replace(" ", "")
    aliases = {"regional": Level.REGIONAL, "national": Level.NATIONAL, "eu": Level.EU, "european": Level.EU}
    return aliases.get(key)


@dataclass(frozen=True)
class ImportedRecommendation:
    draft: ProposalDraft
    origin: str


def parse_recommendation_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[ImportedRecommendation]:
    """Validates an earlier set of recommendations row by row; the first bad cell raises."""
    parsed: list[ImportedRecommendation] = []
    for line, row in rows:
        try:
            draft = validate_proposal(
                title=row.get("title"),
                text=row.get("text"),
                rationale=row.get("rationale"),
                themes=row.get("themes"),
                level=row.get("level"),
            )
        except InvalidInput as exc:
            column, problem = next(iter(exc.field_errors.items()))
            raise CsvRowError(line, column, problem) from exc
        origin, origin_problem = check_text(
            row.get("origin"), label="The origin", max_length=200, required=True, multiline=False
        )
        if origin_problem:
            raise CsvRowError(line, "origin", origin_problem)
        parsed.append(ImportedRecommendation(draft, origin))
    return parsed
