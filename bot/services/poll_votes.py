"""Votes from clicks, written in group commits before Slack hears about them.

A listener hands its vote to the writer and waits for the returned future. One writer thread
takes the votes queued meanwhile (at most `batch_max` of them), applies them in one transaction
and commits; only then are the futures resolved, so the listener
acknowledges a vote that is already stored, and tells its voter that vote's own outcome. A burst
of clicks thus costs one commit rather than one per click. The apply function isolates each vote
(a savepoint per poll, then per vote): one failing vote fails nobody else in the batch.

The work in flight is bounded: a vote that finds `capacity` votes waiting is refused at once with
`Busy` instead of queueing behind more than Slack's three seconds allow. `close()` refuses new
votes, writes those already queued and stops the thread (clean shutdown).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from bot.domain.errors import DomainError
from bot.domain.polls.answers import VoteOutcome, VoteRequest
from bot.metrics import VOTES_STORED

log = logging.getLogger("consult_bot.polls.votes")
Result = VoteOutcome | DomainError | Exception
Apply = Callable[[Sequence[VoteRequest]], Sequence[Result]]
_Item = tuple[VoteRequest, "Future[Result]", float]


class Busy(DomainError):
    """Too many votes are waiting to be written: this one was not taken."""

    def __init__(self) -> None:
        super().__init__(
            "Many answers are arriving at this moment and yours was not recorded. "
            "Please click again in a few seconds."
        )


class Stopping(DomainError):
    """The bot is shutting down: this vote was not taken."""

    def __init__(self) -> None:
        super().__init__(
            "The bot is restarting and your answer was not recorded. Please click again in a minute."
        )


class VoteWriter:
    def __init__(
        self, apply: Apply, *, window: float = 0.0, batch_max: int = 100, capacity: int = 400
    ) -> None:
        self._apply = apply
        # A batch closes `window` seconds after its first vote arrived, or at `batch_max` votes. With
        # no window, a batch is whatever is queued when the writer takes it: a lone vote is written
        # at once, and under load the votes that came in while the last batch was written go together.
        self._window = window
        self._batch_max = batch_max
        self._capacity = capacity
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._changed = threading.Condition()
        self._pending = 0
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, request: VoteRequest) -> Future[Result]:
        """Queues the vote; the future gets its outcome or refusal once the batch has committed, or
        the error that kept the batch from committing. Raises Busy or Stopping when not taken."""
        future: Future[Result] = Future()
        with self._changed:
            if self._closed:
                raise Stopping()
            if self._pending >= self._capacity:
                raise Busy()
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="poll-votes", daemon=True)
                self._thread.start()
            # Under the lock, so that nothing is queued behind the sentinel of close().
            self._queue.put((request, future, time.monotonic()))
        return future

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until every queued vote is written; False after `timeout`."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0, timeout=timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Takes no more votes, writes those already queued; False if that took over `timeout`."""
        with self._changed:
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self) -> None:
        running = True
        while running:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            closes = first[2] + self._window
            while len(batch) < self._batch_max:
                try:
                    item = self._queue.get(timeout=max(closes - time.monotonic(), 0.0))
                except queue.Empty:
                    break
                if item is None:
                    running = False
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[_Item]) -> None:
        requests = [request for request, _, _ in batch]
        try:
            results: Sequence[Result] = self._apply(requests)
        except Exception as error:
            # Nothing of this batch was committed: each of its voters hears so.
            log.exception("could not write %d vote(s)", len(requests))
            results = [error] * len(requests)
        VOTES_STORED.inc(sum(1 for r in results if isinstance(r, VoteOutcome) and r.counted))
        for (_, future, _), result in zip(batch, results, strict=True):
            future.set_result(result)
        with self._changed:
            self._pending -= len(batch)
            self._changed.notify_all()
