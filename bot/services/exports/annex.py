"""The policy document's annex: every recommendation as the joint document presents it.

Built from the collected export (`ExportData.document`), so the annex, the JSON and the CSV always
tell the same story; the Markdown and Word writers render this one model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain.consultations.kinds import Position
from bot.domain.digest import describe_verdict, review_verdict
from bot.domain.polls.kinds import Verdict


@dataclass(frozen=True)
class AnnexPosition:
    organisation: str
    country: str
    region: str
    position: str  # the label people read: Agree, Agree with changes, ...
    reason: str
    about_old_version: bool


@dataclass(frozen=True)
class AnnexConsensus:
    coverage: float
    support: float
    opposition: float
    group_aware_consensus: float
    supporting_countries: tuple[str, ...]
    supporting_regions: tuple[str, ...]
    common_denominator: bool
    divisive: bool
    blocked: bool


@dataclass(frozen=True)
class AnnexEntry:
    ref: str
    title: str
    text: str
    version: int
    status: str
    level: str
    themes: tuple[str, ...]
    origin: str | None
    counts: Mapping[str, int]  # organisations per position value
    positions: tuple[AnnexPosition, ...]
    consensus: AnnexConsensus | None
    verdict: str | None  # the validity review's verdict, for imported recommendations
    outcome: str | None
    outcome_statement: str | None


@dataclass(frozen=True)
class Annex:
    generated_at: str
    entries: tuple[AnnexEntry, ...]


def build_annex(document: Mapping[str, Any]) -> Annex:
    consultations = latest_consultations(document.get("consultations", []))
    verdicts = _verdicts(document.get("polls", []))
    entries = tuple(
        _entry(rec, consultations.get(rec["ref"]), verdicts.get(rec["ref"]))
        for rec in document.get("recommendations", [])
    )
    return Annex(str(document.get("generated_at", "")), entries)


def _entry(rec: Mapping[str, Any], consultation: Mapping[str, Any] | None, verdict: str | None) -> AnnexEntry:
    positions = tuple(_position(p) for p in (consultation or {}).get("positions", []))
    return AnnexEntry(
        ref=rec["ref"],
        title=rec["title"],
        text=rec["text"],
        version=int(rec.get("version") or 1),
        status=str(rec["status"]).replace("_", " "),
        level=str(rec.get("level", "")),
        themes=tuple(rec.get("themes", ())),
        origin=rec.get("origin"),
        counts=dict(rec.get("positions") or {}),
        positions=tuple(sorted(positions, key=lambda p: (p.country, p.organisation.casefold()))),
        consensus=_consensus(rec.get("consensus")),
        verdict=verdict,
        outcome=(consultation or {}).get("outcome"),
        outcome_statement=(consultation or {}).get("outcome_statement"),
    )


def latest_consultations(consultations: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Per recommendation, its latest consultation (the one whose positions count)."""
    latest: dict[str, Mapping[str, Any]] = {}
    for consultation in consultations:
        current = latest.get(consultation["ref"])
        if current is None or str(consultation.get("opened_at")) >= str(current.get("opened_at")):
            latest[consultation["ref"]] = consultation
    return latest


def _position(row: Mapping[str, Any]) -> AnnexPosition:
    return AnnexPosition(
        organisation=row["organisation"],
        country=row.get("country") or "",
        region=row.get("region") or "",
        position=Position(row["position"]).label,
        reason=row.get("reason") or "",
        about_old_version=bool(row.get("about_old_version")),
    )


def _consensus(figures: Mapping[str, Any] | None) -> AnnexConsensus | None:
    if not figures:
        return None
    return AnnexConsensus(
        coverage=float(figures["coverage"]),
        support=float(figures["support"]),
        opposition=float(figures["opposition"]),
        group_aware_consensus=float(figures["group_aware_consensus"]),
        supporting_countries=tuple(figures.get("supporting_countries", ())),
        supporting_regions=tuple(figures.get("supporting_regions", ())),
        common_denominator=bool(figures.get("common_denominator")),
        divisive=bool(figures.get("divisive")),
        blocked=bool(figures.get("blocked")),
    )


def _verdicts(polls: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each reviewed recommendation's verdict in its latest validity review: a closed one's, or the
    answers so far of one still open."""
    verdicts: dict[str, str] = {}
    reviews = [p for p in polls if p.get("kind") == "validity"]
    # Open reviews first, so that a closed review's final verdict wins over answers so far.
    for poll in sorted(reviews, key=lambda p: (p.get("status") == "closed", str(p.get("closed_at")))):
        still_open = f" so far ({poll.get('ref')} is open)" if poll.get("status") != "closed" else ""
        for option in poll.get("options", []):
            if option.get("ref") and option.get("verdicts"):
                verdicts[option["ref"]] = review_text(option["ref"], option["verdicts"]) + still_open
    return verdicts


def review_text(ref: str, counts: Mapping[str, int]) -> str:
    """The digest's rule: `Still valid (67 % of 3): keep`, or `split (...)`: discuss."""
    return describe_verdict(review_verdict(ref, "", {Verdict(key): n for key, n in counts.items()}))
