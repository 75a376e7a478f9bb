"""The coalescing refresher: many changes to a poll become at most one publish per interval."""

from __future__ import annotations

import itertools
import threading
import time

from bot.services.poll_updates import MessageRefresher
from bot.services.ports import DeliveryFailed


class Recorder:
    def __init__(self, retry_first: float | None = None) -> None:
        self.calls: list[tuple[int, bool, float]] = []
        self.lock = threading.Lock()
        self.retry_first = retry_first

    def __call__(self, poll_id: int, final: bool) -> float | None:
        with self.lock:
            self.calls.append((poll_id, final, time.monotonic()))
            if self.retry_first is not None and len(self.calls) == 1:
                return self.retry_first
        return None


def test_a_burst_of_votes_on_one_poll_publishes_at_most_once_per_interval() -> None:
    recorder = Recorder()
    refresher = MessageRefresher(recorder, interval=0.3)
    started = time.monotonic()
    while time.monotonic() - started < 0.75:
        refresher.request(7)
        time.sleep(0.005)
    assert refresher.flush(timeout=3)
    times = [t for _, _, t in recorder.calls]
    assert 2 <= len(times) <= 4, times
    assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(times))
    refresher.stop()


def test_polls_do_not_wait_for_each_other_and_final_is_kept() -> None:
    recorder = Recorder()
    refresher = MessageRefresher(recorder, interval=5.0)
    refresher.request(1)
    refresher.request(2, final=True)
    assert refresher.flush(timeout=2)
    assert sorted((p, f) for p, f, _ in recorder.calls) == [(1, False), (2, True)]
    refresher.stop()


def test_a_publisher_that_asks_to_wait_is_called_again_later() -> None:
    recorder = Recorder(retry_first=0.2)
    refresher = MessageRefresher(recorder, interval=0.05)
    refresher.request(3, final=True)
    assert refresher.flush(timeout=3)
    assert [(p, f) for p, f, _ in recorder.calls] == [(3, True), (3, True)]
    assert recorder.calls[1][2] - recorder.calls[0][2] >= 0.19
    refresher.stop()


def test_an_update_slack_did_not_take_is_tried_again_later_and_stays_final() -> None:
    calls: list[tuple[int, bool]] = []

    def publish(poll_id: int, final: bool) -> float | None:
        calls.append((poll_id, final))
        if len(calls) == 1:
            raise DeliveryFailed("chat.update", "ratelimited")
        return None

    refresher = MessageRefresher(publish, interval=0.05, retry_after_failure=0.1)
    refresher.request(9, final=True)
    assert refresher.flush(timeout=3)
    assert calls == [(9, True), (9, True)]
    refresher.stop()
