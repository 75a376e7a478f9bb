"""Play Slack's side towards the bot under test, the way Slack does.

``SlackSender`` builds the payloads Slack sends for events, slash commands and interactivity (from
what the ``FakeSlack`` holds: messages, views, users), delivers them to the bot (signed HTTP POSTs
to its endpoint, or envelopes on its Socket Mode connection: ``socket_mode=True``), and applies what
the bot answers synchronously (a slash command's ack text, a view submission's ``response_action``)
to the fake, as Slack would show it.

Every send accepts ``retry_num`` (adds ``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason``, or the
envelope's ``retry_attempt``), ``signature`` ("valid", "wrong", "missing" or "stale": correctly signed
ten minutes ago; HTTP only) and ``timeout``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from bot.localslack.elements import InputValue, action_payload, find_element, message_state, view_state
from bot.localslack.models import Message
from bot.localslack.sender import FORM
from bot.localslack.sender_events import EventSending
from bot.localslack.transport import Delivery, Outgoing, Response, SendOptions, SignatureMode, sign

__all__ = ["Delivery", "Response", "SendOptions", "SignatureMode", "SlackSender", "sign"]


class SlackSender(EventSending):
    """Deliver Slack's requests (events, commands, clicks, submissions) to the bot under test."""

    # -- slash commands and shortcuts -----------------------------------------------------------

    def slash(
        self, command: str, text: str, user: str, channel: str, **opts: Unpack[SendOptions]
    ) -> Response:
        """``user`` runs ``/command text`` in ``channel``; form body exactly as Slack sends it.

        What the app acknowledges with (text / blocks) is shown like Slack does: ephemeral to
        the user, or in the channel with ``response_type: in_channel``.
        """
        info = self._channel(channel)
        person = self.fake.user(user)
        response_url = self.fake.new_response_url(info.id, user)
        fields = [
            ("token", self.fake.verification_token),
            ("team_id", self.team_id),
            ("team_domain", self.fake.team_domain),
            ("channel_id", info.id),
            ("channel_name", self._channel_name(info)),
            ("user_id", user),
            ("user_name", person.name),
            ("command", command if command.startswith("/") else f"/{command}"),
            ("text", text),
            ("api_app_id", self.fake.app_id),
            ("is_enterprise_install", "false"),
            ("response_url", response_url),
            ("trigger_id", self.fake.issue_trigger(user)),
        ]
        body = urllib.parse.urlencode(fields)
        request = Outgoing("slash_command", "slash_commands", dict(fields), self.commands_url, body, FORM)
        response = self._deliver(request, opts)
        problems = []
        if response.status == 200:
            problems = self.fake.apply_command_response(response_url, response.status, response.body)
        return self._finish(response, problems)

    def message_shortcut(
        self, channel: str, message_ts: str, user: str, callback_id: str, **opts: Unpack[SendOptions]
    ) -> Response:
        """``user`` picks the app's message shortcut ``callback_id`` on a message."""
        info = self._channel(channel)
        msg = self.fake.message(info.id, message_ts)
        payload = self._common("message_action", user)
        payload.update(
            {
                "action_ts": self.fake.new_ts(),
                "channel": {"id": info.id, "name": self._channel_name(info)},
                "callback_id": callback_id,
                "trigger_id": self.fake.issue_trigger(user),
                "response_url": self.fake.new_response_url(info.id, user),
                "message_ts": message_ts,
                "message": msg.to_api(),
            }
        )
        return self._send("message_action", self.interactions_url, payload, form=True, opts=opts)

    def global_shortcut(self, user: str, callback_id: str, **opts: Unpack[SendOptions]) -> Response:
        payload = self._common("shortcut", user)
        payload.update(
            {
                "action_ts": self.fake.new_ts(),
                "callback_id": callback_id,
                "trigger_id": self.fake.issue_trigger(user),
            }
        )
        return self._send("shortcut", self.interactions_url, payload, form=True, opts=opts)

    # -- block actions --------------------------------------------------------------------------

    def click(
        self,
        message: str | Message | Mapping[str, Any],
        channel: str,
        user: str,
        action_id: str,
        value: str | None = None,
        selected_option: str | None = None,
        selected_options: Sequence[str] | None = None,
        *,
        block_id: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """``user`` uses the element ``action_id`` of a channel message (its ts, or the message).

        For buttons, ``value`` picks among several buttons with the same action_id (in different
        blocks; ``block_id`` also does). For selects, overflow menus and radio buttons
        ``selected_option`` (or ``value``) is the chosen option's value; for multi-selects and
        checkboxes ``selected_options``; for date / user / channel pickers ``value``.
        """
        info = self._channel(channel)
        if isinstance(message, str):
            data = self.fake.message(info.id, message).to_api()
        elif isinstance(message, Message):
            data = message.to_api()
        else:
            data = dict(message)
        ts = str(data["ts"])
        found_block, element = find_element(data.get("blocks") or [], action_id, value, block_id)
        payload = self._common("block_actions", user)
        payload.update(
            {
                "container": {
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": info.id,
                    "is_ephemeral": False,
                },
                "trigger_id": self.fake.issue_trigger(user),
                "channel": {"id": info.id, "name": self._channel_name(info)},
                "message": data,
                "state": {"values": message_state(data.get("blocks") or [])},
                "response_url": self.fake.new_response_url(info.id, user, message_ts=ts),
                "actions": [
                    action_payload(
                        found_block, element, value, selected_option, selected_options, self.fake.new_ts()
                    )
                ],
            }
        )
        return self._send("block_actions", self.interactions_url, payload, form=True, opts=opts)

    def click_ephemeral(
        self,
        channel: str,
        user: str,
        action_id: str,
        value: str | None = None,
        selected_option: str | None = None,
        selected_options: Sequence[str] | None = None,
        *,
        message_ts: str | None = None,
        block_id: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """Like ``click`` on an ephemeral message ``user`` sees in ``channel``: the one with
        ``message_ts``, else the newest one that has the element.

        As from Slack, the payload has no ``message`` (Slack does not keep ephemeral messages);
        its ``response_url`` replaces or deletes the ephemeral message.
        """
        info = self._channel(channel)
        candidates = [
            e for e in self.fake.ephemerals(user=user, channel=info.id) if message_ts in (None, e.ts)
        ]
        for eph in reversed(candidates):
            try:
                found_block, element = find_element(eph.blocks, action_id, value, block_id)
            except LookupError:
                continue
            break
        else:
            shown = [(e.ts, e.text[:40]) for e in candidates]
            raise LookupError(
                f"no ephemeral message for {user} in {info.id} has {action_id!r}; ephemerals: {shown}"
            )
        payload = self._common("block_actions", user)
        payload.update(
            {
                "container": {
                    "type": "message",
                    "message_ts": eph.ts,
                    "channel_id": info.id,
                    "is_ephemeral": True,
                },
                "trigger_id": self.fake.issue_trigger(user),
                "channel": {"id": info.id, "name": self._channel_name(info)},
                "state": {"values": message_state(eph.blocks)},
                "response_url": self.fake.new_response_url(info.id, user, message_ts=eph.ts, ephemeral=True),
                "actions": [
                    action_payload(
                        found_block, element, value, selected_option, selected_options, self.fake.new_ts()
                    )
                ],
            }
        )
        return self._send("block_actions", self.interactions_url, payload, form=True, opts=opts)

    def click_in_view(
        self,
        view_id: str,
        user: str,
        action_id: str,
        value: str | None = None,
        selected_option: str | None = None,
        selected_options: Sequence[str] | None = None,
        *,
        block_id: str | None = None,
        values: Mapping[str, InputValue] | None = None,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """``user`` uses an element inside an open view (modal or home tab).

        ``values`` (as for ``submit_view``) are what the user typed into the view's inputs so far;
        they appear in ``view.state``.
        """
        view = self.fake.view(view_id)
        found_block, element = find_element(view.blocks, action_id, value, block_id)
        action = action_payload(
            found_block, element, value, selected_option, selected_options, self.fake.new_ts()
        )
        state = view_state(view, values or {}, check=False)
        if found_block in state or element.get("type") not in ("button", "overflow", "workflow_button"):
            entry = {
                k: v for k, v in action.items() if k not in ("block_id", "action_id", "action_ts", "text")
            }
            state.setdefault(found_block, {})[str(element.get("action_id"))] = entry
        self.fake.record_view_state(view_id, state)
        view = self.fake.view(view_id)
        payload = self._common("block_actions", user)
        payload.update(
            {
                "container": {"type": "view", "view_id": view_id},
                "trigger_id": self.fake.issue_trigger(user),
                "view": view.to_api(),
                "actions": [action],
            }
        )
        return self._send("block_actions", self.interactions_url, payload, form=True, opts=opts)

    # -- views ----------------------------------------------------------------------------------

    def submit_view(
        self,
        view_id: str,
        user: str,
        values: Mapping[str, InputValue] | None = None,
        *,
        check_required: bool = True,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """``user`` submits the modal with ``values`` keyed by block_id (or a unique action_id).

        Text inputs take a string, selects / radio buttons the option value, multi-selects and
        checkboxes a list of values, pickers the date / time / user / channel id. Inputs not named
        keep their current (or initial) value. Like Slack's client, refuses to submit an empty
        required input or a text shorter / longer than allowed (``check_required=False`` skips).
        The app's answer is applied: empty ack closes the view, ``response_action`` update /
        push / clear act on the stack, ``errors`` keeps it open (see ``response.json``).
        """
        view = self.fake.view(view_id)
        if view.type != "modal" or not view.is_open:
            raise LookupError(f"view {view_id} is not an open modal")
        if view.user != user:
            raise ValueError(f"view {view_id} was opened for {view.user}, not {user}")
        self.fake.record_view_state(view_id, view_state(view, values or {}, check=check_required))
        view = self.fake.view(view_id)
        payload = self._common("view_submission", user)
        payload.update(
            {"trigger_id": self.fake.issue_trigger(user), "view": view.to_api(), "response_urls": []}
        )
        response = self._send("view_submission", self.interactions_url, payload, form=True, opts=opts)
        problems = (
            self.fake.apply_view_submission_response(view_id, response.status, response.body)
            if response.status == 200
            else []
        )
        return self._finish(response, problems)

    def view_closed(self, view_id: str, user: str, **opts: Unpack[SendOptions]) -> Response | None:
        """``user`` closes the modal. Slack only tells the app when the view has
        ``notify_on_close``; otherwise nothing is sent and None returned."""
        view = self.fake.view(view_id)
        self.fake.close_view(view_id, clear=view.clear_on_close)
        if not view.notify_on_close:
            return None
        payload = self._common("view_closed", user)
        payload.update({"view": view.to_api(), "is_cleared": view.clear_on_close})
        return self._send("view_closed", self.interactions_url, payload, form=True, opts=opts)
