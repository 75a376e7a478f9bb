"""The results shown beside a vote's confirmation, read after the vote has been acknowledged.

Reading a poll's results costs more than writing a batch of votes, so it is kept out of the vote
writer (which would otherwise hold every following acknowledgement back) and shared: each commit
that changed a poll moves that poll's generation on, and one read made at generation g serves every
confirmation asked for at g or before. A poll's results are read at most once per `interval`: the
confirmations asked for meanwhile wait for the next read (a few hundredths of a second, after their
acknowledgement: nobody sees the difference), so under a burst of votes the reads stay few.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.polls.tallies import PollResults

# Polls whose latest results are kept (the busiest are those being voted on right now).
_KEPT = 64


@dataclass(frozen=True)
class _Read:
    generation: int
    started: float
    results: PollResults | None


class LiveResults:
    def __init__(self, read: Callable[[int], PollResults | None], *, interval: float = 0.05) -> None:
        self._read = read
        self._interval = interval
        self._lock = threading.Lock()
        self._generations: dict[int, int] = {}
        self._latest: dict[int, _Read] = {}
        self._readers: dict[int, threading.Lock] = {}

    def changed(self, poll_id: int) -> None:
        """The poll's answers changed (called once the change has committed)."""
        with self._lock:
            self._generations[poll_id] = self._generations.get(poll_id, 0) + 1

    def get(self, poll_id: int) -> PollResults | None:
        """Results that include every change committed before this call."""
        with self._lock:
            wanted = self._generations.get(poll_id, 0)
            reader = self._readers.setdefault(poll_id, threading.Lock())
        with reader:
            latest = self._latest.get(poll_id)
            if latest is not None and latest.generation >= wanted:
                return latest.results
            if latest is not None and (wait := latest.started + self._interval - time.monotonic()) > 0:
                time.sleep(wait)
            with self._lock:
                generation = self._generations.get(poll_id, 0)
            started = time.monotonic()
            results = self._read(poll_id)
            with self._lock:
                self._latest.pop(poll_id, None)
                if len(self._latest) >= _KEPT:
                    del self._latest[next(iter(self._latest))]
                self._latest[poll_id] = _Read(generation, started, results)
            return results
