"""Coalesced updates of poll messages (and consultations' root messages, people's Homes): at most
one update per key per interval.

Votes only mark their poll as changed; one background thread publishes each changed poll, at
most once per `interval` seconds, rendering the state of that moment, so fifty votes in a second
become one `chat.update`. The publisher (given at construction: the poll service's, which tells
the outbound port) may answer "not yet, retry in N seconds" when another process updated the
same message moments ago. An update Slack did not take is tried again `retry_after_failure`
seconds later, so a poll's final results reach its message even after a Slack outage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from bot.services.ports import DeliveryFailed

log = logging.getLogger("consult_bot.polls.updates")

K = TypeVar("K", bound=Hashable)
# (key, final) -> None when done, or seconds after which to try again.
KeyedPublisher = Callable[[K, bool], float | None]
# For poll messages the key is the poll id.
Publisher = KeyedPublisher[int]


class MessageRefresher(Generic[K]):
    def __init__(
        self,
        publish: KeyedPublisher[K],
        interval: float = 1.0,
        *,
        retry_after_failure: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        what: str = "poll",
    ) -> None:
        self.interval = interval
        # What a key names, for the thread's name and the logs ("poll 3", "consultation 2"...).
        self.what = what
        self.retry_after_failure = retry_after_failure
        self._clock = clock
        self._publish = publish
        self._changed = threading.Condition()
        # Poll id -> whether the update is the final one of a poll this process closed.
        self._pending: dict[K, bool] = {}
        self._not_before: dict[K, float] = {}
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._stopping = False

    def request(self, poll_id: K, *, final: bool = False) -> None:
        """Marks the poll's message as out of date; returns at once."""
        with self._changed:
            self._pending[poll_id] = self._pending.get(poll_id, False) or final
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name=f"{self.what}-updates", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until every requested update is published; False if that took longer than `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
        return True

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()

    def _next(self) -> tuple[K, bool] | None:
        """The next poll whose update is due (waiting as needed); None when stopping."""
        with self._changed:
            while not self._stopping:
                now = self._clock()
                self._forget_old(now)
                due = [p for p in self._pending if self._not_before.get(p, 0.0) <= now]
                if due:
                    poll_id = min(due, key=lambda p: self._not_before.get(p, 0.0))
                    final = self._pending.pop(poll_id)
                    self._not_before[poll_id] = now + self.interval
                    self._busy += 1
                    return poll_id, final
                waits = [self._not_before[p] - now for p in self._pending if p in self._not_before]
                self._changed.wait(max(min(waits), 0.001) if waits else None)
            return None

    def _forget_old(self, now: float) -> None:
        for poll_id in [p for p, t in self._not_before.items() if t <= now and p not in self._pending]:
            del self._not_before[poll_id]

    def _run(self) -> None:
        while (item := self._next()) is not None:
            poll_id, final = item
            retry_in: float | None = None
            try:
                retry_in = self._publish(poll_id, final)
            except DeliveryFailed as failure:
                log.warning(
                    "the message of %s %s was not updated (%s); trying again in %.0f s",
                    self.what,
                    poll_id,
                    failure,
                    self.retry_after_failure,
                )
                retry_in = self.retry_after_failure
            except Exception:
                log.exception(
                    "could not update the message of %s %s; the next change tries again", self.what, poll_id
                )
            with self._changed:
                self._busy -= 1
                # The interval counts from the end of the update: Slack sees them that far apart.
                self._not_before[poll_id] = max(
                    self._not_before.get(poll_id, 0.0), self._clock() + self.interval
                )
                if retry_in is not None:
                    self._pending[poll_id] = self._pending.get(poll_id, False) or final
                    self._not_before[poll_id] = self._clock() + max(retry_in, 0.0)
                self._changed.notify_all()
