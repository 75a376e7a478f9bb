"""The results beside vote confirmations: always including the confirmed vote, read once for many.

The read is a plain function here (the confirmations themselves are exercised by the Slack tests of
polls); these tests pin what LiveResults promises: no confirmation shows results older than its
vote, and a burst of confirmations costs few reads.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from bot.domain.polls.tallies import PollResults
from bot.services.polls.confirmations import LiveResults


class CountingReads:
    """Reads "results" that are the number of votes committed when the read began."""

    def __init__(self) -> None:
        self.committed = 0
        self.reads = 0
        self._lock = threading.Lock()

    def __call__(self, _poll_id: int) -> PollResults | None:
        with self._lock:
            self.reads += 1
            return cast(PollResults, self.committed)

    def commit(self, live: LiveResults) -> int:
        self.committed += 1
        live.changed(1)
        return self.committed


def seen(results: Any) -> int:
    return int(results)


def test_each_confirmation_includes_its_own_vote() -> None:
    reads = CountingReads()
    live = LiveResults(reads, interval=0.0)
    for _ in range(5):
        mine = reads.commit(live)
        assert seen(live.get(1)) >= mine


def test_confirmations_of_votes_already_read_share_that_read() -> None:
    reads = CountingReads()
    live = LiveResults(reads, interval=0.0)
    reads.commit(live)
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: seen(live.get(1)), range(20)))
    assert results == [1] * 20
    assert reads.reads == 1


def test_a_burst_of_votes_is_read_at_most_once_per_interval() -> None:
    reads = CountingReads()
    live = LiveResults(reads, interval=1.0)
    reads.commit(live)
    live.get(1)
    # Ten votes committed within one interval, each confirmed at once after its commit.
    with ThreadPoolExecutor(max_workers=10) as pool:
        shown = [(reads.commit(live), pool.submit(live.get, 1)) for _ in range(10)]
        for mine, pending in shown:
            assert seen(pending.result(5)) >= mine
    # The first read, then the confirmations waiting out the interval: far fewer reads than votes.
    assert reads.reads <= 3
