"""The messages of a consultation thread: which are human replies, their times and permalinks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain.consultations.views import FileRef

# Message subtypes that are a person writing in the thread; everything else (joins, bots...) is not.
_HUMAN_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}


@dataclass(frozen=True)
class ThreadMessage:
    """A message as Slack reports it (event or conversations.replies), reduced to what is kept."""

    channel_id: str
    ts: str
    thread_ts: str | None
    user: str | None
    text: str
    files: tuple[FileRef, ...]
    edited_ts: str | None
    subtype: str | None
    bot_id: str | None

    def is_human_reply(self, bot_user_id: str | None) -> bool:
        """A person's reply in a thread: not the root, not a bot, not a system message."""
        return (
            self.thread_ts is not None
            and self.thread_ts != self.ts
            and self.user is not None
            and self.user != bot_user_id
            and self.bot_id is None
            and self.subtype in _HUMAN_SUBTYPES
        )


def thread_message(data: Mapping[str, Any], channel_id: str) -> ThreadMessage:
    files = tuple(
        FileRef(str(f.get("name") or f.get("title") or "file"), str(f.get("permalink") or ""))
        for f in data.get("files") or []
        if isinstance(f, Mapping)
    )
    edited = data.get("edited")
    return ThreadMessage(
        channel_id=channel_id,
        ts=str(data.get("ts") or ""),
        thread_ts=str(data["thread_ts"]) if data.get("thread_ts") else None,
        user=str(data["user"]) if data.get("user") else None,
        text=str(data.get("text") or ""),
        files=files,
        edited_ts=str(edited.get("ts")) if isinstance(edited, Mapping) and edited.get("ts") else None,
        subtype=str(data["subtype"]) if data.get("subtype") else None,
        bot_id=str(data["bot_id"]) if data.get("bot_id") else None,
    )


def ts_to_datetime(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)


def datetime_to_ts(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def is_newer_edit(incoming: str | None, stored: str | None) -> bool:
    """An edit applies unless the stored version is already at least as recent (out-of-order events)."""
    if stored is None:
        return True
    if incoming is None:
        return False
    return float(incoming) > float(stored)


def reply_permalink(root_permalink: str | None, channel_id: str, ts: str, thread_ts: str) -> str | None:
    """Slack's permalink of a thread reply, built from the root's (same workspace address)."""
    if not root_permalink or "/archives/" not in root_permalink:
        return None
    base = root_permalink.split("/archives/", 1)[0]
    return f"{base}/archives/{channel_id}/p{ts.replace('.', '')}?thread_ts={thread_ts}&cid={channel_id}"
