"""Seeding a local Slack workspace and people acting in it (state only: ``SlackSender`` also
delivers the events these actions cause)."""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.localslack.models import Channel, Message, User
from bot.localslack.state import Trigger, WorkspaceState
from bot.localslack.timezones import tz_label_for


class WorkspacePeople(WorkspaceState):
    # -- seeding --------------------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/Brussels",
        tz_offset: int = 3600,
        is_bot: bool = False,
        *,
        display_name: str | None = None,
        email: str | None = None,
        tz_label: str | None = None,
    ) -> User:
        user = User(
            id=id,
            name=name,
            real_name=real_name or name,
            tz=tz,
            tz_offset=tz_offset,
            is_bot=is_bot,
            display_name=name if display_name is None else display_name,
            email=email,
            tz_label=tz_label or tz_label_for(tz),
        )
        with self._lock:
            self._users[id] = user
            return copy.deepcopy(user)

    def add_channel(
        self,
        id: str,
        name: str,
        members: Iterable[str] = (),
        *,
        bot_member: bool = True,
        is_private: bool = False,
        topic: str = "",
        purpose: str = "",
    ) -> Channel:
        """A public (or private) channel; the bot is a member unless ``bot_member=False``."""
        member_list = list(dict.fromkeys(members))
        if bot_member and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        channel = Channel(
            id=id, name=name, members=member_list, is_private=is_private, topic=topic, purpose=purpose
        )
        with self._lock:
            self._channels[id] = channel
            self._messages.setdefault(id, [])
            return copy.deepcopy(channel)

    def im_channel(self, user: str) -> str:
        """The id of the bot's DM channel with ``user`` (created on first use, then stable)."""
        with self._lock:
            if user not in self._users:
                raise LookupError(f"unknown user {user!r}; add_user() it first")
            return self._open_im(user).id

    # -- people acting in Slack (state only; SlackSender also delivers the events) --------------

    def post_user_message(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        files: Sequence[str | Mapping[str, Any]] | None = None,
    ) -> Message:
        """Store a message ``user`` wrote. ``channel`` may be a channel id, the DM channel id, or
        the bot's user id / the user's own id for the user's DM with the bot.

        ``files`` are file names or dicts with ``name`` and optional ``title``, ``content``
        (bytes or str) and ``mimetype``.
        """
        with self._lock:
            author = self._users.get(user)
            if author is None:
                raise LookupError(f"unknown user {user!r}; add_user() it first")
            if channel in (self.bot_user_id, user):
                target = self._open_im(user)
            elif channel in self._channels:
                target = self._channels[channel]
            else:
                raise LookupError(f"unknown channel {channel!r}; channels: {sorted(self._channels)}")
            if not target.is_im and user not in target.members:
                raise ValueError(
                    f"{user} is not a member of {target.id}; add them with add_channel(members=...)"
                )
            if target.is_im and target.im_user != user:
                raise ValueError(f"{target.id} is the DM of {target.im_user}, not of {user}")
            root = None
            if thread_ts is not None:
                root = self._index.get((target.id, thread_ts))
                if root is None or root.deleted:
                    raise LookupError(f"no message {thread_ts} in {target.id} to reply to")
                if root.is_reply:
                    root = self._index[(target.id, root.thread_ts or "")]
            ts = self._next_ts()
            file_objects = [self._user_file(user, target.id, f).to_api() for f in files or ()]
            msg = Message(
                channel=target.id,
                ts=ts,
                text=text,
                user=user,
                team=self.team_id,
                client_msg_id=str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
                blocks=[self._rich_text_block(text)] if text else [],
                files=file_objects,
                subtype="file_share" if file_objects else None,
                thread_ts=root.ts if root else None,
                parent_user_id=root.author if root else None,
            )
            self._append(msg, root)
            return copy.deepcopy(msg)

    def edit_user_message(self, channel: str, ts: str, text: str) -> Message:
        """Change the text of a message (as its author would in Slack); returns the new version."""
        with self._lock:
            msg = self._existing(self._lookup_channel_id(channel), ts)
            msg.text = text
            msg.blocks = [self._rich_text_block(text)] if msg.user and not msg.bot_id else msg.blocks
            msg.edited = {"user": msg.author, "ts": self._next_ts()}
            self._changed.notify_all()
            return copy.deepcopy(msg)

    def delete_message(self, channel: str, ts: str) -> Message:
        """Delete any message (as its author or an admin would); returns it as it was."""
        with self._lock:
            msg = self._existing(self._lookup_channel_id(channel), ts)
            before = copy.deepcopy(msg)
            self._delete(msg)
            return before

    # -- interaction plumbing used by SlackSender -----------------------------------------------

    def new_ts(self) -> str:
        """A fresh message timestamp ("1764032400.000100"), unique and increasing."""
        with self._lock:
            return self._next_ts()

    def issue_trigger(self, user: str) -> str:
        """A fresh trigger_id for ``user``, valid once within ``trigger_ttl`` seconds."""
        with self._lock:
            self._counter += 1
            trigger_id = f"{self._counter}.{int(time.time())}.{self._rng.getrandbits(128):032x}"
            self._triggers[trigger_id] = Trigger(user=user, issued_at=time.monotonic())
            return trigger_id
