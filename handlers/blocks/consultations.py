"""Views of consultations: the thread's root message, its modals, thread notes and direct messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.domain.consultations.inputs import organisation_key
from bot.domain.consultations.kinds import (
    AMENDMENT_MAX,
    AMENDMENT_NOTE_MAX,
    OUTCOME_MAX,
    REASON_MAX,
    REVISION_NOTE_MAX,
    SOURCE_MAX,
    Outcome,
    Position,
)
from bot.domain.consultations.views import (
    AmendmentView,
    ConfirmRequest,
    ConsultationView,
    DiffSegment,
    PositionForm,
    PositionView,
    RevisionForm,
    RevisionResult,
)
from bot.domain.recommendations import TEXT_MAX, TITLE_MAX, RecommendationView
from handlers.blocks.common import (
    OPTION_TEXT_MAX,
    SECTION_TEXT_MAX,
    Block,
    button,
    context,
    escape,
    fallback,
    header,
    plain,
    quoted,
    section,
    truncate,
)
from handlers.ids import BridgingAction, ConsultAction, ConsultCallback, ConsultField, position_action

_POSITION_STYLES = {Position.AGREE: "primary", Position.BLOCK: "danger"}
_POSITION_ICONS = {
    Position.AGREE: ":large_green_circle:",
    Position.AGREE_WITH_CHANGES: ":large_yellow_circle:",
    Position.ABSTAIN: ":white_circle:",
    Position.DISAGREE: ":large_orange_circle:",
    Position.BLOCK: ":red_circle:",
}
# Room for the "and N more" note within a section's 3000 characters.
_SUMMARY_MAX = SECTION_TEXT_MAX - 200
_DIFF_MAX = SECTION_TEXT_MAX - 150
SUGGESTIONS_SHOWN = 20
# A static select holds at most 100 options.
PICKER_OPTIONS = 100


def slack_date(moment: datetime) -> str:
    """A date every reader sees in their own time zone; the fallback is UTC."""
    fallback_text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback_text}>"


def _mention(user: str | None) -> str:
    return f"<@{user}>" if user and user.startswith(("U", "W")) else "the bot"


def _thread_link(view: ConsultationView, label: str = "the consultation thread") -> str:
    return f"<{view.permalink}|{label}>" if view.permalink else label


# -- the root message of the thread -----------------------------------------------------------


def consultation_message(view: ConsultationView) -> tuple[str, list[Block]]:
    """The draft with its position buttons; it is the root of the consultation thread."""
    blocks: list[Block] = [
        header(f"Consultation · {view.ref} · {view.title}"),
        section(quoted(view.text, 2900)),
        context(
            f"Version {view.version}",
            f"Deadline {slack_date(view.deadline)}",
            f"Started by {_mention(view.started_by)}",
            f"{view.comments} comments · {len(view.amendments)} suggested wordings",
        ),
        section(position_summary(view)),
    ]
    if view.is_open:
        blocks.append(position_buttons(view.id))
        blocks.append(
            {
                "type": "actions",
                "block_id": "consultation_tools",
                "elements": [
                    button("Suggest wording", ConsultAction.SUGGEST.value, str(view.id)),
                    button("Publish new version", ConsultAction.REVISE.value, str(view.id)),
                    button("Find common wording", BridgingAction.FIND.value, str(view.id)),
                    button("Record for an organisation", ConsultAction.ON_BEHALF.value, str(view.id)),
                    button("Close consultation", ConsultAction.CLOSE.value, str(view.id)),
                ],
            }
        )
        blocks.append(
            context(
                "Reply in this thread to comment. Your organisation's position is the latest answer of any "
                "of its members; Disagree and Block need a reason. Only the author or a coordinator "
                "publishes a new version; coordinators record positions given by e-mail and close. "
                "*Find common wording* drafts rewordings from the objections for the organisations to rank."
            )
        )
    else:
        blocks.extend(_closed_blocks(view))
    return fallback(f"Consultation on {view.ref}: {view.title}"), blocks


def position_buttons(consultation_id: int) -> Block:
    return {
        "type": "actions",
        "block_id": "consultation_positions",
        "elements": [
            button(p.label, position_action(p), str(consultation_id), _POSITION_STYLES.get(p))
            for p in Position
        ],
    }


def _closed_blocks(view: ConsultationView) -> list[Block]:
    closed = slack_date(view.closed_at) if view.closed_at else "at its deadline"
    if view.outcome is None:
        return [
            section(f":lock: *Closed* {closed}. A coordinator records the outcome."),
            {
                "type": "actions",
                "block_id": "consultation_outcome",
                "elements": [button("Record outcome", ConsultAction.CLOSE.value, str(view.id))],
            },
        ]
    statement = quoted(view.outcome_statement or "", 2500)
    return [
        section(
            f":lock: *Closed* {closed} · outcome: *{view.outcome.label}* by {_mention(view.outcome_by)}\n"
            f">{statement.replace(chr(10), chr(10) + '>')}"
        )
    ]


def position_summary(view: ConsultationView) -> str:
    """Organisations per position, then those without one; cut with "and N more" to fit a section."""
    counts = view.counts()
    lines = [
        "*Positions* · " + " · ".join(f"{p.label} {counts[p.value]}" for p in Position if counts[p.value])
        if view.positions
        else "*Positions* · none yet"
    ]
    for position in Position:
        holders = [_holder(p) for p in view.positions if p.position is position]
        if holders:
            lines.append(f"{_POSITION_ICONS[position]} *{position.label}*: " + _listed(holders, 600))
    missing = view.without_position()
    if missing:
        lines.append(
            f":hourglass: *No position yet* ({len(missing)}): " + _listed([escape(m) for m in missing], 600)
        )
    return truncate("\n".join(lines), _SUMMARY_MAX)


def _holder(p: PositionView) -> str:
    text = escape(p.organisation)
    notes = []
    if p.about_old_version:
        notes.append(f"on version {p.version}")
    if p.recorded_on_behalf:
        notes.append(f"recorded by a coordinator, {escape(p.source or 'off Slack')}")
    return text + (f" _({'; '.join(notes)})_" if notes else "")


def _listed(items: Sequence[str], limit: int) -> str:
    shown: list[str] = []
    for item in items:
        if len(", ".join([*shown, item])) > limit:
            break
        shown.append(item)
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


# -- modals ---------------------------------------------------------------------------------------


def _modal(
    callback: ConsultCallback, title: str, submit: str, metadata: str, blocks: list[Block]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback.value,
        "private_metadata": metadata,
        "title": plain(title, 24),
        "submit": plain(submit, 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def _text_input(
    field: ConsultField,
    label: str,
    max_length: int,
    *,
    multiline: bool = True,
    optional: bool = False,
    hint: str = "",
    initial: str = "",
) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": field.value,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    block: Block = {
        "type": "input",
        "block_id": field.value,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value}


def _select(field: ConsultField, label: str, options: list[dict[str, Any]], placeholder: str) -> Block:
    return {
        "type": "input",
        "block_id": field.value,
        "label": plain(label),
        "element": {
            "type": "static_select",
            "action_id": field.value,
            "placeholder": plain(placeholder, 150),
            "options": options[:100],
        },
    }


def _about(view: ConsultationView) -> Block:
    return section(f"*{view.ref} · {quoted(view.title, 300)}* (version {view.version})")


def picker_modal(recs: Sequence[RecommendationView], metadata: str, default_deadline: date) -> dict[str, Any]:
    """`/consult` without a reference: choose the recommendation (and the deadline)."""
    options = [_option(f"{rec.ref} · {rec.title}", rec.ref) for rec in recs[:PICKER_OPTIONS]]
    intro = "The draft is posted in this channel as a thread with position buttons."
    if len(recs) > PICKER_OPTIONS:
        intro += (
            f" The list shows the {PICKER_OPTIONS} newest of {len(recs)}; "
            "for an older one type `/consult R<n>`."
        )
    return _modal(
        ConsultCallback.PICK,
        "Start a consultation",
        "Start",
        metadata,
        [
            section(intro),
            _select(ConsultField.RECOMMENDATION, "Recommendation", options, "Choose a recommendation"),
            {
                "type": "input",
                "block_id": ConsultField.DEADLINE.value,
                "label": plain("Deadline"),
                "optional": True,
                "element": {
                    "type": "datepicker",
                    "action_id": ConsultField.DEADLINE.value,
                    "initial_date": default_deadline.isoformat(),
                },
                "hint": plain("The consultation closes at the end of this day."),
            },
        ],
    )


def position_modal(form: PositionForm, position: Position, metadata: str) -> dict[str, Any]:
    blocks: list[Block] = [
        _about(form.consultation),
        section(
            f"You answer for *{escape(form.organisation)}*: {_POSITION_ICONS[position]} *{position.label}*"
        ),
    ]
    if form.current is not None:
        current = form.current
        blocks.append(
            context(
                f"Its position now: *{current.position.label}* (set by {escape(current.set_by_name)}, "
                f"on version {current.version}). Your answer replaces it."
            )
        )
    hint = (
        "Required: say why, so that the others can look for a way forward."
        if position.needs_reason
        else "Optional: what should change, or why you agree."
    )
    blocks.append(
        _text_input(ConsultField.REASON, "Reason", REASON_MAX, optional=not position.needs_reason, hint=hint)
    )
    return _modal(ConsultCallback.POSITION, "Your position", "Save position", metadata, blocks)


def amendment_modal(view: ConsultationView, metadata: str) -> dict[str, Any]:
    return _modal(
        ConsultCallback.AMENDMENT,
        "Suggest wording",
        "Suggest",
        metadata,
        [
            _about(view),
            section("*Current wording*\n" + quoted(view.text, 2800)),
            _text_input(
                ConsultField.WORDING,
                "Your wording",
                AMENDMENT_MAX,
                hint="The whole text as you would write it, or the sentence to change.",
                initial=view.text,
            ),
            _text_input(ConsultField.NOTE, "Why", AMENDMENT_NOTE_MAX, optional=True),
        ],
    )


def revision_modal(form: RevisionForm, metadata: str) -> dict[str, Any]:
    view = form.consultation
    blocks: list[Block] = [
        section(
            f"*{view.ref}*: publish version {view.version + 1}. Positions given so far are kept and "
            f"marked as about version {view.version}; their organisations are asked to confirm or change "
            "them."
        ),
        _text_input(ConsultField.TITLE, "Title", TITLE_MAX, multiline=False, initial=view.title),
        _text_input(ConsultField.TEXT, "Recommendation", TEXT_MAX, initial=view.text),
        _text_input(ConsultField.NOTE, "What changed", REVISION_NOTE_MAX, optional=True),
    ]
    suggestions = list(form.suggestions)
    if suggestions:
        options = [_option(f"Suggestion {a.id} · {a.organisation}", str(a.id)) for a in suggestions]
        blocks.append(
            {
                "type": "input",
                "block_id": ConsultField.ADOPTED.value,
                "label": plain("Suggestions taken up"),
                "optional": True,
                "element": {
                    "type": "multi_static_select",
                    "action_id": ConsultField.ADOPTED.value,
                    "placeholder": plain("Choose suggestions"),
                    "options": options[:100],
                },
            }
        )
        for amendment in suggestions[-SUGGESTIONS_SHOWN:]:
            blocks.append(section(_suggestion_text(amendment, 1200)))
        if len(suggestions) > SUGGESTIONS_SHOWN:
            blocks.append(
                context(f"and {len(suggestions) - SUGGESTIONS_SHOWN} earlier suggestions in the thread")
            )
    return _modal(ConsultCallback.REVISION, "Publish new version", "Publish", metadata, blocks)


def on_behalf_modal(view: ConsultationView, organisations: Sequence[str], metadata: str) -> dict[str, Any]:
    org_options = [_option(org, organisation_key(org)) for org in organisations]
    position_options = [_option(p.label, p.value) for p in Position]
    return _modal(
        ConsultCallback.ON_BEHALF,
        "Record a position",
        "Record",
        metadata,
        [
            _about(view),
            section(
                "For a position an organisation gave outside Slack. It is shown as recorded by you and "
                "kept in the audit trail."
            ),
            _select(ConsultField.ORGANISATION, "Organisation", org_options, "Choose the organisation"),
            _select(ConsultField.POSITION, "Position", position_options, "Choose its position"),
            _text_input(
                ConsultField.REASON,
                "Reason",
                REASON_MAX,
                optional=True,
                hint="Required for Disagree and Block.",
            ),
            _text_input(
                ConsultField.SOURCE,
                "How it was given",
                SOURCE_MAX,
                multiline=False,
                hint="e.g. by e-mail on 3 December, or at the partner meeting in Vienna",
            ),
        ],
    )


def close_modal(view: ConsultationView, metadata: str) -> dict[str, Any]:
    outcomes = [
        {
            "text": plain("Endorsed"),
            "value": Outcome.ENDORSED.value,
            "description": plain("The consortium backs it."),
        },
        {
            "text": plain("Withdrawn"),
            "value": Outcome.WITHDRAWN.value,
            "description": plain("It is dropped from the set."),
        },
    ]
    return _modal(
        ConsultCallback.CLOSE,
        "Close consultation",
        "Close",
        metadata,
        [
            _about(view),
            section(position_summary(view)),
            {
                "type": "input",
                "block_id": ConsultField.OUTCOME.value,
                "label": plain("Outcome"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": ConsultField.OUTCOME.value,
                    "options": outcomes,
                },
            },
            _text_input(
                ConsultField.STATEMENT,
                "Outcome statement",
                OUTCOME_MAX,
                hint="What was decided and why; it is posted in the thread.",
            ),
        ],
    )


# -- notes in the thread --------------------------------------------------------------------------


def _suggestion_text(amendment: AmendmentView, limit: int) -> str:
    wording = quoted(amendment.text, limit).replace("\n", "\n>")
    text = (
        f":bulb: *Suggestion {amendment.id}* by {_mention(amendment.author)} "
        f"({escape(amendment.organisation)}) on version {amendment.version}:\n>{wording}"
    )
    if amendment.note:
        text += "\n_Why:_ " + quoted(amendment.note, 600)
    return text


def amendment_note(amendment: AmendmentView) -> tuple[str, list[Block]]:
    return fallback(f"Suggestion {amendment.id} by {amendment.author_name}"), [
        section(_suggestion_text(amendment, 2400))
    ]


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


def revision_note(result: RevisionResult) -> tuple[str, list[Block]]:
    view = result.consultation
    intro = f":memo: *Version {result.new_version}* of {view.ref} published by {_mention(result.author)}" + (
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
    return fallback(f"Version {result.new_version} of {view.ref}"), blocks


def on_behalf_note(view: ConsultationView, position: PositionView) -> tuple[str, list[Block]]:
    text = (
        f":clipboard: {_mention(position.on_behalf_by)} recorded the position of "
        f"*{escape(position.organisation)}*: *{position.position.label}* "
        f"(given {quoted(position.source or 'outside Slack', 200)})"
    )
    if position.reason:
        text += "\n_Reason:_ " + quoted(position.reason, 1500)
    return fallback(f"{position.organisation}: {position.position.label} on {view.ref}"), [section(text)]


def closed_note(view: ConsultationView) -> tuple[str, list[Block]]:
    """Posted in the thread (and to the channel) when a consultation closes or gets its outcome."""
    counts = view.counts()
    tally = " · ".join(f"{p.label} {counts[p.value]}" for p in Position)
    if view.outcome is None:
        text = (
            f":lock: The consultation on {view.ref} closed at its deadline. {tally}. "
            "A coordinator records the outcome."
        )
    else:
        statement = quoted(view.outcome_statement or "", 2400).replace("\n", "\n>")
        text = (
            f":lock: The consultation on {view.ref} is closed: *{view.outcome.label}* "
            f"({_mention(view.outcome_by)}). {tally}.\n>{statement}"
        )
    return fallback(f"Consultation on {view.ref} closed"), [section(text)]


# -- direct messages ------------------------------------------------------------------------------


def confirm_request_message(view: ConsultationView, request: ConfirmRequest) -> tuple[str, list[Block]]:
    label = request.position.label
    text = (
        f":memo: *{view.ref} · {quoted(view.title, 300)}* has a new version {view.version}. "
        f"*{escape(request.organisation)}* said *{label}* on version {request.version}. "
        f"Read the changes in {_thread_link(view)}, then keep your position or change it."
    )
    return fallback(f"{view.ref} has a new version: confirm or change your position"), [
        section(text),
        {
            "type": "actions",
            "block_id": "consultation_confirm",
            "elements": [button(f"Keep {label}", ConsultAction.CONFIRM.value, str(view.id), "primary")],
        },
        position_buttons(view.id),
    ]


def confirmed_message(view: ConsultationView, position: PositionView) -> tuple[str, list[Block]]:
    text = (
        f":white_check_mark: {escape(position.organisation)} keeps *{position.position.label}* on version "
        f"{position.version} of {view.ref}."
    )
    return fallback(text), [section(text)]


def reminder_message(view: ConsultationView, organisation: str) -> tuple[str, list[Block]]:
    text = (
        f":hourglass: The consultation on *{view.ref} · {quoted(view.title, 300)}* closes "
        f"{slack_date(view.deadline)}, and *{escape(organisation)}* has no position yet. "
        f"Choose one here or in {_thread_link(view)}."
    )
    return fallback(f"Reminder: give your position on {view.ref}"), [section(text), position_buttons(view.id)]


def outcome_request_message(view: ConsultationView) -> tuple[str, list[Block]]:
    counts = view.counts()
    tally = " · ".join(f"{p.label} {counts[p.value]}" for p in Position)
    text = (
        f":lock: The consultation on *{view.ref} · {quoted(view.title, 300)}* closed at its deadline "
        f"({tally}). Record its outcome so that the recommendation's status follows; "
        f"see {_thread_link(view)}."
    )
    return fallback(f"Record the outcome of {view.ref}"), [
        section(text),
        {
            "type": "actions",
            "block_id": "consultation_outcome",
            "elements": [button("Record outcome", ConsultAction.CLOSE.value, str(view.id), "primary")],
        },
    ]


def nothing_to_consult() -> str:
    return (
        "No recommendation can go into consultation right now: each one is already in consultation, "
        "withdrawn or adopted. Propose one with `/propose`, or see them all with `/recs`."
    )
