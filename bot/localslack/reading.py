"""Reading a local Slack workspace from a test: users, channels, messages, views, files, the calls
the bot made, and waiting until the bot has done something."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from decimal import Decimal

from bot.localslack.models import ApiCall, Channel, EphemeralMessage, Message, StoredFile, User, View
from bot.localslack.state import WorkspaceState

#: How long a wait lasts before it fails: long enough for a machine busy with other work, since a
#: passing wait returns as soon as its condition holds.
WAIT_SECONDS = 15.0


class WorkspaceReading(WorkspaceState):
    # -- reading state --------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        with self._lock:
            if user_id not in self._users:
                raise LookupError(f"unknown user {user_id!r}")
            return copy.deepcopy(self._users[user_id])

    def users(self) -> list[User]:
        with self._lock:
            return copy.deepcopy(list(self._users.values()))

    def user_names(self) -> dict[str, str]:
        """User id -> real name (what ``render_message`` takes as ``users``)."""
        with self._lock:
            return {u.id: u.real_name or u.name for u in self._users.values()}

    def channel(self, channel_id: str) -> Channel:
        with self._lock:
            if channel_id not in self._channels:
                raise LookupError(f"unknown channel {channel_id!r}")
            return copy.deepcopy(self._channels[channel_id])

    def channels(self) -> list[Channel]:
        with self._lock:
            return copy.deepcopy(list(self._channels.values()))

    def messages(self, channel: str, include_replies: bool = True) -> list[Message]:
        """Messages in ``channel`` (id, or a user id for their DM with the bot), oldest first.

        Deleted messages are left out; ``include_replies=False`` keeps only what the channel shows
        (thread roots, unthreaded messages, and replies also sent to the channel).
        """
        with self._lock:
            channel_id = self._lookup_channel_id(channel)
            return copy.deepcopy(
                [
                    m
                    for m in self._messages.get(channel_id, [])
                    if not m.deleted
                    and (include_replies or not m.is_reply or m.subtype == "thread_broadcast")
                ]
            )

    def all_messages(self) -> list[Message]:
        """Every undeleted message in every channel and DM (replies too), oldest first."""
        with self._lock:
            every = [m for msgs in self._messages.values() for m in msgs if not m.deleted]
            return copy.deepcopy(sorted(every, key=lambda m: Decimal(m.ts)))

    def message(self, channel: str, ts: str) -> Message:
        """One message by ts (also a deleted one, so tests can check it is marked deleted)."""
        with self._lock:
            channel_id = self._lookup_channel_id(channel)
            msg = self._index.get((channel_id, ts))
            if msg is None:
                raise LookupError(f"no message {ts} in {channel_id}; it has {self._summary(channel_id)}")
            return copy.deepcopy(msg)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """Root message then its (undeleted) replies in ts order; ``ts`` may be a reply's."""
        with self._lock:
            channel_id = self._lookup_channel_id(channel)
            msg = self._index.get((channel_id, ts))
            if msg is None:
                raise LookupError(f"no message {ts} in {channel_id}")
            root_ts = msg.thread_ts or msg.ts
            return copy.deepcopy(
                [
                    m
                    for m in self._messages[channel_id]
                    if not m.deleted and (m.ts == root_ts or (m.is_reply and m.thread_ts == root_ts))
                ]
            )

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[EphemeralMessage]:
        """Ephemeral messages (not deleted), optionally only those shown to ``user`` / in ``channel``."""
        with self._lock:
            channel_id = self._lookup_channel_id(channel) if channel is not None else None
            return copy.deepcopy(
                [
                    e
                    for e in self._ephemerals
                    if not e.deleted
                    and (user is None or e.user == user)
                    and (channel_id is None or e.channel == channel_id)
                ]
            )

    def ephemeral(self, user: str, ts: str) -> EphemeralMessage:
        with self._lock:
            for e in self._ephemerals:
                if e.user == user and e.ts == ts:
                    return copy.deepcopy(e)
        raise LookupError(f"no ephemeral message {ts} for {user}")

    def dm_messages(self, user: str) -> list[Message]:
        """Messages in the bot's DM with ``user`` (empty if it was never opened)."""
        with self._lock:
            channel_id = self._im_by_user.get(user)
            return self.messages(channel_id) if channel_id else []

    def view(self, view_id: str) -> View:
        with self._lock:
            if view_id not in self._views:
                raise LookupError(f"no view {view_id!r}; views: {sorted(self._views)}")
            return copy.deepcopy(self._views[view_id])

    def views(self, user: str | None = None, *, open_only: bool = False) -> list[View]:
        """Views in the order they were created (modals and home tabs)."""
        with self._lock:
            return copy.deepcopy(
                [
                    v
                    for v in self._views.values()
                    if (user is None or v.user == user) and (v.is_open or not open_only)
                ]
            )

    def last_view(self, user: str | None = None) -> View:
        """The most recently opened, pushed or updated modal (of ``user``); LookupError if none."""
        with self._lock:
            modals = [
                v for v in self._views.values() if v.type == "modal" and (user is None or v.user == user)
            ]
            if not modals:
                raise LookupError(f"no modal was opened{' for ' + user if user else ''}")
            return copy.deepcopy(max(modals, key=lambda v: self._view_touched.get(v.id, 0)))

    def open_modals(self, user: str) -> list[View]:
        """The user's modal stack, bottom first."""
        with self._lock:
            return copy.deepcopy([self._views[v] for v in self._modal_stacks.get(user, [])])

    def home_view(self, user: str) -> View | None:
        with self._lock:
            view_id = self._home_views.get(user)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def files(self) -> list[StoredFile]:
        with self._lock:
            return copy.deepcopy(list(self._files.values()))

    # -- calls, waiting, faults -----------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls, oldest first (``"response_url"`` for posts to response URLs)."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = WAIT_SECONDS,
        count: int = 1,
    ) -> list[ApiCall]:
        """Block until ``count`` calls to ``method`` (matching ``predicate``) were made; return them.

        Raises AssertionError listing every call made so far when the time runs out.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matching = [
                    c for c in self._calls if c.method == method and (predicate is None or predicate(c))
                ]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    made = "\n".join(f"  {c.describe()}" for c in self._calls) or "  (none)"
                    condition = " matching the predicate" if predicate else ""
                    raise AssertionError(
                        f"expected {count} call(s) to {method}{condition} within {timeout}s, "
                        f"got {len(matching)}. Calls made ({len(self._calls)}):\n{made}"
                    )
                self._changed.wait(remaining)

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = WAIT_SECONDS, what: str = "condition"
    ) -> None:
        """Block until ``condition()`` is true; it is re-checked whenever the fake's state changes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    made = "\n".join(f"  {c.describe()}" for c in self._calls) or "  (none)"
                    raise AssertionError(f"{what} not met within {timeout}s. Calls made:\n{made}")
                self._changed.wait(min(remaining, 0.1))
