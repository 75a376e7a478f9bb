"""Summaries of a consultation thread: the values, their content hash, the grounding rules and the
cache's (de)serialising. Plain Python. Sanitising and rendering are in `bot.domain.summary_text`, the offline
extractive summarizer in `bot.domain.offline_summary`.

The LLM is untrusted twice over: its input is partner text and its output may repeat or invent anything.
So every statement it returns is *grounded* (citations only to comment ids that were in the input, quotes
only when they are verbatim excerpts of a source comment, and a statement without a citation is dropped)
and *defused* (no Slack control sequences, no live links, no broadcast words, bounded length). Rendering
escapes what is left for mrkdwn or Markdown. The offline summarizer produces the same `Summary` type.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

# -- limits: what one statement may carry (the LLM's reply is cut to these, never rejected for them) --
STATEMENT_TEXT_MAX: Final = 600
QUOTE_MAX: Final = 300
QUOTE_MIN: Final = 3
QUOTES_PER_STATEMENT_MAX: Final = 3
CITATIONS_PER_STATEMENT_MAX: Final = 12
STATEMENTS_PER_SECTION_MAX: Final = 6

OFFLINE: Final = "offline"
OFFLINE_LANGUAGE: Final = "English"  # the offline summarizer's own words are English; quotes stay original
SECTIONS: Final = ("common_ground", "disagreements", "wording_suggestions")

# Consultation positions (DESIGN.md), as summaries name them.
POSITION_LABELS: Final = {
    "agree": "Agree",
    "agree_with_changes": "Agree with changes",
    "abstain": "Abstain",
    "disagree": "Disagree",
    "block": "Block",
}
NO_POSITION: Final = "No position"


@dataclass(frozen=True)
class SummaryComment:
    """One comment as a prompt may see it: the organisation speaks, never a named person or a vote."""

    id: str
    organisation: str | None
    region: str | None
    country: str | None
    position: str | None
    text: str
    permalink: str | None


@dataclass(frozen=True)
class SummaryInput:
    ref: str
    title: str
    text: str
    version: int
    comments: Sequence[SummaryComment]
    positions_summary: str


@dataclass(frozen=True)
class Statement:
    text: str
    citations: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    ref: str
    common_ground: tuple[Statement, ...]
    disagreements: tuple[Statement, ...]  # each statement's text carries the point and why it is disputed
    wording_suggestions: tuple[Statement, ...]
    summarizer: str  # "llm:<model>" or "offline"
    language: str
    input_hash: str

    @property
    def is_offline(self) -> bool:
        return self.summarizer == OFFLINE

    def sections(self) -> dict[str, tuple[Statement, ...]]:
        return {name: getattr(self, name) for name in SECTIONS}

    def statements(self) -> tuple[Statement, ...]:
        return self.common_ground + self.disagreements + self.wording_suggestions

    def cited_ids(self) -> set[str]:
        return {cid for statement in self.statements() for cid in statement.citations}


def llm_summarizer(model: str) -> str:
    return f"llm:{model}"


def summarizer_label(summary: Summary) -> str:
    """Who wrote the summary, as the digest says it."""
    if summary.is_offline:
        return "offline summary (most representative comments, no LLM)"
    return f"LLM summary ({summary.summarizer.removeprefix('llm:')})"


# -- content hash ----------------------------------------------------------------------------------------


def input_payload(item: SummaryInput) -> dict[str, Any]:
    """Everything of the input that can change a summary, and nothing else (permalinks are added when
    rendering, so a permalink that could not be fetched this week does not cost a new summary)."""
    return {
        "ref": item.ref,
        "title": item.title,
        "text": item.text,
        "version": item.version,
        "positions_summary": item.positions_summary,
        "comments": [[c.id, c.organisation, c.region, c.country, c.position, c.text] for c in item.comments],
    }


def content_hash(item: SummaryInput, **context: object) -> str:
    """sha256 of the input and of whatever else shapes the output (model, language, prompt version...)."""
    payload = {"input": input_payload(item), "context": context}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- grounding -------------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚`"


def normalise_for_match(text: str) -> str:
    """NFC and single spaces: quotes are compared case-sensitively on this form."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def ground(summary: Summary, item: SummaryInput) -> Summary:
    """Keeps only what the input supports: known citations, verbatim quotes, statements with a citation."""
    sources = {c.id: normalise_for_match(c.text) for c in item.comments}

    def keep(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
        grounded = (ground_statement(statement, sources) for statement in statements)
        return tuple(statement for statement in grounded if statement is not None)[
            :STATEMENTS_PER_SECTION_MAX
        ]

    return map_sections(summary, keep)


def map_sections(
    summary: Summary, change: Callable[[tuple[Statement, ...]], tuple[Statement, ...]]
) -> Summary:
    return replace(
        summary,
        common_ground=change(summary.common_ground),
        disagreements=change(summary.disagreements),
        wording_suggestions=change(summary.wording_suggestions),
    )


def ground_statement(statement: Statement, sources: Mapping[str, str]) -> Statement | None:
    citations = list(_unique(cid for cid in statement.citations if cid in sources))
    if not citations or not statement.text.strip():
        return None
    quotes: list[str] = []
    for raw in statement.quotes:
        quote, source_id = _find_quote(raw, citations, sources)
        if quote is None or quote in quotes:
            continue
        quotes.append(quote)
        if source_id not in citations:
            citations.append(source_id)  # a verbatim quote of an uncited comment: cite where it comes from
    return Statement(
        text=statement.text,
        citations=tuple(citations[:CITATIONS_PER_STATEMENT_MAX]),
        quotes=tuple(quotes[:QUOTES_PER_STATEMENT_MAX]),
    )


def _find_quote(raw: str, cited: Sequence[str], sources: Mapping[str, str]) -> tuple[str | None, str]:
    """The quote in its compared form and the comment it is taken from (cited comments first)."""
    for candidate in _unique((normalise_for_match(raw), normalise_for_match(html.unescape(raw)))):
        quote = candidate.strip(_QUOTE_MARKS + " ")
        if len(quote) < QUOTE_MIN:
            continue
        for source_id in [*cited, *sources]:
            if quote in sources[source_id]:
                return quote, source_id
    return None, ""


def _unique(values: Iterable[str]) -> Iterable[str]:
    seen: set[str] = set()
    for value in values:
        if value not in seen:
            seen.add(value)
            yield value


# -- (de)serialising, for the cache ----------------------------------------------------------------------


def summary_to_json(summary: Summary) -> str:
    payload = {
        "ref": summary.ref,
        "summarizer": summary.summarizer,
        "language": summary.language,
        "input_hash": summary.input_hash,
        **{
            name: [
                {"text": s.text, "citations": list(s.citations), "quotes": list(s.quotes)} for s in section
            ]
            for name, section in summary.sections().items()
        },
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def summary_from_json(raw: str) -> Summary:
    payload = json.loads(raw)

    def section(name: str) -> tuple[Statement, ...]:
        return tuple(
            Statement(text=s["text"], citations=tuple(s["citations"]), quotes=tuple(s["quotes"]))
            for s in payload[name]
        )

    return Summary(
        ref=payload["ref"],
        common_ground=section("common_ground"),
        disagreements=section("disagreements"),
        wording_suggestions=section("wording_suggestions"),
        summarizer=payload["summarizer"],
        language=payload["language"],
        input_hash=payload["input_hash"],
    )
