"""Events API deliveries of ``SlackSender``: a person posts, edits or deletes a message, opens the
App Home, or any event in an ``event_callback`` envelope."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from bot.localslack.models import Channel, Message
from bot.localslack.sender import SenderCore
from bot.localslack.transport import Response, SendOptions

JSONDict = dict[str, Any]


class EventSending(SenderCore):
    def event(
        self, event: Mapping[str, Any], *, event_id: str | None = None, **opts: Unpack[SendOptions]
    ) -> Response:
        """Deliver ``event`` in an ``event_callback`` envelope.

        Pass the same ``event_id`` (with ``retry_num``) to redeliver one event like Slack's retries.
        """
        inner = dict(event)
        inner.setdefault("event_ts", inner.get("ts") or self.fake.new_ts())
        if event_id is None:
            event_id = f"Ev{next(self._event_ids):04d}{uuid.uuid4().hex[:6].upper()}"
        context = {"et": inner.get("type"), "tid": self.team_id, "aid": self.fake.app_id}
        if isinstance(inner.get("channel"), str):
            context["cid"] = inner["channel"]
        envelope = {
            "token": self.fake.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.fake.app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "authed_users": [self.fake.bot_user_id],
            "is_ext_shared_channel": False,
            "event_context": "4-"
            + base64.urlsafe_b64encode(json.dumps(context).encode()).decode().rstrip("="),
        }
        return self._send(str(inner.get("type")), self.events_url, envelope, form=False, opts=opts)

    def url_verification(self, challenge: str, **opts: Unpack[SendOptions]) -> Response:
        payload = {"token": self.fake.verification_token, "challenge": challenge, "type": "url_verification"}
        return self._send("url_verification", self.events_url, payload, form=False, opts=opts)

    def _message_event(self, msg: Message, channel: Channel) -> JSONDict:
        event: JSONDict = {
            "type": "message",
            "user": msg.user,
            "text": msg.text,
            "ts": msg.ts,
            "team": msg.team,
            "channel": channel.id,
            "event_ts": msg.ts,
            "channel_type": channel.channel_type,
        }
        if msg.client_msg_id:
            event["client_msg_id"] = msg.client_msg_id
        if msg.blocks:
            event["blocks"] = msg.blocks
        if msg.thread_ts:
            event["thread_ts"] = msg.thread_ts
            event["parent_user_id"] = msg.parent_user_id
        if msg.files:
            event["subtype"] = "file_share"
            event["files"] = msg.files
            event["upload"] = False
            event["display_as_bot"] = False
        return event

    def user_posts(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        files: Sequence[str | Mapping[str, Any]] | None = None,
        *,
        app_mention: bool = False,
        **opts: Unpack[SendOptions],
    ) -> tuple[Message, Response]:
        """``user`` writes ``text`` in ``channel`` (a user id means their DM with the bot).

        Stores the message in the fake and delivers the ``message`` event (subtype
        ``file_share`` with ``files``). ``app_mention=True`` also delivers the ``app_mention``
        event Slack sends when the text mentions the bot (its answer is in ``deliveries``).
        """
        msg = self.fake.post_user_message(channel, user, text, thread_ts=thread_ts, files=files)
        info = self.fake.channel(msg.channel)
        event = self._message_event(msg, info)
        response = self.event(event, **opts)
        if app_mention:
            mention = {k: v for k, v in event.items() if k not in ("channel_type", "subtype", "upload")}
            mention["type"] = "app_mention"
            self.event(mention, **opts)
        return msg, response

    def user_edits(
        self, channel: str, ts: str, text: str, **opts: Unpack[SendOptions]
    ) -> tuple[Message, Response]:
        """The author edits a message: changes the fake and delivers ``message_changed``."""
        before = self.fake.message(channel, ts)
        after = self.fake.edit_user_message(channel, ts, text)
        info = self.fake.channel(after.channel)
        event_ts = self.fake.new_ts()
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "message": after.to_api(),
            "previous_message": before.to_api(),
            "channel": info.id,
            "channel_type": info.channel_type,
            "ts": event_ts,
            "event_ts": event_ts,
        }
        return after, self.event(event, **opts)

    def user_deletes(self, channel: str, ts: str, **opts: Unpack[SendOptions]) -> Response:
        """The author deletes a message: changes the fake and delivers ``message_deleted``."""
        before = self.fake.delete_message(channel, ts)
        info = self.fake.channel(before.channel)
        event_ts = self.fake.new_ts()
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "deleted_ts": ts,
            "previous_message": before.to_api(),
            "channel": info.id,
            "channel_type": info.channel_type,
            "ts": event_ts,
            "event_ts": event_ts,
        }
        return self.event(event, **opts)

    def app_home_opened(self, user: str, tab: str = "home", **opts: Unpack[SendOptions]) -> Response:
        home = self.fake.home_view(user)
        event: JSONDict = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.fake.im_channel(user),
            "tab": tab,
            "event_ts": self.fake.new_ts(),
        }
        if home is not None:
            event["view"] = home.to_api()
        return self.event(event, **opts)
