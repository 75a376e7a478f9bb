"""The position buttons (Agree ... Block) on a consultation message or in a direct message."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.domain.consultations.inputs import parse_position
from bot.domain.consultations.kinds import Position
from bot.services import Services
from handlers.blocks.consultations import position_modal
from handlers.consultation_flow import PositionState, consultation_id
from handlers.ids import POSITION_ACTION_PREFIX

POSITION_BUTTON = re.compile(
    "^" + re.escape(POSITION_ACTION_PREFIX) + "(" + "|".join(p.value for p in Position) + ")$"
)


def choose_position(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    position = parse_position(str(action["action_id"])[len(POSITION_ACTION_PREFIX) :])
    cid = consultation_id(action)
    form = services.consultations.position_form(cid, body["user"]["id"])
    state = PositionState(consultation_id=cid, position=position.value)
    client.views_open(trigger_id=body["trigger_id"], view=position_modal(form, position, state.dump()))
