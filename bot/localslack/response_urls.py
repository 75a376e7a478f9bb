"""Response URLs of the local Slack: what an app posts to one (and answers synchronously to a slash
command) shows up as Slack would show it: ephemeral, in channel, replacing or deleting the original."""

from __future__ import annotations

import copy
import json
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from bot.localhttp import Reply
from bot.localslack.chat import ChatApi
from bot.localslack.faults import FaultInjection
from bot.localslack.models import EphemeralMessage, Message
from bot.localslack.state import ResponseTarget
from bot.localslack.wire import Args, SlackError

JSONDict = dict[str, Any]


class ResponseUrls(ChatApi, FaultInjection):
    def new_response_url(
        self, channel: str, user: str, *, message_ts: str | None = None, ephemeral: bool = False
    ) -> str:
        """A response_url on this server for an interaction by ``user`` in ``channel``.

        ``message_ts`` is the message the interaction came from (``ephemeral`` if it is an
        ephemeral one): ``replace_original`` / ``delete_original`` act on it.
        """
        with self._lock:
            url_id = f"{self.team_id}/{self._next_counter()}/{self._token(24)}"
            self._response_urls[url_id] = ResponseTarget(
                channel=self._lookup_channel_id(channel),
                user=user,
                message_ts=message_ts,
                ephemeral=ephemeral,
                created=time.monotonic(),
            )
            return f"{self.base_url}response/{url_id}"

    def apply_command_response(self, response_url: str, status: int, body: str) -> list[str]:
        """Show what the app answered synchronously to a slash command, as Slack does."""
        if status != 200 or not body.strip():
            return [] if status == 200 else [f"the app answered HTTP {status}; Slack shows a failure"]
        try:
            answer: Any = json.loads(body)
        except ValueError:
            answer = {"text": body}
        if not isinstance(answer, dict):
            return [f"the app answered {body[:200]!r}"]
        url_id = response_url.split("/response/", 1)[-1]
        reply = self._apply_response(url_id, answer, count_use=False)
        return [] if reply.status == 200 else [f"Slack refused the answer: {reply.body.decode()}"]

    def _handle_response_url(self, url_id: str, headers: Mapping[str, str], body: bytes) -> Reply:
        text = body.decode("utf-8", errors="replace")
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if kind == "application/x-www-form-urlencoded":
                text = urllib.parse.parse_qs(text).get("payload", [""])[-1]
            answer = json.loads(text)
        except ValueError:
            answer = None
        arrived = time.monotonic()
        with self._lock:
            fault = self._take_fault("response_url")
            if fault is not None:
                return self._note_attempt(
                    "response_url", arrived, self._fault_reply("response_url", {"url": url_id}, fault)
                )
            if not isinstance(answer, dict):
                reply = Reply.text("invalid_payload", status=400)
            else:
                reply = self._apply_response(url_id, answer, count_use=True)
            ok = reply.status == 200
            response: JSONDict = {"ok": ok} if ok else {"ok": False, "error": reply.body.decode()}
            params = dict(answer) if isinstance(answer, dict) else {"body": text}
            params["response_url"] = url_id
            self._record("response_url", params, response)
            return self._note_attempt("response_url", arrived, reply)

    def _apply_response(self, url_id: str, answer: JSONDict, *, count_use: bool) -> Reply:
        with self._lock:
            target = self._response_urls.get(url_id)
            if target is None:
                return Reply.text("invalid_url", status=404)
            if time.monotonic() - target.created > 30 * 60:
                return Reply.text("expired_url", status=404)
            if count_use:
                if target.uses >= 5:
                    return Reply.text("used_url", status=404)
                target.uses += 1
            original = self._response_original(target)
            if answer.get("delete_original") in (True, "true"):
                if original is None:
                    return Reply.text("message_not_found", status=404)
                if isinstance(original, Message):
                    self._delete(original)
                else:
                    original.deleted = True
                    self._changed.notify_all()
                return Reply.text("ok")
            args = Args(dict(answer))
            try:
                text, blocks, attachments = self._content(args)
            except SlackError as exc:
                return Reply.text(exc.error, status=400)
            if answer.get("replace_original") in (True, "true") and original is not None:
                original.text = text or ""
                original.blocks = self._with_ids(blocks)
                original.attachments = copy.deepcopy(attachments) or []
                self._changed.notify_all()
                return Reply.text("ok")
            channel = self._channels[target.channel]
            thread_ts = args.text("thread_ts")
            if answer.get("response_type") == "in_channel":
                try:
                    msg = self._post(
                        channel, text=text, blocks=blocks, attachments=attachments, thread_ts=thread_ts
                    )
                except SlackError as exc:
                    return Reply.text(exc.error, status=404)
                target.last_posted = (msg.ts, False)
            else:
                eph = EphemeralMessage(
                    channel=channel.id,
                    user=target.user,
                    ts=self._next_ts(),
                    text=text or "",
                    blocks=self._with_ids(blocks),
                    attachments=attachments or [],
                    thread_ts=thread_ts,
                    via="response_url",
                    bot_id=self.bot_id,
                    bot_user_id=self.bot_user_id,
                )
                self._ephemerals.append(eph)
                target.last_posted = (eph.ts, True)
            self._changed.notify_all()
            return Reply.text("ok")

    def _response_original(self, target: ResponseTarget) -> Message | EphemeralMessage | None:
        """The message replace_original / delete_original act on, if it still exists."""
        if target.message_ts is not None:
            ref: tuple[str, bool] | None = (target.message_ts, target.ephemeral)
        else:
            ref = target.last_posted
        if ref is None:
            return None
        ts, ephemeral = ref
        if ephemeral:
            for eph in self._ephemerals:
                if eph.ts == ts and eph.user == target.user and not eph.deleted:
                    return eph
            return None
        msg = self._index.get((target.channel, ts))
        return msg if msg is not None and not msg.deleted else None
