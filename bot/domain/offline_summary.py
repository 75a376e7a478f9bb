"""The offline extractive summarizer: without an LLM, the most representative comments of each position
group, quoted verbatim (so they pass the same grounding as an LLM's quotes). Plain Python."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Final

from bot.domain.summaries import (
    CITATIONS_PER_STATEMENT_MAX,
    NO_POSITION,
    OFFLINE,
    OFFLINE_LANGUAGE,
    POSITION_LABELS,
    QUOTE_MAX,
    SECTIONS,
    STATEMENTS_PER_SECTION_MAX,
    Statement,
    Summary,
    SummaryComment,
    SummaryInput,
    normalise_for_match,
)

# Where each position group goes. Abstentions are reservations, so they sit with the disagreements;
# comments without a position are remarks on the text.
_OFFLINE_SECTION: Final = {
    "agree": "common_ground",
    "agree_with_changes": "wording_suggestions",
    "abstain": "disagreements",
    "disagree": "disagreements",
    "block": "disagreements",
}
_POSITION_ORDER: Final = ("agree", "agree_with_changes", "block", "disagree", "abstain")

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
