"""Drafting the candidate wordings of a round: with the LLM, or from the partners' own suggestions.

The LLM sees the round's material as numbered, delimited data (prompts/bridging_*.j2) and answers with
JSON; `bot.domain.bridging.accept_drafts` then keeps only safe, grounded candidates that address known
points. A round on unchanged material costs no tokens: the accepted drafts are cached by the hash of
everything that shaped them (in the LLM output cache the summaries use). Without an LLM, or when it
fails or leaves nothing usable, the candidates are the partners' suggested wordings, and the round says so.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.domain.bridging import DraftedText, RoundInput, accept_drafts, offline_drafts
from bot.services.llm import LLMClient, LLMError, Usage, client_for
from prompts.render import render, source_hash
from storage.db import Database
from storage.models.summaries import SummaryCacheEntry
from storage.repositories.summaries import SummaryCacheRepository

log = logging.getLogger("consult_bot.bridging")
SYSTEM = "bridging_system.j2"
USER = "bridging_user.j2"
CANDIDATE_MAX_CHARS = 1200
OFFLINE = "offline"


class CandidateItem(BaseModel):
    text: str
    addresses: list[str] = Field(default_factory=list)
    rationale: str = ""


class CandidatesReply(BaseModel):
    candidates: list[CandidateItem]


@dataclass(frozen=True)
class Drafts:
    drafts: tuple[DraftedText, ...]
    drafted_by: str  # "llm:<model>" or "offline"
    usage: Usage
    from_cache: bool = False
    fallback_reason: str | None = None

    @property
    def offline(self) -> bool:
        return self.drafted_by == OFFLINE


class DraftingService:
    def __init__(self, db: Database, settings: Settings, client: LLMClient | None = None) -> None:
        self.db = db
        self.settings = settings
        self._client = client if client is not None else client_for(settings)

    def draft(self, item: RoundInput, *, count: int, keep: tuple[str, ...] = ()) -> Drafts:
        """Up to `count` candidates (fewer when the material allows fewer), never including `keep`."""
        if self._client is None:
            return self._offline(item, count, "no LLM is configured (OPENAI_API_KEY unset)")
        drafted_by = f"llm:{self._client.model}"
        key = item.content_hash(drafted_by=drafted_by, count=count, keep=keep, prompts=_prompt_version())
        cached = self._cached(key)
        if cached is not None:
            return Drafts(cached, drafted_by, Usage(), from_cache=True)
        try:
            reply = self._client.complete(
                system=self._system(item, count),
                user=render(USER, item=item, points=_points(item), count=count),
                schema_name="bridging_candidates",
                reply_type=CandidatesReply,
            )
        except LLMError as exc:
            log.warning(
                "drafting %s with the LLM failed (%s); using the partners' suggestions", item.ref, exc
            )
            return self._offline(item, count, f"the LLM failed ({exc.kind})", exc.usage)
        raw = (DraftedText(c.text, tuple(c.addresses), c.rationale) for c in reply.value.candidates)
        drafts = tuple(accept_drafts(raw, item, limit=count, keep=(item.current_text, *keep)))
        if not drafts:
            return self._offline(
                item, count, "the LLM's drafts addressed no objection or suggestion", reply.usage
            )
        self._store(key, drafts, drafted_by, reply.usage)
        return Drafts(drafts, drafted_by, reply.usage)

    def _system(self, item: RoundInput, count: int) -> str:
        example = next(iter(sorted(item.addressable_ids)), "O1")
        return render(
            SYSTEM,
            count=count,
            language=self.settings.working_language,
            revision=item.base_text is not None,
            max_chars=CANDIDATE_MAX_CHARS,
            example_id=example,
        )

    def _offline(self, item: RoundInput, count: int, reason: str, usage: Usage | None = None) -> Drafts:
        return Drafts(
            tuple(offline_drafts(item, limit=count)), OFFLINE, usage or Usage(), fallback_reason=reason
        )

    def _cached(self, key: str) -> tuple[DraftedText, ...] | None:
        with self.db.session() as session:
            entry = SummaryCacheRepository(session).by_hash(key)
            raw = entry.summary if entry is not None else None
        if raw is None:
            return None
        try:
            return tuple(
                DraftedText(d["text"], tuple(d["addresses"]), d["rationale"]) for d in json.loads(raw)
            )
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable cached drafts %s; drafting again", key)
            return None

    def _store(self, key: str, drafts: tuple[DraftedText, ...], drafted_by: str, usage: Usage) -> None:
        payload = [{"text": d.text, "addresses": list(d.addresses), "rationale": d.rationale} for d in drafts]
        entry = SummaryCacheEntry(
            content_hash=key,
            summary=json.dumps(payload),
            summarizer=drafted_by,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )
        try:
            with self.db.session() as session:
                SummaryCacheRepository(session).add(entry)
        except IntegrityError:
            log.debug("drafts %s were cached by another process first", key)


def _points(item: RoundInput) -> list[tuple[str, object]]:
    """A revision round leads with the critiques of the winner it revises."""
    critiques = (("critique", item.critiques),)
    groups = (
        *(critiques if item.base_text else ()),
        ("objection", item.objections),
        ("change", item.changes),
        ("suggestion", item.suggestions),
        *(() if item.base_text else critiques),
        ("comment", item.comments),
    )
    return [(kind, point) for kind, points in groups for point in points]


def _prompt_version() -> str:
    return source_hash(SYSTEM, USER)
