"""Submission of the poll form: validate, then post the poll in the channel it was opened from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.errors import InvalidInput
from bot.domain.polls.drafts import PollDraft, parse_validity_selection, validate_draft
from bot.domain.polls.kinds import Audience, PollKind, Visibility
from bot.services import Services
from handlers.ids import PollField
from handlers.payloads import FormValues
from handlers.poll_support import PollFormState, now, post_new_poll


def submit_poll(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    services.partners.require(body["user"]["id"])
    draft = services.polls.prepare(validate_draft(read_draft(FormValues(view)), now()))
    state = PollFormState.load(view.get("private_metadata"))
    ack()
    user = body["user"]["id"]
    # Not in the channel any more, say: told by direct message (the form has closed).
    post_new_poll(client, services, draft, user=user, channel_id=state.channel_id, key=f"view:{view['id']}")


def read_draft(values: FormValues) -> PollDraft:
    """The form's inputs as a draft; shapes that are not even readable become field errors."""
    kind = PollKind(values.text(PollField.KIND) or PollKind.SINGLE.value)
    raw_options = values.text(PollField.OPTIONS) or ""
    settings = set(values.choices(PollField.SETTINGS))
    deadline = values.text(PollField.DEADLINE)
    return PollDraft(
        question=values.text(PollField.QUESTION) or "",
        kind=kind,
        options=tuple(line.strip() for line in raw_options.splitlines() if line.strip()),
        selection=parse_validity_selection(raw_options) if kind is PollKind.VALIDITY else None,
        anonymous="anonymous" in settings,
        visibility=Visibility(values.text(PollField.VISIBILITY) or Visibility.LIVE.value),
        audience=Audience(values.text(PollField.AUDIENCE) or Audience.CHANNEL.value),
        max_choices=_whole(values, PollField.MAX_CHOICES),
        points_budget=_whole(values, PollField.POINTS_BUDGET),
        require_reason="require_reason" in settings,
        deadline=datetime.fromtimestamp(int(deadline), UTC) if deadline else None,
    )


def _whole(values: FormValues, field: PollField) -> int | None:
    raw = values.text(field)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput({field.value: "Give a whole number."}) from None
