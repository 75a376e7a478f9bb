"""The workspace a local Slack holds: users, channels, messages, views, files, and the calls made.

Each object renders itself the way the Web API returns it (``to_api``).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from bot.localslack.timezones import tz_label_for

__all__ = [
    "ApiCall",
    "Channel",
    "EphemeralMessage",
    "Message",
    "StoredFile",
    "User",
    "View",
]

JSONDict = dict[str, Any]

#: Host used in permalinks; Slack's would be https://<workspace>.slack.com
PERMALINK_HOST: Final = "https://fake.slack.local"


@dataclass
class User:
    """A workspace member (a person or a bot user)."""

    id: str
    name: str
    real_name: str
    tz: str = "Europe/Brussels"
    tz_offset: int = 3600
    is_bot: bool = False
    display_name: str = ""
    email: str | None = None
    tz_label: str = ""
    deleted: bool = False

    def to_api(self, team_id: str) -> JSONDict:
        profile: JSONDict = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "first_name": self.real_name.split(" ")[0],
            "last_name": " ".join(self.real_name.split(" ")[1:]),
            "team": team_id,
            "image_48": f"https://fake.slack.local/avatars/{self.id}_48.png",
        }
        if self.email is not None:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz_label or tz_label_for(self.tz),
            "tz_offset": self.tz_offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }


@dataclass
class Channel:
    """A conversation: public or private channel, or a direct message (IM) with the bot."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)
    is_im: bool = False
    is_private: bool = False
    im_user: str | None = None
    created: int = field(default_factory=lambda: int(time.time()))
    topic: str = ""
    purpose: str = ""

    @property
    def channel_type(self) -> Literal["channel", "group", "im"]:
        """The ``channel_type`` Slack puts on message events."""
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"

    def to_api(self, bot_user_id: str, *, include_num_members: bool = False) -> JSONDict:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: JSONDict = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": False,
            "is_general": self.name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": bot_user_id in self.members,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
        }
        if include_num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class Message:
    """A message in a channel, posted by the bot (``bot_id`` set) or by a person."""

    channel: str
    ts: str
    text: str = ""
    user: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    team: str | None = None
    blocks: list[JSONDict] = field(default_factory=list)
    attachments: list[JSONDict] = field(default_factory=list)
    files: list[JSONDict] = field(default_factory=list)
    thread_ts: str | None = None
    parent_user_id: str | None = None
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    edited: JSONDict | None = None
    deleted: bool = False
    subtype: str | None = None
    reactions: list[JSONDict] = field(default_factory=list)
    client_msg_id: str | None = None
    metadata: JSONDict | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def is_from_bot(self) -> bool:
        return self.bot_id is not None

    @property
    def author(self) -> str:
        """The user id who posted it (the bot's user id for bot messages)."""
        return self.user or self.bot_id or ""

    def to_api(self) -> JSONDict:
        """The message as conversations.history / replies return it."""
        if self.deleted:
            return {
                "type": "message",
                "subtype": "tombstone",
                "hidden": True,
                "user": "USLACKBOT",
                "text": "This message was deleted.",
                "ts": self.ts,
                "thread_ts": self.thread_ts,
                "reply_count": self.reply_count,
            }
        data: JSONDict = {"type": "message"}
        if self.subtype:
            data["subtype"] = self.subtype
        data["text"] = self.text
        if self.user:
            data["user"] = self.user
        if self.bot_id:
            data["bot_id"] = self.bot_id
            data["app_id"] = self.app_id
        data["ts"] = self.ts
        if self.team:
            data["team"] = self.team
        if self.client_msg_id:
            data["client_msg_id"] = self.client_msg_id
        if self.blocks:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.files:
            data["files"] = copy.deepcopy(self.files)
            data["upload"] = True
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
            if self.is_reply:
                data["parent_user_id"] = self.parent_user_id
        if not self.is_reply and self.reply_count:
            data["reply_count"] = self.reply_count
            data["reply_users_count"] = len(self.reply_users)
            data["reply_users"] = list(self.reply_users)
            data["latest_reply"] = self.latest_reply
            data["is_locked"] = False
            data["subscribed"] = False
        if self.edited:
            data["edited"] = dict(self.edited)
        if self.reactions:
            data["reactions"] = copy.deepcopy(self.reactions)
        if self.metadata:
            data["metadata"] = copy.deepcopy(self.metadata)
        return data


@dataclass
class EphemeralMessage:
    """A message only ``user`` sees; Slack never stores these, the fake keeps them apart."""

    channel: str
    user: str
    ts: str
    text: str = ""
    blocks: list[JSONDict] = field(default_factory=list)
    attachments: list[JSONDict] = field(default_factory=list)
    thread_ts: str | None = None
    deleted: bool = False
    via: Literal["chat.postEphemeral", "response_url"] = "chat.postEphemeral"
    bot_id: str | None = None
    bot_user_id: str | None = None

    @property
    def author(self) -> str:
        """The bot's user id (ephemeral messages always come from the app)."""
        return self.bot_user_id or self.bot_id or ""

    def to_api(self) -> JSONDict:
        data: JSONDict = {"type": "message", "subtype": "bot_message", "text": self.text, "ts": self.ts}
        if self.bot_id:
            data["bot_id"] = self.bot_id
        if self.blocks:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        return data


@dataclass
class View:
    """A modal (open or closed) or a user's home tab."""

    id: str
    type: Literal["modal", "home"]
    user: str
    hash: str
    blocks: list[JSONDict] = field(default_factory=list)
    title: JSONDict | None = None
    submit: JSONDict | None = None
    close: JSONDict | None = None
    callback_id: str = ""
    private_metadata: str = ""
    external_id: str = ""
    clear_on_close: bool = False
    notify_on_close: bool = False
    submit_disabled: bool = False
    #: ``state.values``: block_id -> action_id -> value object, as in view_submission payloads.
    state: JSONDict = field(default_factory=dict)
    root_view_id: str | None = None
    previous_view_id: str | None = None
    is_open: bool = True
    team_id: str = ""
    app_id: str = ""
    bot_id: str = ""

    def to_api(self) -> JSONDict:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": copy.deepcopy(self.state)},
            "hash": self.hash,
            "title": copy.deepcopy(self.title),
            "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close,
            "close": copy.deepcopy(self.close),
            "submit": copy.deepcopy(self.submit),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": self.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }


@dataclass
class StoredFile:
    """A file uploaded through the v2 flow (or attached to a person's message)."""

    id: str
    name: str
    title: str
    user: str
    length: int
    url_private: str
    permalink: str
    content: bytes | None = None
    mimetype: str = "application/octet-stream"
    created: int = field(default_factory=lambda: int(time.time()))
    completed: bool = False
    channels: list[str] = field(default_factory=list)

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    def to_api(self) -> JSONDict:
        filetype = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": self.user,
            "size": len(self.content) if self.content is not None else self.length,
            "mode": "hosted",
            "is_external": False,
            "is_public": False,
            "url_private": self.url_private,
            "url_private_download": self.url_private,
            "permalink": self.permalink,
            "channels": list(self.channels),
        }


@dataclass(frozen=True)
class ApiCall:
    """One call the bot made: Web API method, or ``"response_url"`` for a response URL post."""

    method: str
    params: JSONDict
    response: JSONDict
    at: float

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    def describe(self) -> str:
        """One line for failure messages: method, the telling params, and the outcome."""
        shown = []
        for key in ("channel", "user", "user_id", "ts", "thread_ts", "trigger_id", "view_id", "text"):
            if key in self.params:
                value = str(self.params[key])
                shown.append(f"{key}={value[:40] + '…' if len(value) > 40 else value!s}")
        outcome = "ok" if self.ok else f"error={self.response.get('error')}"
        return f"{self.method}({', '.join(shown)}) -> {outcome}"


# ---------------------------------------------------------------------------------------------
