"""Summaries of consultation threads for the digest: by the LLM when one is configured, grounded and
cached; by the offline extractive summarizer otherwise, and whenever the LLM fails.

Cost rules: a summary is cached under the sha256 of everything that shapes it (the input, the model, the
working language, the prompt templates' source and the budgets), so an unchanged thread costs no tokens
and gives the identical summary; a thread too long for one prompt is summarised in parts that fit
`llm_context_tokens` (estimated as characters / 4) and the parts are merged, recursively if need be.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.domain.offline_summary import (
    offline_summary,
)
from bot.domain.summaries import (
    OFFLINE,
    QUOTES_PER_STATEMENT_MAX,
    STATEMENTS_PER_SECTION_MAX,
    Statement,
    Summary,
    SummaryComment,
    SummaryInput,
    content_hash,
    ground,
    llm_summarizer,
    summary_from_json,
    summary_to_json,
)
from bot.domain.summary_text import (
    sanitise,
)
from bot.services.llm import LLMClient, LLMError, Usage, client_for, estimate_tokens
from prompts.render import render, source_hash, xml
from storage.db import Database
from storage.models.summaries import SummaryCacheEntry
from storage.repositories.summaries import SummaryCacheRepository

log = logging.getLogger("consult_bot.summaries")

PROMPT_TEMPLATES: Final = ("summary_system.j2", "summary_user.j2", "merge_user.j2")
# Bump when the reply schema, the grounding rules or the offline summarizer change what a summary is.
SUMMARY_FORMAT_VERSION: Final = "1"
SCHEMA_NAME: Final = "consultation_summary"
# A comment's tag and attributes around its text, in tokens (the attributes' text is counted separately).
_COMMENT_MARKUP_TOKENS: Final = 25
# Never plan parts smaller than this, however large the fixed part of the prompt is.
_MIN_PART_TOKENS: Final = 500


class StatementReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    citations: list[str]
    quotes: list[str]


class DisagreementReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    point: str
    why: str
    citations: list[str]
    quotes: list[str]


class SummaryReply(BaseModel):
    """The JSON schema the LLM answers in (strict structured output)."""

    model_config = ConfigDict(extra="forbid")

    common_ground: list[StatementReply]
    disagreements: list[DisagreementReply]
    wording_suggestions: list[StatementReply]

    def to_summary(self, *, ref: str, summarizer: str, language: str, input_hash: str) -> Summary:
        return Summary(
            ref=ref,
            common_ground=tuple(_statement(s.text, s) for s in self.common_ground),
            disagreements=tuple(_statement(_point_and_why(s), s) for s in self.disagreements),
            wording_suggestions=tuple(_statement(s.text, s) for s in self.wording_suggestions),
            summarizer=summarizer,
            language=language,
            input_hash=input_hash,
        )


def _statement(text: str, reply: StatementReply | DisagreementReply) -> Statement:
    return Statement(text=text.strip(), citations=tuple(reply.citations), quotes=tuple(reply.quotes))


def _point_and_why(reply: DisagreementReply) -> str:
    point, why = reply.point.strip(), reply.why.strip()
    return f"{point} — {why}" if point and why else point or why


@dataclass(frozen=True)
class SummaryResult:
    summary: Summary
    usage: Usage  # the tokens this call spent: none on a cache hit or offline
    from_cache: bool
    fallback_reason: str | None = None  # why the offline summarizer wrote it, when it did

    @property
    def prompt_tokens(self) -> int:
        return self.usage.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        return self.usage.completion_tokens


@dataclass(frozen=True)
class SummaryBatch:
    results: list[SummaryResult]

    @property
    def usage(self) -> Usage:
        """Token use of the whole batch (one digest)."""
        return sum((result.usage for result in self.results), Usage())


@dataclass
class _Meter:
    """Tokens spent so far on one summary, failed attempts included."""

    usage: Usage = field(default_factory=Usage)

    def add(self, usage: Usage) -> None:
        self.usage = self.usage + usage


class SummaryService:
    def __init__(
        self, db: Database, settings: Settings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.db = db
        self.settings = settings
        self._clock = clock
        self._client = client_for(settings)
        self._paused_until = float("-inf")
        self._prompt_version = source_hash(*PROMPT_TEMPLATES)

    @property
    def summarizer(self) -> str:
        """What writes the summaries while the LLM works: "llm:<model>" or "offline"."""
        return llm_summarizer(self.settings.openai_model) if self._client else OFFLINE

    def summarize_all(self, items: Iterable[SummaryInput]) -> SummaryBatch:
        return SummaryBatch([self.summarize(item) for item in items])

    def summarize(self, item: SummaryInput) -> SummaryResult:
        if self._client is None:
            return self._offline(item, "no OPENAI_API_KEY is set")
        if not item.comments:
            return self._offline(item, "no comments to summarise")
        key = self._llm_hash(item)
        cached = self._cached(key)
        if cached is not None:
            return SummaryResult(cached, Usage(), from_cache=True)
        if self._clock() < self._paused_until:
            return self._offline(item, "the LLM failed moments ago and is left alone for a while")
        meter = _Meter()
        try:
            summary = self._llm_summary(self._client, item, key, meter)
        except LLMError as exc:
            if not exc.invalid_output:
                self._paused_until = self._clock() + self.settings.llm_cooldown_seconds
            log.warning("LLM summary of %s failed (%s); the offline summarizer writes it", item.ref, exc)
            return self._offline(item, f"the LLM failed ({exc})", meter.usage)
        self._store(key, summary, meter.usage)
        return SummaryResult(summary, meter.usage, from_cache=False)

    def split(self, item: SummaryInput) -> list[SummaryInput]:
        """The parts of a thread that each fit the prompt budget, comments in their order."""
        available = self._comment_budget(item)
        parts: list[list[SummaryComment]] = [[]]
        used = 0
        for comment in item.comments:
            fitted = _fit(comment, available)
            cost = _comment_tokens(fitted)
            if parts[-1] and used + cost > available:
                parts.append([])
                used = 0
            parts[-1].append(fitted)
            used += cost
        return [replace(item, comments=tuple(part)) for part in parts]

    # -- the LLM path -------------------------------------------------------------------------------

    def _llm_summary(self, client: LLMClient, item: SummaryInput, key: str, meter: _Meter) -> Summary:
        parts = self.split(item)
        partials = [
            self._summarise_part(client, part, number, len(parts), meter)
            for number, part in enumerate(parts, start=1)
        ]
        merged = partials[0] if len(partials) == 1 else self._merge(client, item, partials, meter)
        return sanitise(ground(replace(merged, input_hash=key), item))

    def _summarise_part(
        self, client: LLMClient, part: SummaryInput, number: int, parts: int, meter: _Meter
    ) -> Summary:
        user = render("summary_user.j2", item=part, comments=part.comments, part=number, parts=parts)
        return self._ask(client, self._system(part, merge=False), user, part, meter)

    def _merge(
        self, client: LLMClient, item: SummaryInput, partials: Sequence[Summary], meter: _Meter
    ) -> Summary:
        """One merge when the partial summaries fit the budget; otherwise merges of groups, then of those."""
        system = self._system(item, merge=True)
        budget = self._prompt_budget() - estimate_tokens(system)
        groups = _groups_within(partials, lambda group: estimate_tokens(_merge_prompt(item, group)), budget)
        if len(groups) > 1:
            merged = [
                self._merge(client, item, group, meter) if len(group) > 1 else group[0] for group in groups
            ]
            return self._merge(client, item, merged, meter)
        return self._ask(client, system, _merge_prompt(item, partials), item, meter)

    def _ask(self, client: LLMClient, system: str, user: str, basis: SummaryInput, meter: _Meter) -> Summary:
        """One reply, grounded in `basis`. An invalid reply (not JSON, off the schema, or without a single
        grounded statement) is asked for once more; a second invalid one raises, as does any outage."""
        for attempt in (1, 2):
            try:
                reply = client.complete(
                    system=system, user=user, schema_name=SCHEMA_NAME, reply_type=SummaryReply
                )
                meter.add(reply.usage)
                return self._grounded(reply.value, basis)
            except LLMError as exc:
                meter.add(exc.usage)
                if not exc.invalid_output or attempt == 2:
                    raise
                log.info("invalid LLM reply for %s (%s); asking once more", basis.ref, exc)
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _grounded(self, reply: SummaryReply, basis: SummaryInput) -> Summary:
        summary = reply.to_summary(
            ref=basis.ref,
            summarizer=self.summarizer,
            language=self.settings.working_language,
            input_hash="",
        )
        grounded = ground(summary, basis)
        if basis.comments and not grounded.statements():
            # Usage(): the reply's tokens are already counted
            raise LLMError("invalid_output", "no statement cites a comment of the input", Usage())
        return grounded

    def _system(self, item: SummaryInput, *, merge: bool) -> str:
        return render(
            "summary_system.j2",
            language=self.settings.working_language,
            max_statements=STATEMENTS_PER_SECTION_MAX,
            max_quotes=QUOTES_PER_STATEMENT_MAX,
            example_id=item.comments[0].id if item.comments else "c1",
            merge=merge,
        )

    def _prompt_budget(self) -> int:
        return self.settings.llm_context_tokens - self.settings.llm_max_output_tokens

    def _comment_budget(self, item: SummaryInput) -> int:
        empty = render("summary_user.j2", item=item, comments=(), part=99, parts=99)
        fixed = estimate_tokens(self._system(item, merge=False)) + estimate_tokens(empty)
        return max(self._prompt_budget() - fixed, _MIN_PART_TOKENS)

    # -- cache and offline --------------------------------------------------------------------------

    def _llm_hash(self, item: SummaryInput) -> str:
        return content_hash(
            item,
            summarizer=self.summarizer,
            language=self.settings.working_language,
            prompts=self._prompt_version,
            format=SUMMARY_FORMAT_VERSION,
            context_tokens=self.settings.llm_context_tokens,
            max_output_tokens=self.settings.llm_max_output_tokens,
        )

    def _cached(self, key: str) -> Summary | None:
        with self.db.session() as session:
            entry = SummaryCacheRepository(session).by_hash(key)
            raw = entry.summary if entry is not None else None
        if raw is None:
            return None
        try:
            return summary_from_json(raw)
        except (ValueError, KeyError, TypeError) as exc:
            # Unreadable: replace it with a fresh summary rather than fail the digest.
            log.warning("unreadable cached summary %s (%r); summarising again", key, exc)
            with self.db.session() as session:
                SummaryCacheRepository(session).delete(key)
            return None

    def _store(self, key: str, summary: Summary, usage: Usage) -> None:
        entry = SummaryCacheEntry(
            content_hash=key,
            summary=summary_to_json(summary),
            summarizer=summary.summarizer,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )
        try:
            with self.db.session() as session:
                SummaryCacheRepository(session).add(entry)
        except IntegrityError:
            log.debug("summary %s was cached by another process first", key)

    def _offline(self, item: SummaryInput, reason: str, usage: Usage | None = None) -> SummaryResult:
        key = content_hash(item, summarizer=OFFLINE, format=SUMMARY_FORMAT_VERSION)
        summary = sanitise(offline_summary(item, input_hash=key))
        return SummaryResult(summary, usage or Usage(), from_cache=False, fallback_reason=reason)


def _merge_prompt(item: SummaryInput, partials: Sequence[Summary]) -> str:
    return render("merge_user.j2", item=item, partials=partials)


def _groups_within(
    partials: Sequence[Summary], cost: Callable[[Sequence[Summary]], int], budget: int
) -> list[list[Summary]]:
    """Consecutive groups whose merge prompt fits the budget; a group holds two partials at least, so
    every round of merging shrinks the list even when the budget is too small."""
    groups: list[list[Summary]] = [[]]
    for partial in partials:
        candidate = [*groups[-1], partial]
        if len(groups[-1]) >= 2 and cost(candidate) > budget:
            groups.append([partial])
        else:
            groups[-1] = candidate
    return groups


def _comment_tokens(comment: SummaryComment) -> int:
    attributes = (comment.id, comment.organisation, comment.region, comment.country, comment.position)
    return (
        estimate_tokens(xml(comment.text))
        + estimate_tokens(" ".join(xml(value) for value in attributes))
        + _COMMENT_MARKUP_TOKENS
    )


def _fit(comment: SummaryComment, available: int) -> SummaryComment:
    """A comment too long for a whole part is cut (quotes of its opening still match the original)."""
    text = comment.text
    while len(text) > 1 and _comment_tokens(replace(comment, text=text)) > available:
        text = text[: len(text) * 9 // 10]
    return comment if text == comment.text else replace(comment, text=text)
