"""Consultation surfaces: the thread's root message, its modals, notes in the thread and direct messages."""

from handlers.blocks.consultations.message import consultation_message
from handlers.blocks.consultations.modals import (
    amendment_modal,
    close_modal,
    on_behalf_modal,
    picker_modal,
    position_modal,
    revision_modal,
)
from handlers.blocks.consultations.notes import (
    amendment_note,
    closed_note,
    confirm_request_message,
    confirmed_message,
    diff_mrkdwn,
    nothing_to_consult,
    on_behalf_note,
    outcome_request_message,
    reminder_message,
    revision_note,
)

__all__ = [
    "amendment_modal",
    "amendment_note",
    "close_modal",
    "closed_note",
    "confirm_request_message",
    "confirmed_message",
    "consultation_message",
    "diff_mrkdwn",
    "nothing_to_consult",
    "on_behalf_modal",
    "on_behalf_note",
    "outcome_request_message",
    "picker_modal",
    "position_modal",
    "reminder_message",
    "revision_modal",
    "revision_note",
]
