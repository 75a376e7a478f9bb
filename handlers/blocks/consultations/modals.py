"""The consultation modals: pick a recommendation, give a position, suggest wording, publish a version,
record a position for an organisation, close with an outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block, DatePickerElement, SectionBlock

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
from bot.domain.consultations.views import ConsultationView, PositionForm, RevisionForm
from bot.domain.recommendations import TEXT_MAX, TITLE_MAX, RecommendationView
from handlers.blocks.common import OPTIONS_MAX, context, escape, modal, option, quoted, section
from handlers.blocks.consultations.message import POSITION_ICONS, position_summary
from handlers.blocks.consultations.notes import suggestion_text
from handlers.blocks.inputs import input_block, multi_select, radio_buttons, select_input, text_input
from handlers.ids import ConsultCallback, ConsultField

SUGGESTIONS_SHOWN = 20
# A static select holds at most 100 options.
PICKER_OPTIONS = OPTIONS_MAX
_SUGGESTION_TEXT_MAX = 1200


def _about(view: ConsultationView) -> SectionBlock:
    return section(f"*{view.ref} · {quoted(view.title, 300)}* (version {view.version})")


def picker_modal(recs: Sequence[RecommendationView], metadata: str, default_deadline: date) -> dict[str, Any]:
    """`/consult` without a reference: choose the recommendation (and the deadline)."""
    options = [option(f"{rec.ref} · {rec.title}", rec.ref) for rec in recs[:PICKER_OPTIONS]]
    intro = "The draft is posted in this channel as a thread with position buttons."
    if len(recs) > PICKER_OPTIONS:
        intro += (
            f" The list shows the {PICKER_OPTIONS} newest of {len(recs)}; "
            "for an older one type `/consult R<n>`."
        )
    deadline = DatePickerElement(action_id=ConsultField.DEADLINE, initial_date=default_deadline.isoformat())
    return _modal(
        ConsultCallback.PICK,
        "Start a consultation",
        "Start",
        metadata,
        [
            section(intro),
            select_input(ConsultField.RECOMMENDATION, "Recommendation", options, "Choose a recommendation"),
            input_block(
                ConsultField.DEADLINE,
                "Deadline",
                deadline,
                optional=True,
                hint="The consultation closes at the end of this day.",
            ),
        ],
    )


def position_modal(form: PositionForm, position: Position, metadata: str) -> dict[str, Any]:
    blocks: list[Block] = [
        _about(form.consultation),
        section(
            f"You answer for *{escape(form.organisation)}*: {POSITION_ICONS[position]} *{position.label}*"
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
        text_input(ConsultField.REASON, "Reason", REASON_MAX, optional=not position.needs_reason, hint=hint)
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
            text_input(
                ConsultField.WORDING,
                "Your wording",
                AMENDMENT_MAX,
                hint="The whole text as you would write it, or the sentence to change.",
                initial=view.text,
            ),
            text_input(ConsultField.NOTE, "Why", AMENDMENT_NOTE_MAX, optional=True),
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
        text_input(ConsultField.TITLE, "Title", TITLE_MAX, multiline=False, initial=view.title),
        text_input(ConsultField.TEXT, "Recommendation", TEXT_MAX, initial=view.text),
        text_input(ConsultField.NOTE, "What changed", REVISION_NOTE_MAX, optional=True),
    ]
    suggestions = list(form.suggestions)
    if suggestions:
        options = [option(f"Suggestion {a.id} · {a.organisation}", str(a.id)) for a in suggestions]
        adopted = multi_select(ConsultField.ADOPTED, options, placeholder="Choose suggestions")
        blocks.append(input_block(ConsultField.ADOPTED, "Suggestions taken up", adopted, optional=True))
        blocks += [
            section(suggestion_text(a, _SUGGESTION_TEXT_MAX)) for a in suggestions[-SUGGESTIONS_SHOWN:]
        ]
        if len(suggestions) > SUGGESTIONS_SHOWN:
            blocks.append(
                context(f"and {len(suggestions) - SUGGESTIONS_SHOWN} earlier suggestions in the thread")
            )
    return _modal(ConsultCallback.REVISION, "Publish new version", "Publish", metadata, blocks)


def on_behalf_modal(view: ConsultationView, organisations: Sequence[str], metadata: str) -> dict[str, Any]:
    org_options = [option(org, organisation_key(org)) for org in organisations]
    position_options = [option(p.label, p.value) for p in Position]
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
            select_input(ConsultField.ORGANISATION, "Organisation", org_options, "Choose the organisation"),
            select_input(ConsultField.POSITION, "Position", position_options, "Choose its position"),
            text_input(
                ConsultField.REASON,
                "Reason",
                REASON_MAX,
                optional=True,
                hint="Required for Disagree and Block.",
            ),
            text_input(
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
        option("Endorsed", Outcome.ENDORSED.value, "The consortium backs it."),
        option("Withdrawn", Outcome.WITHDRAWN.value, "It is dropped from the set."),
    ]
    return _modal(
        ConsultCallback.CLOSE,
        "Close consultation",
        "Close",
        metadata,
        [
            _about(view),
            section(position_summary(view)),
            input_block(ConsultField.OUTCOME, "Outcome", radio_buttons(ConsultField.OUTCOME, outcomes)),
            text_input(
                ConsultField.STATEMENT,
                "Outcome statement",
                OUTCOME_MAX,
                hint="What was decided and why; it is posted in the thread.",
            ),
        ],
    )


def _modal(
    callback: ConsultCallback, title: str, submit: str, metadata: str, blocks: Sequence[Block]
) -> dict[str, Any]:
    return modal(
        callback_id=callback.value, title=title, submit=submit, private_metadata=metadata, blocks=blocks
    )
