"""Votes from clicks, applied by one background thread in batches, after Slack was answered.

A click is acknowledged at once; its vote waits here. The worker takes everything that has
arrived (batches start at least `spacing` apart, so a busy queue gathers votes meanwhile),
applies it in one transaction per poll (in arrival order, once per delivery), and hands the
outcomes to their callbacks on a small pool (the callbacks answer the voter over the network).
When one voter clicked several times within a batch, only the last click is answered, with the
answer all of them left. So a burst of clicks costs a few transactions rather than one each, and
acknowledgements never wait for a database: the listener threads are free again as soon as they
have queued the vote.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.domain.errors import DomainError
from bot.domain.polls.answers import VoteOutcome, VoteRequest

log = logging.getLogger("consult_bot.polls.votes")
Result = VoteOutcome | DomainError | Exception
Done = Callable[[Result], None]
Apply = Callable[[Sequence[VoteRequest]], list[VoteOutcome | DomainError]]


class VoteQueue:
    def __init__(
        self, apply: Apply, *, spacing: float = 0.1, batch_max: int = 500, notifiers: int = 4
    ) -> None:
        self._apply = apply
        # Batches start at least this many seconds apart: an idle queue applies a vote at once, a
        # busy one gathers what arrives meanwhile (at most ten transactions a second per process).
        self._spacing = spacing
        self._batch_max = batch_max
        self._queue: queue.SimpleQueue[tuple[VoteRequest, Done]] = queue.SimpleQueue()
        self._notify = ThreadPoolExecutor(max_workers=notifiers, thread_name_prefix="poll-answers")
        self._changed = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None

    def submit(self, request: VoteRequest, done: Done) -> None:
        """Queues the vote; `done` later gets its outcome, its refusal, or an unexpected error."""
        with self._changed:
            self._pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="poll-votes", daemon=True)
                self._thread.start()
        self._queue.put((request, done))

    def flush(self, timeout: float = 10.0) -> bool:
        """Waits until every queued vote is applied and answered; False after `timeout`."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0, timeout=timeout)

    def _run(self) -> None:
        started = 0.0
        while True:
            batch = [self._queue.get()]
            closes = started + self._spacing
            while len(batch) < self._batch_max:
                try:
                    batch.append(self._queue.get(timeout=max(closes - time.monotonic(), 0.0)))
                except queue.Empty:
                    break
            started = time.monotonic()
            requests = [request for request, _ in batch]
            latest = _latest_per_voter(requests)
            for position, ((_, done), result) in enumerate(zip(batch, self._outcomes(requests), strict=True)):
                if position in latest:
                    self._notify.submit(self._tell, done, result)
                else:
                    self._settled()

    def _outcomes(self, requests: list[VoteRequest]) -> list[Result]:
        try:
            return list(self._apply(requests))
        except Exception as error:
            log.exception("could not apply %d vote(s)", len(requests))
            return [error] * len(requests)

    def _tell(self, done: Done, result: Result) -> None:
        try:
            done(result)
        except Exception:
            log.exception("could not answer a voter")
        finally:
            self._settled()

    def _settled(self) -> None:
        with self._changed:
            self._pending -= 1
            self._changed.notify_all()


def _latest_per_voter(requests: Sequence[VoteRequest]) -> set[int]:
    """The positions of each voter's last vote per poll in a batch: only that one is answered, since
    its confirmation shows the answer that all of that voter's clicks together left."""
    last: dict[tuple[str, object], int] = {}
    for position, request in enumerate(requests):
        last[(request.user, request.poll_id or request.message)] = position
    return set(last.values())
