"""The digest's next steps that follow from its items: the objections to resolve and what a validity
review proposes. Plain Python; the words are the digest's, the renderings escape them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.domain.digest import DISCUSS, REVIEW_ACTIONS, OrgPosition, PollItem, RecItem
from bot.domain.polls.kinds import PollStatus

# Recommendations named one by one in the next steps; the rest are counted (all are in the Objections list).
OBJECTION_STEPS_MAX: Final = 5
# Objecting organisations named in one step; the rest are counted.
OBJECTORS_PER_STEP_MAX: Final = 4


def objection_steps(items: Sequence[RecItem]) -> list[str]:
    """One step per recommendation with a Disagree or Block, blocked ones first, whatever its support."""
    objected = sorted((i for i in items if i.objections), key=lambda i: not i.blocked)
    steps = [_objection_step(item) for item in objected[:OBJECTION_STEPS_MAX]]
    rest = len(objected) - len(steps)
    if rest:
        steps.append(
            f"Objections to {rest} more recommendation{'s' if rest > 1 else ''} wait as well "
            "(all are listed under Objections to resolve)."
        )
    return steps


def common_wording_step(refs: Sequence[str]) -> list[str]:
    """Recommendations in open consultations with objections: a drafting round may find a shared wording."""
    if not refs:
        return []
    return [
        "Try Find common wording on the consultation of "
        + ", ".join(refs)
        + ": the organisations rank rewordings drafted from the objections, and the winner becomes a "
        "suggested wording."
    ]


def _objection_step(item: RecItem) -> str:
    named = [_objector(o) for o in item.objections[:OBJECTORS_PER_STEP_MAX]]
    rest = len(item.objections) - len(named)
    if rest:
        named.append(f"and {rest} more")
    count = len(item.objections)
    what = "the objection" if count == 1 else f"the {count} objections"
    return f"Resolve {what} to {item.ref}: {', '.join(named)}."


def _objector(objection: OrgPosition) -> str:
    return f"{objection.organisation} ({objection.country}, {objection.position})"


def review_steps(polls: Sequence[PollItem]) -> list[str]:
    """Per validity review: which earlier recommendations to keep, revise or drop, and which to discuss."""
    steps = []
    for poll in polls:
        by_action: dict[str, list[str]] = {action: [] for action in REVIEW_ACTIONS}
        for verdict in poll.verdicts:
            if verdict.action:
                by_action[verdict.action].append(verdict.ref)
        proposals = [
            f"{action} {', '.join(refs)}" + (" (verdicts split)" if action == DISCUSS else "")
            for action, refs in by_action.items()
            if refs
        ]
        if proposals:
            when = "ended" if poll.status == PollStatus.CLOSED else "so far"
            steps.append(f"Validity review {poll.ref} {when}: {'; '.join(proposals)}.")
    return steps
