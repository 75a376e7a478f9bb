"""What the bot posts about a consultation besides its root message: thread notes and direct messages."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.domain.consultations.views import (
    AmendmentView,
    ConfirmRequest,
    ConsultationView,
    DiffSegment,
    PositionView,
    RevisionResult,
)
from handlers.blocks.common import (
    SECTION_TEXT_MAX,
    Message,
    actions,
    button,
    context,
    escape,
    fallback,
    message,
    quoted,
    section,
    slack_date,
)
from handlers.blocks.consultations.message import (
    mention,
    outcome_button,
    position_buttons,
    tally,
    thread_link,
)
from handlers.ids import ConsultAction

_DIFF_MAX = SECTION_TEXT_MAX - 150
_NOTE_SUGGESTION_MAX = 2400


# -- notes in the thread --------------------------------------------------------------------------


def suggestion_text(amendment: AmendmentView, limit: int) -> str:
    wording = quoted(amendment.text, limit).replace("\n", "\n>")
    text = (
        f":bulb: *Suggestion {amendment.id}* by {mention(amendment.author)} "
        f"({escape(amendment.organisation)}) on version {amendment.version}:\n>{wording}"
    )
    if amendment.note:
        text += "\n_Why:_ " + quoted(amendment.note, 600)
    return text


def amendment_note(amendment: AmendmentView) -> Message:
    return message(
        fallback(f"Suggestion {amendment.id} by {amendment.author_name}"),
        [section(suggestion_text(amendment, _NOTE_SUGGESTION_MAX))],
    )


def diff_mrkdwn(segments: Sequence[DiffSegment], limit: int = _DIFF_MAX) -> str:
    """Removed words struck through, added words in bold, cut to fit a section."""
    parts: list[str] = []
    size = 0
    previous: DiffSegment | None = None
    for segment in segments:
        piece = _marked(segment)
        # "~old~*new*" would not render: changes side by side need a space between them.
        side_by_side = previous is not None and "same" not in (previous.kind, segment.kind)
        if side_by_side and previous is not None and not previous.text[-1:].isspace():
            piece = " " + piece
        previous = segment
        if size + len(piece) > limit:
            parts.append("… _(shortened: the full text is in the root message)_")
            break
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def _marked(segment: DiffSegment) -> str:
    if segment.kind == "same":
        return escape(segment.text)
    marker = "~" if segment.kind == "removed" else "*"
    lines = []
    for line in segment.text.split("\n"):
        core = line.strip()
        if not core:
            lines.append(line)
            continue
        lead, tail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
        lines.append(f"{lead}{marker}{escape(core)}{marker}{tail}")
    return "\n".join(lines)


def revision_note(result: RevisionResult) -> Message:
    view = result.consultation
    intro = f":memo: *Version {result.new_version}* of {view.ref} published by {mention(result.author)}" + (
        f": {quoted(result.note, 800)}" if result.note else ""
    )
    blocks: list[Block] = [section(intro)]
    if result.title_changed:
        blocks.append(section("*New title:* " + quoted(view.title, 300)))
    blocks.append(section("*Changes* (~removed~ *added*)\n" + diff_mrkdwn(result.diff)))
    if result.adopted:
        blocks.append(context("Takes up " + ", ".join(f"suggestion {i}" for i in result.adopted)))
    blocks.append(
        context(
            f"Positions given on version {result.old_version} are kept and marked as such; their "
            "organisations are asked to confirm or change them."
        )
    )
    return message(fallback(f"Version {result.new_version} of {view.ref}"), blocks)


def on_behalf_note(view: ConsultationView, position: PositionView) -> Message:
    text = (
        f":clipboard: {mention(position.on_behalf_by)} recorded the position of "
        f"*{escape(position.organisation)}*: *{position.position.label}* "
        f"(given {quoted(position.source or 'outside Slack', 200)})"
    )
    if position.reason:
        text += "\n_Reason:_ " + quoted(position.reason, 1500)
    return message(
        fallback(f"{position.organisation}: {position.position.label} on {view.ref}"), [section(text)]
    )


def closed_note(view: ConsultationView) -> Message:
    """Posted in the thread (and to the channel) when a consultation closes or gets its outcome."""
    if view.outcome is None:
        text = (
            f":lock: The consultation on {view.ref} closed at its deadline. {tally(view)}. "
            "A coordinator records the outcome."
        )
    else:
        statement = quoted(view.outcome_statement or "", 2400).replace("\n", "\n>")
        text = (
            f":lock: The consultation on {view.ref} is closed: *{view.outcome.label}* "
            f"({mention(view.outcome_by)}). {tally(view)}.\n>{statement}"
        )
    return message(fallback(f"Consultation on {view.ref} closed"), [section(text)])


# -- direct messages ------------------------------------------------------------------------------


def confirm_request_message(view: ConsultationView, request: ConfirmRequest) -> Message:
    label = request.position.label
    text = (
        f":memo: *{view.ref} · {quoted(view.title, 300)}* has a new version {view.version}. "
        f"*{escape(request.organisation)}* said *{label}* on version {request.version}. "
        f"Read the changes in {thread_link(view)}, then keep your position or change it."
    )
    keep = button(f"Keep {label}", ConsultAction.CONFIRM.value, str(view.id), "primary")
    return message(
        fallback(f"{view.ref} has a new version: confirm or change your position"),
        [section(text), actions(keep, block_id="consultation_confirm"), position_buttons(view.id)],
    )


def confirmed_message(view: ConsultationView, position: PositionView) -> Message:
    text = (
        f":white_check_mark: {escape(position.organisation)} keeps *{position.position.label}* on version "
        f"{position.version} of {view.ref}."
    )
    return message(fallback(text), [section(text)])


def reminder_message(view: ConsultationView, organisation: str) -> Message:
    text = (
        f":hourglass: The consultation on *{view.ref} · {quoted(view.title, 300)}* closes "
        f"{slack_date(view.deadline)}, and *{escape(organisation)}* has no position yet. "
        f"Choose one here or in {thread_link(view)}."
    )
    return message(
        fallback(f"Reminder: give your position on {view.ref}"), [section(text), position_buttons(view.id)]
    )


def outcome_request_message(view: ConsultationView) -> Message:
    text = (
        f":lock: The consultation on *{view.ref} · {quoted(view.title, 300)}* closed at its deadline "
        f"({tally(view)}). Record its outcome so that the recommendation's status follows; "
        f"see {thread_link(view)}."
    )
    return message(
        fallback(f"Record the outcome of {view.ref}"), [section(text), outcome_button(view.id, "primary")]
    )


def nothing_to_consult() -> str:
    return (
        "No recommendation can go into consultation right now: each one is already in consultation, "
        "withdrawn or adopted. Propose one with `/propose`, or see them all with `/recs`."
    )
