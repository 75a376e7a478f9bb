"""The vote writer's rules: group commits, bounded work in flight, a clean close.

The database side is replaced by a plain function here (its transactions are exercised by
tests/slack/test_durable_votes.py); these tests pin what the writer itself promises.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from bot.domain.polls.answers import Click, VoteRequest
from bot.services.poll_votes import Busy, Result, Stopping, VoteWriter


def request(user: str) -> VoteRequest:
    return VoteRequest(user, Click(0), f"{user}-click", poll_id=1)


class HeldWrites:
    """Records each batch it is given; holds the writer inside a batch until released."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, requests: Sequence[VoteRequest]) -> list[Result]:
        self.entered.set()
        assert self.release.wait(10)
        self.batches.append([r.user for r in requests])
        return [RuntimeError(r.user) if r.user == "fails" else ValueError(r.user) for r in requests]


def test_votes_waiting_together_are_written_in_one_batch_and_each_gets_its_own_result() -> None:
    writes = HeldWrites()
    writer = VoteWriter(writes, capacity=10)
    first = writer.submit(request("first"))
    assert writes.entered.wait(5)  # the writer holds "first"; these three gather meanwhile
    others = [writer.submit(request(user)) for user in ("a", "fails", "b")]
    writes.release.set()
    assert str(first.result(5)) == "first"
    assert [str(f.result(5)) for f in others] == ["a", "fails", "b"]
    assert writes.batches == [["first"], ["a", "fails", "b"]]
    assert writer.close()


def test_a_full_queue_refuses_at_once_instead_of_growing() -> None:
    writes = HeldWrites()
    writer = VoteWriter(writes, capacity=3)
    taken = [writer.submit(request(f"u{i}")) for i in range(3)]
    with pytest.raises(Busy) as refused:
        writer.submit(request("late"))
    assert "click again" in refused.value.message
    writes.release.set()
    assert all(f.result(5) is not None for f in taken)
    assert writer.flush(5)
    writer.submit(request("after")).result(5)  # room again once the batch is written
    assert writer.close()


def test_close_writes_what_is_queued_and_refuses_what_comes_after() -> None:
    writes = HeldWrites()
    writer = VoteWriter(writes, capacity=10)
    queued = [writer.submit(request(f"u{i}")) for i in range(4)]
    closing = threading.Thread(target=writer.close)
    closing.start()
    writes.release.set()
    closing.join(5)
    assert [str(f.result(0)) for f in queued] == ["u0", "u1", "u2", "u3"]
    with pytest.raises(Stopping):
        writer.submit(request("late"))


def test_a_batch_that_cannot_commit_tells_each_of_its_voters() -> None:
    def down(_requests: Sequence[VoteRequest]) -> list[Result]:
        raise ConnectionError("database unreachable")

    writer = VoteWriter(down)
    futures = [writer.submit(request(f"u{i}")) for i in range(3)]
    assert all(isinstance(f.result(5), ConnectionError) for f in futures)
    assert writer.close()
