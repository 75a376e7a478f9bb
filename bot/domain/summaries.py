"""Summaries of a consultation thread: the values, the grounding rules, the output sanitiser, rendering
with citations as Slack permalinks, and the offline extractive summarizer. Plain Python.

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
import math
import re
import unicodedata
from collections import Counter, defaultdict
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

# Consultation positions (DESIGN.md) and where the offline summarizer files each group. Abstentions are
# reservations, so they sit with the disagreements; comments without a position are remarks on the text.
POSITION_LABELS: Final = {
    "agree": "Agree",
    "agree_with_changes": "Agree with changes",
    "abstain": "Abstain",
    "disagree": "Disagree",
    "block": "Block",
}
NO_POSITION: Final = "No position"
_OFFLINE_SECTION: Final = {
    "agree": "common_ground",
    "agree_with_changes": "wording_suggestions",
    "abstain": "disagreements",
    "disagree": "disagreements",
    "block": "disagreements",
}
_POSITION_ORDER: Final = ("agree", "agree_with_changes", "block", "disagree", "abstain")


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


# -- sanitising (what may be shown at all) ---------------------------------------------------------------

# Control, zero-width and bidirectional characters: invisible, they could split "@channel" or reorder text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Slack's control sequences: <!channel>, <!here>, <@U1|name>, <#C1|name>, <!subteam^S1|@team>, <url|label>
_SLACK_SEQUENCE = re.compile(r"<([^<>\n]{0,1000})>")
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.\-]{1,30})://", re.IGNORECASE)
_DOMAIN = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\b", re.IGNORECASE)
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone|all)\b)", re.IGNORECASE)
FULLWIDTH_AT: Final = "＠"  # looks like @ and can never be a mention


def defuse(text: str, limit: int = STATEMENT_TEXT_MAX) -> str:
    """Plain text safe to show anywhere: one line, readable, unable to ping anyone or carry a live link.

    Slack sequences become their readable label (`<@U1>` → `@U1`, `<https://x|see>` → `see (hxxps://x)`),
    URLs are defanged (`https://a.eu/x` → `hxxps://a[.]eu/x`, `www.a.eu` → `www[.]a[.]eu`; Slack and
    Markdown viewers auto-link both forms otherwise), and broadcast words lose their `@` (`＠channel`).
    """
    text = normalise_for_match(_CONTROL.sub(" ", text))
    text = _SLACK_SEQUENCE.sub(_readable_sequence, text)
    text = _SCHEME.sub(_defang_scheme, text)
    text = _DOMAIN.sub(lambda match: match.group(0).replace(".", "[.]"), text)
    text = _BROADCAST.sub(FULLWIDTH_AT, text)
    return truncate(text, limit)


def _readable_sequence(match: re.Match[str]) -> str:
    inside = match.group(1)
    target, _, label = inside.partition("|")
    if target[:1] == "!":
        # <!channel> → @channel (defused later); <!subteam^S1|@team> → @team; <!date^...|fallback> → fallback
        return label or "@" + target[1:].split("^")[0]
    if target[:1] in "@#":
        return target[0] + label.lstrip("@#") if label else target
    return f"{label} ({target})" if label else target


def _defang_scheme(match: re.Match[str]) -> str:
    scheme = match.group(1)
    if scheme.lower() in ("hxxp", "hxxps"):
        return match.group(0)  # defanged already
    if scheme.lower() in ("http", "https"):
        return scheme[0] + "xx" + scheme[3:] + "://"
    return scheme + "[://]"


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis, so that the result fits `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def sanitise(summary: Summary) -> Summary:
    """Defuses every statement and quote (run after `ground`: defanging changes the text of quotes)."""

    def defuse_all(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
        return tuple(
            Statement(
                text=defuse(statement.text, STATEMENT_TEXT_MAX),
                citations=statement.citations,
                quotes=tuple(defuse(quote, QUOTE_MAX) for quote in statement.quotes),
            )
            for statement in statements
        )

    return map_sections(summary, defuse_all)


# -- rendering: citations as permalinks ------------------------------------------------------------------

# Slack mrkdwn has no escape character: formatting marks become lookalikes that never format.
_MRKDWN_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|#!])")
_SAFE_LINK = re.compile(r"https?://[^\s<>|()\"'`]+")


def to_mrkdwn(text: str) -> str:
    """Text for a Slack mrkdwn field, shown as written: no pings, links or formatting of its own."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.translate(_MRKDWN_LOOKALIKES)


def to_markdown(text: str) -> str:
    """Text for the Markdown attachment, shown as written."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def render_statement_mrkdwn(statement: Statement, item: SummaryInput) -> str:
    """`text _“quote”_ (Org (AT), Org (HU))`, each source a link to the comment in Slack."""
    comments = {c.id: c for c in item.comments}
    parts = [to_mrkdwn(defuse(statement.text))]
    parts += [f"_“{to_mrkdwn(defuse(quote, QUOTE_MAX))}”_" for quote in statement.quotes]
    links = [_mrkdwn_citation(comments.get(cid), cid) for cid in statement.citations]
    return " ".join(parts) + (f" ({', '.join(links)})" if links else "")


def render_statement_markdown(statement: Statement, item: SummaryInput) -> str:
    comments = {c.id: c for c in item.comments}
    parts = [to_markdown(defuse(statement.text))]
    parts += [f"*“{to_markdown(defuse(quote, QUOTE_MAX))}”*" for quote in statement.quotes]
    links = [_markdown_citation(comments.get(cid), cid) for cid in statement.citations]
    return " ".join(parts) + (f" ({', '.join(links)})" if links else "")


def citation_label(comment: SummaryComment | None, comment_id: str) -> str:
    if comment is None or not comment.organisation:
        return comment_id
    return f"{comment.organisation} ({comment.country})" if comment.country else comment.organisation


def _mrkdwn_citation(comment: SummaryComment | None, comment_id: str) -> str:
    label = to_mrkdwn(defuse(citation_label(comment, comment_id), 80)).replace("|", "¦")
    link = comment.permalink if comment else None
    return f"<{link}|{label}>" if link and _SAFE_LINK.fullmatch(link) else label


def _markdown_citation(comment: SummaryComment | None, comment_id: str) -> str:
    label = to_markdown(defuse(citation_label(comment, comment_id), 80))
    link = comment.permalink if comment else None
    return f"[{label}]({link})" if link and _SAFE_LINK.fullmatch(link) else label


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


def _statement_payload(statement: Statement) -> dict[str, Any]:
    return {"text": statement.text, "citations": list(statement.citations), "quotes": list(statement.quotes)}


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


# -- the offline extractive summarizer -------------------------------------------------------------------

_WORD = re.compile(r"\w{3,}")
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def offline_summary(item: SummaryInput, *, input_hash: str, per_group: int = 2) -> Summary:
    """One statement per position group: its size and countries, and its most representative comments.

    A comment's representativeness is the cosine similarity of its TF-IDF vector to the sum of the other
    comments of its group (centrality); ties keep the input order, so the result is deterministic.
    Quotes are verbatim excerpts, so they pass the grounding check like an LLM's would.
    """
    groups: dict[str, list[SummaryComment]] = defaultdict(list)
    for comment in item.comments:
        if comment.text.strip():
            groups[_position_key(comment.position)].append(comment)
    vectors = _tfidf([c.text for c in item.comments])
    by_id = {c.id: vector for c, vector in zip(item.comments, vectors, strict=True)}
    sections: dict[str, list[Statement]] = {name: [] for name in SECTIONS}
    for position in sorted(groups, key=_group_order):
        members = groups[position]
        ranked = rank_by_centrality(members, [by_id[c.id] for c in members])
        section = _OFFLINE_SECTION.get(position, "wording_suggestions")
        sections[section].append(_group_statement(position, members, ranked[:per_group]))
    kept = {name: tuple(statements[:STATEMENTS_PER_SECTION_MAX]) for name, statements in sections.items()}
    return Summary(
        ref=item.ref,
        common_ground=kept["common_ground"],
        disagreements=kept["disagreements"],
        wording_suggestions=kept["wording_suggestions"],
        summarizer=OFFLINE,
        language=OFFLINE_LANGUAGE,
        input_hash=input_hash,
    )


def rank_by_centrality(
    comments: Sequence[SummaryComment], vectors: Sequence[Mapping[str, float]]
) -> list[SummaryComment]:
    """Most central first: cos(v, S - v), where S is the sum of the group's vectors."""
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    total_sq = sum(weight * weight for weight in total.values())
    scores = []
    for vector in vectors:
        own_sq = sum(weight * weight for weight in vector.values())
        with_total = sum(weight * total[term] for term, weight in vector.items())
        others_sq = total_sq - 2 * with_total + own_sq
        dot = with_total - own_sq
        scores.append(dot / math.sqrt(others_sq * own_sq) if dot > 0 and others_sq > 0 else 0.0)
    order = sorted(range(len(comments)), key=lambda i: (-round(scores[i], 9), i))
    return [comments[i] for i in order]


def _tfidf(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors over words of three letters or more (a language-neutral stop-word filter)."""
    counts = [Counter(_WORD.findall(unicodedata.normalize("NFC", text).casefold())) for text in texts]
    frequency: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
    n = len(texts)
    idf = {term: math.log((1 + n) / (1 + df)) + 1 for term, df in frequency.items()}
    vectors = []
    for count in counts:
        vector = {term: tf * idf[term] for term, tf in count.items()}
        norm = _norm(vector)
        vectors.append({term: weight / norm for term, weight in vector.items()} if norm else {})
    return vectors


def _norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(weight * weight for weight in vector.values()))


def _position_key(position: str | None) -> str:
    return (position or "").strip().lower().replace(" ", "_").replace("-", "_")


def _group_order(position: str) -> tuple[int, str]:
    rank = _POSITION_ORDER.index(position) if position in _POSITION_ORDER else len(_POSITION_ORDER)
    return rank, position


def _group_statement(
    position: str, members: Sequence[SummaryComment], representatives: Sequence[SummaryComment]
) -> Statement:
    label = POSITION_LABELS.get(position, position.replace("_", " ").capitalize() or NO_POSITION)
    organisations = {c.organisation for c in members if c.organisation}
    countries = sorted({c.country for c in members if c.country})
    text = f"{label}: {_count(len(members), 'comment')}"
    if organisations:
        text += f" from {_count(len(organisations), 'organisation')}"
    if countries:
        text += f" ({', '.join(countries)})"
    others = [c.id for c in members if c not in representatives]
    return Statement(
        text=text + ". Most representative:",
        citations=tuple([c.id for c in representatives] + others)[:CITATIONS_PER_STATEMENT_MAX],
        quotes=tuple(excerpt(c.text) for c in representatives),
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def excerpt(text: str, limit: int = QUOTE_MAX) -> str:
    """The comment's opening words, cut after a sentence (or a word) so that it stays a verbatim excerpt."""
    text = normalise_for_match(text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    if ends and ends[-1] > limit // 3:
        return head[: ends[-1]]
    space = head.rfind(" ")
    return head[:space] if space > limit // 3 else head
