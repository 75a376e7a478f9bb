"""Finding a wording everyone can live with: the material of a drafting round and its candidates.

A drafting round (after the Habermas Machine: Tessler et al., Science 2024) drafts several rewordings
of a recommendation from everyone's positions, lets the organisations rank them, and keeps the Schulze
winner. This module holds the rules that need no LLM and no Slack: what goes into a round (each
objection, change request, suggested wording and comment under a stable id), which drafted candidates
survive (only ids that were in the input, at least one addressed, nothing that pings or links), the
offline candidates (the partners' own suggested wordings) and the option labels of the ranking poll.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Final, Literal

from bot.domain.consultations.kinds import Position
from bot.domain.consultations.views import CommentView, ConsultationView
from bot.domain.summary_text import defuse

CURRENT_TEXT: Final = "Current text"
CANDIDATE_TEXT_MAX: Final = 1500
COMMENTS_MAX: Final = 40
NO_REASON: Final = "(no reason given)"
# A rewording keeps most of its words from the text and the points it answers; a draft that does not is
# not a rewording (an obeyed instruction hidden in a comment, say) and is dropped.
GROUNDED_WORD_SHARE: Final = 0.5
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
Source = Literal["current", "llm", "suggestion", "winner"]


@dataclass(frozen=True)
class Point:
    """One thing a candidate can address: an objection (O), a change asked for (C), a suggested wording (S),
    a comment (M) or a critique of an earlier winner (K)."""

    id: str
    organisation: str
    country: str
    text: str
    position: str = ""


@dataclass(frozen=True)
class RoundInput:
    ref: str
    title: str
    current_text: str
    objections: tuple[Point, ...] = ()
    changes: tuple[Point, ...] = ()
    suggestions: tuple[Point, ...] = ()
    comments: tuple[Point, ...] = ()
    critiques: tuple[Point, ...] = ()
    base_text: str | None = None  # a revision round starts from the previous round's winner

    @property
    def points(self) -> tuple[Point, ...]:
        return self.objections + self.changes + self.suggestions + self.comments + self.critiques

    @property
    def addressable_ids(self) -> frozenset[str]:
        """What a candidate may claim to address: the points that ask for a change (comments are context)."""
        return frozenset(p.id for p in self.objections + self.changes + self.suggestions + self.critiques)

    @property
    def has_material(self) -> bool:
        return bool(self.addressable_ids)

    def content_hash(self, **context: object) -> str:
        payload = {"input": asdict(self), "context": {k: str(v) for k, v in sorted(context.items())}}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Candidate:
    label: str
    text: str
    source: Source
    addresses: tuple[str, ...] = ()
    rationale: str = ""


@dataclass(frozen=True)
class DraftedText:
    """A candidate as the LLM proposed it, before it is checked."""

    text: str
    addresses: Sequence[str] = field(default_factory=tuple)
    rationale: str = ""


def gather(
    view: ConsultationView,
    comments: Sequence[CommentView],
    *,
    critiques_since: datetime | None = None,
    base_text: str | None = None,
) -> RoundInput:
    """A round's material: each objection, change request, suggested wording, and the thread's latest
    comments; for a revision round, the comments since the previous result are its critiques."""
    positions = sorted(view.positions, key=lambda p: p.organisation)
    objections = [p for p in positions if p.position in (Position.DISAGREE, Position.BLOCK)]
    changes = [p for p in positions if p.position is Position.AGREE_WITH_CHANGES and p.reason.strip()]
    # The previous round's winner is already an option of a revision round, not a suggestion to weigh.
    suggestions = [
        a
        for a in view.amendments
        if a.version == view.version and a.adopted_in_version is None and a.text != base_text
    ]
    live = [c for c in comments if not c.deleted and c.text.strip()]
    critiques = [c for c in live if critiques_since is not None and c.posted_at >= critiques_since]
    earlier = [c for c in live if c not in critiques][-COMMENTS_MAX:]
    return RoundInput(
        ref=view.ref,
        title=view.title,
        current_text=view.text,
        objections=tuple(
            Point(f"O{n}", p.organisation, p.country, p.reason.strip() or NO_REASON, p.position.value)
            for n, p in enumerate(objections, start=1)
        ),
        changes=tuple(
            Point(f"C{n}", p.organisation, p.country, p.reason.strip(), p.position.value)
            for n, p in enumerate(changes, start=1)
        ),
        suggestions=tuple(
            Point(f"S{n}", a.organisation, "", a.text) for n, a in enumerate(suggestions, start=1)
        ),
        comments=tuple(_comment_point(f"M{n}", c) for n, c in enumerate(earlier, start=1)),
        critiques=tuple(_comment_point(f"K{n}", c) for n, c in enumerate(critiques, start=1)),
        base_text=base_text,
    )


def _comment_point(point_id: str, comment: CommentView) -> Point:
    return Point(point_id, comment.organisation or "", comment.country or "", comment.text.strip())


def wording_label(index: int) -> str:
    """Wording A, Wording B, ... Wording Z, Wording AA, ..."""
    letters = string.ascii_uppercase
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = letters[rest] + name
    return f"Wording {name}"


def accept_drafts(
    drafts: Iterable[DraftedText], round_input: RoundInput, *, limit: int, keep: Sequence[str] = ()
) -> list[DraftedText]:
    """The drafts worth ranking: made safe, citing only known ids, addressing at least one, no repeats.

    `keep` lists texts already among the options (the current text, a previous winner): a draft equal to
    one of them adds nothing.
    """
    known = round_input.addressable_ids
    seen = {_normalised(text) for text in keep}
    accepted: list[DraftedText] = []
    for draft in drafts:
        text = defuse(draft.text, CANDIDATE_TEXT_MAX)
        addresses = tuple(dict.fromkeys(i.strip() for i in draft.addresses if i.strip() in known))
        if not text or not addresses or _normalised(text) in seen:
            continue
        if not _grounded(text, round_input, addresses):
            continue
        seen.add(_normalised(text))
        accepted.append(DraftedText(text, addresses, defuse(draft.rationale, 300)))
        if len(accepted) == limit:
            break
    return accepted


def offline_drafts(round_input: RoundInput, *, limit: int) -> list[DraftedText]:
    """Without an LLM the candidates are the partners' own suggested wordings, each addressing itself."""
    drafts = (DraftedText(s.text, (s.id,), f"suggested by {s.organisation}") for s in round_input.suggestions)
    return accept_drafts(drafts, round_input, limit=limit, keep=(round_input.current_text,))


def ballot_options(current_text: str, drafts: Sequence[DraftedText], source: Source) -> list[Candidate]:
    """The ranking poll's options: the current text first, then Wording A, B, ..."""
    options = [Candidate(CURRENT_TEXT, current_text, "current")]
    options.extend(
        Candidate(wording_label(n), d.text, source, tuple(d.addresses), d.rationale)
        for n, d in enumerate(drafts)
    )
    return options


def _grounded(text: str, round_input: RoundInput, addresses: Sequence[str]) -> bool:
    words = _words(text)
    if not words:
        return False
    by_id = {p.id: p.text for p in round_input.points}
    sources = [round_input.current_text, round_input.base_text or "", *(by_id[i] for i in addresses)]
    known = set().union(*(_words(source) for source in sources))
    return len(words & known) >= GROUNDED_WORD_SHARE * len(words)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _CONTENT_WORD.findall(text)}


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()
