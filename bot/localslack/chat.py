"""The local Slack's ``auth.*`` and ``chat.*`` methods, and posting a message as the bot."""

from __future__ import annotations

import copy
from typing import Any

from bot.localslack.blockkit import MAX_MESSAGE_TEXT, validate_message_blocks
from bot.localslack.models import Channel, EphemeralMessage, Message
from bot.localslack.state import WorkspaceState
from bot.localslack.wire import Args, SlackError, invalid_blocks, web_method

JSONDict = dict[str, Any]


class ChatApi(WorkspaceState):
    def _content(self, args: Args, *, require: bool = True) -> tuple[str | None, list[JSONDict] | None, Any]:
        """(text, blocks, attachments) of a message call, validated like Slack does."""
        text = args.text("text") or args.text("markdown_text")
        blocks = args.get("blocks")
        attachments = args.get("attachments")
        if blocks is not None:
            if isinstance(blocks, str):
                if blocks.strip():
                    raise SlackError("invalid_blocks_format")
                blocks = None
            elif not isinstance(blocks, list):
                raise SlackError("invalid_blocks_format")
            else:
                errors = validate_message_blocks(blocks)
                if errors:
                    raise invalid_blocks(errors)
        if attachments is not None and attachments != "":
            if not isinstance(attachments, list):
                raise SlackError("invalid_attachments")
            if len(attachments) > 100:
                raise SlackError("too_many_attachments")
            for i, attachment in enumerate(attachments):
                if isinstance(attachment, dict) and "blocks" in attachment:
                    errors = [
                        e.replace("[json-pointer:/blocks", f"[json-pointer:/attachments/{i}/blocks")
                        for e in validate_message_blocks(attachment["blocks"])
                    ]
                    if errors:
                        raise invalid_blocks(errors)
        else:
            attachments = None
        if require and not text and not blocks and not attachments:
            raise SlackError("no_text")
        if text is not None and len(text) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        return text, blocks, attachments

    def _post(
        self,
        channel: Channel,
        *,
        text: str | None,
        blocks: list[JSONDict] | None,
        attachments: Any,
        thread_ts: str | None = None,
        broadcast: bool = False,
        files: list[JSONDict] | None = None,
        metadata: Any = None,
    ) -> Message:
        root = self._thread_root(channel.id, thread_ts) if thread_ts else None
        msg = Message(
            channel=channel.id,
            ts=self._next_ts(),
            text=text or "",
            user=self.bot_user_id,
            bot_id=self.bot_id,
            app_id=self.app_id,
            team=self.team_id,
            blocks=self._with_ids(blocks),
            attachments=copy.deepcopy(attachments) if isinstance(attachments, list) else [],
            files=files or [],
            thread_ts=root.ts if root else None,
            parent_user_id=root.author if root else None,
            subtype="thread_broadcast" if broadcast and root else None,
            metadata=metadata if isinstance(metadata, dict) else None,
        )
        self._append(msg, root)
        return msg

    @web_method("auth.test")
    def _auth_test(self, args: Args) -> JSONDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    @web_method("chat.postMessage")
    def _chat_post_message(self, args: Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        self._require_bot_in(channel)
        text, blocks, attachments = self._content(args)
        msg = self._post(
            channel,
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=args.text("thread_ts"),
            broadcast=args.flag("reply_broadcast"),
            metadata=args.get("metadata"),
        )
        return {"ok": True, "channel": channel.id, "ts": msg.ts, "message": msg.to_api()}

    @web_method("chat.postEphemeral")
    def _chat_post_ephemeral(self, args: Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        user = args.text("user") or ""
        if user not in self._users:
            raise SlackError("user_not_found")
        self._require_bot_in(channel)
        if user not in channel.members:
            raise SlackError("user_not_in_channel")
        text, blocks, attachments = self._content(args)
        eph = EphemeralMessage(
            channel=channel.id,
            user=user,
            ts=self._next_ts(),
            text=text or "",
            blocks=self._with_ids(blocks),
            attachments=attachments or [],
            thread_ts=args.text("thread_ts"),
            bot_id=self.bot_id,
            bot_user_id=self.bot_user_id,
        )
        self._ephemerals.append(eph)
        self._changed.notify_all()
        return {"ok": True, "message_ts": eph.ts}

    @web_method("chat.update")
    def _chat_update(self, args: Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        msg = self._find(channel.id, args.text("ts"))
        if msg.bot_id != self.bot_id:
            raise SlackError("cant_update_message")
        text, blocks, attachments = self._content(args)
        if text is not None:
            msg.text = text
        if blocks is not None:
            msg.blocks = self._with_ids(blocks)
        if attachments is not None:
            msg.attachments = copy.deepcopy(attachments)
        msg.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        self._changed.notify_all()
        return {"ok": True, "channel": channel.id, "ts": msg.ts, "text": msg.text, "message": msg.to_api()}

    @web_method("chat.getPermalink")
    def _chat_get_permalink(self, args: Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        msg = self._find(channel.id, args.text("message_ts"))
        return {"ok": True, "channel": channel.id, "permalink": self._permalink(msg)}
