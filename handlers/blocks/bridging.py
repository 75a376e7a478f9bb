"""Messages of "Find common wording": the candidates of a round, its result, and why a round failed."""

from __future__ import annotations

from datetime import datetime

from bot.domain.bridging import CURRENT_TEXT, Candidate, Point
from bot.domain.bridging_rounds import RoundView
from bot.domain.consultations.views import ConsultationView
from bot.domain.polls.drafts import PollView
from handlers.blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    escape,
    fallback,
    header,
    message,
    quoted,
    section,
    slack_date,
    truncate,
)
from handlers.ids import BridgingAction

CANDIDATE_QUOTE_MAX = 2600
POINT_EXCERPT_MAX = 90
_KIND_NAMES = {"objection": "objection", "change": "change asked", "suggestion": "suggested wording",
               "critique": "critique"}  # fmt: skip


def candidates_message(bridging: RoundView, consultation: ConsultationView, poll: PollView) -> Message:
    """Posted in the consultation's thread just before the ranking poll: every option in full."""
    title = f"Find common wording · {consultation.ref} · round {bridging.round}"
    blocks: list[Block] = [header(title), context(_drafted_by(bridging))]
    points = dict(bridging.material_by_id())
    for candidate in bridging.candidates:
        blocks.append(section(_candidate_text(candidate, points)))
    deadline = _date(poll.deadline)
    blocks.append(
        context(
            f"Rank the options in *{poll.ref}* below: one ballot per organisation (its latest member's "
            "ranking counts), partial rankings welcome, unranked options count below ranked ones."
            + (f" The ranking closes on {deadline}." if deadline else "")
        )
    )
    text = f"{title}: {len(bridging.candidates)} options to rank in {poll.ref}"
    return message(fallback(text), blocks)


def result_message(bridging: RoundView, consultation: ConsultationView) -> Message:
    """The Schulze winner, the pairwise results and what happens next."""
    ref = f"P{bridging.poll_number}" if bridging.poll_number else "the ranking"
    winner = bridging.winner
    if winner is None or not bridging.ballots:
        text = f"{ref} closed without a ranking: the current text of {consultation.ref} stays as it is."
        return message(fallback(text), [section(escape(text))])
    lines = [
        f"*{escape(m.winner)}* beats *{_lower_current(m.loser)}* {m.for_winner} to {m.for_loser}"
        for m in bridging.matchups()
    ]
    orgs = "organisation" if bridging.ballots == 1 else "organisations"
    heading = f"Result of {ref} (Schulze): *{escape(winner.label)}* wins, ranked by {bridging.ballots} {orgs}"
    blocks: list[Block] = [section(heading + "."), *([section("\n".join(lines))] if lines else []), divider()]
    blocks.append(section(f"*{escape(winner.label)}*\n{quoted(winner.text, CANDIDATE_QUOTE_MAX)}"))
    blocks.extend(_next_step(bridging, consultation))
    return message(fallback(f"Result of {ref}: {winner.label} wins"), blocks)


def failed_message(bridging: RoundView, consultation: ConsultationView) -> Message:
    text = (
        f"No common-wording round on {consultation.ref} this time: {bridging.fallback_reason}. "
        "Suggested wordings in the thread give the next round its material."
    )
    return message(fallback(text), [section(escape(text))])


def drafting_notice(bridging: RoundView) -> str:
    what = "revisions of the proposed wording" if bridging.round > 1 else "candidate wordings"
    return (
        f"Drafting {what} now; they appear in the consultation's thread with a ranking poll in a moment. "
        "Each organisation then ranks them there."
    )


def _next_step(bridging: RoundView, consultation: ConsultationView) -> list[Block]:
    if bridging.winner_label == CURRENT_TEXT:
        return [context("The organisations prefer the current text: it stays as it is.")]
    suggested = (
        f"It is now a suggested wording of {consultation.ref}: its author or a coordinator can take it up "
        "with *Publish new version*, and every organisation is asked again for its position."
    )
    if not bridging.can_revise:
        return [context(suggested)]
    until = _date(bridging.critique_until)
    return [
        context(
            suggested
            + " Before that, reply in this thread with critiques of this wording"
            + (f" until {until}" if until else "")
            + "; *Revise with critiques* then drafts revisions that answer them for one more ranking."
        ),
        actions(
            button("Revise with critiques", BridgingAction.REVISE.value, str(bridging.id)),
            block_id="bridging_next",
        ),
    ]


def _candidate_text(candidate: Candidate, points: dict[str, tuple[str, Point]]) -> str:
    heading = f"*{escape(candidate.label)}*"
    if candidate.source == "winner":
        heading += " (the previous round's winner)"
    answered = [_point_label(pid, points[pid]) for pid in candidate.addresses if pid in points]
    if answered:
        heading += " · answers " + "; ".join(answered)
    return f"{heading}\n{quoted(candidate.text, CANDIDATE_QUOTE_MAX)}"


def _point_label(point_id: str, kind_and_point: tuple[str, Point]) -> str:
    kind, point = kind_and_point
    who = ", ".join(part for part in (point.organisation, point.country) if part)
    excerpt = truncate(point.text, POINT_EXCERPT_MAX)
    return escape(f"{point_id} {_KIND_NAMES.get(kind, kind)}{f' ({who})' if who else ''}: “{excerpt}”")


def _drafted_by(bridging: RoundView) -> str:
    counts = bridging.material_counts()
    material = ", ".join(f"{n} {name}" for name, n in counts if n) or "the partners' points"
    if bridging.offline:
        reason = f" ({escape(bridging.fallback_reason)})" if bridging.fallback_reason else ""
        return f"No LLM drafted this round{reason}: the options are the partners' own suggested wordings."
    return f"Drafted with an LLM from {material}, every option checked against the partners' points."


def _date(value: datetime | None) -> str:
    return slack_date(value) if value is not None else ""


def _lower_current(label: str) -> str:
    return "the current text" if label == CURRENT_TEXT else escape(label)
