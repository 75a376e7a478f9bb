"""Listeners for modal submissions, registered in the order Bolt tries them.

To add one: a top-level function in a module of this package (it may take `services`), and one
line below.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.ids import Callback, ConsultCallback, PollCallback, PrivacyCallback
from handlers.views import (
    consultation_amendment,
    consultation_close,
    consultation_on_behalf,
    consultation_pick,
    consultation_position,
    consultation_revision,
    poll_answer,
    poll_create,
    privacy_erase,
    proposal,
)


def register(app: App) -> None:
    app.view(PollCallback.ANSWER.value)(poll_answer.submit_answer)
    app.view(ConsultCallback.POSITION.value)(consultation_position.save_position)
    app.view(PollCallback.CREATE.value)(poll_create.submit_poll)
    app.view(Callback.PROPOSAL.value)(proposal.submit_proposal)
    app.view(ConsultCallback.PICK.value)(consultation_pick.start_picked)
    app.view(ConsultCallback.AMENDMENT.value)(consultation_amendment.save_suggestion)
    app.view(ConsultCallback.REVISION.value)(consultation_revision.publish)
    app.view(ConsultCallback.ON_BEHALF.value)(consultation_on_behalf.record)
    app.view(ConsultCallback.CLOSE.value)(consultation_close.close)
    app.view(PrivacyCallback.ERASE.value)(privacy_erase.erase)
