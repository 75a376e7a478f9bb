"""Poll surfaces: the channel message, replies to one partner, and the creation and answer modals."""

from handlers.blocks.polls.answer_form import answer_modal
from handlers.blocks.polls.create_form import creation_modal
from handlers.blocks.polls.message import poll_message
from handlers.blocks.polls.replies import confirmation, my_answer, reminder_dm, reminder_report

__all__ = [
    "answer_modal",
    "confirmation",
    "creation_modal",
    "my_answer",
    "poll_message",
    "reminder_dm",
    "reminder_report",
]
