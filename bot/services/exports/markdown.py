"""The annex as Markdown (CommonMark with GFM tables): people's words are escaped, never interpreted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.domain.consultations.kinds import Position
from bot.domain.digest import percent
from bot.services.exports.annex import Annex, AnnexEntry

# Characters that mean something anywhere in an inline run (`#` also closes a heading).
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
# `&` only matters when it could start an entity (`&amp;`, `&#38;`).
_ENTITY = re.compile(r"&(?=#?\w+;)")
# What makes a line a heading, quote, list item, rule or setext underline.
_LINE_START = re.compile(r"^(\s*)([>+=-]|\d+(?=[.)]))")

POSITION_COLUMNS = ("Organisation", "Country", "Region", "Position", "Reason")


def escape(text: str) -> str:
    """Text that CommonMark shows exactly as written."""
    lines = []
    for line in text.splitlines() or [""]:
        escaped = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", line))
        lines.append(_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), escaped))
    return "\n".join(lines)


def _escape_marker(marker: str) -> str:
    # A number starts an ordered list only with the `.` or `)` after it: escape that instead.
    return marker + "\\" if marker.isdigit() else "\\" + marker


def cell(text: str) -> str:
    """A table cell: one line, pipes escaped."""
    return escape(" ".join(text.split()))


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def render_markdown(annex: Annex) -> str:
    lines = [
        "# Annex: the consortium's policy recommendations",
        "",
        f"{len(annex.entries)} recommendations, as they stood on {escape(annex.generated_at)} (UTC). "
        "Positions are those of organisations; support and coverage follow the consortium's "
        "consensus rules.",
    ]
    for entry in annex.entries:
        lines += ["", *_entry(entry)]
    return "\n".join(lines) + "\n"


def _entry(entry: AnnexEntry) -> list[str]:
    lines = [f"## {escape(entry.ref)}: {escape(entry.title)}", ""]
    lines += table(("Field", "Value"), facts(entry))
    lines += ["", *(f"> {line}" if line else ">" for line in escape(entry.text).split("\n")), ""]
    lines.append(f"**Consensus.** {escape(consensus_sentence(entry))}")
    lines += ["", f"**Positions.** {escape(counts_sentence(entry))}"]
    if entry.positions:
        lines += ["", *table(POSITION_COLUMNS, position_rows(entry))]
    if entry.outcome:
        statement = entry.outcome_statement or ""
        lines += ["", f"**Outcome: {escape(entry.outcome)}.** {escape(' '.join(statement.split()))}"]
    return lines


def facts(entry: AnnexEntry) -> list[tuple[str, str]]:
    """The recommendation's key facts, in the order the annex shows them."""
    rows = [
        ("Reference", entry.ref),
        ("Status", entry.status),
        ("Version", str(entry.version)),
        ("Level", entry.level),
        ("Themes", "; ".join(entry.themes) or "none"),
    ]
    if entry.origin:
        rows.append(("Origin", entry.origin))
    if entry.verdict:
        rows.append(("Validity review", entry.verdict))
    return rows


def consensus_sentence(entry: AnnexEntry) -> str:
    figures = entry.consensus
    if figures is None or not any(entry.counts.values()):
        return "No organisation has taken a position yet."
    parts = [
        f"support {percent(figures.support)} of the organisations that took a side",
        f"opposition {percent(figures.opposition)}",
        f"coverage {percent(figures.coverage)} of the registered organisations",
        f"group-aware consensus {figures.group_aware_consensus:.2f}",
        "supported in " + (", ".join(figures.supporting_countries) or "no country"),
    ]
    flags = [
        label
        for label, on in (
            ("a common denominator across countries and regions", figures.common_denominator),
            ("divisive", figures.divisive),
            ("blocked by at least one organisation", figures.blocked),
        )
        if on
    ]
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:] + (f" It is {' and '.join(flags)}." if flags else "")


def counts_sentence(entry: AnnexEntry) -> str:
    if not entry.positions:
        return "No consultation position recorded."
    return ", ".join(f"{Position(key).label}: {entry.counts.get(key, 0)}" for key in Position) + "."


def position_rows(entry: AnnexEntry) -> list[tuple[str, str, str, str, str]]:
    """Organisation, country, region, position (marked when about an earlier version), reason."""
    earlier = " (on an earlier version)"
    return [
        (p.organisation, p.country, p.region, p.position + (earlier if p.about_old_version else ""), p.reason)
        for p in entry.positions
    ]
