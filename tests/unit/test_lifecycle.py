"""Polls and consultations share one open/closed status, stored as the domain names it."""

from __future__ import annotations

from bot.domain.consultations.kinds import ConsultationStatus
from bot.domain.lifecycle import Lifecycle
from bot.domain.polls.kinds import PollStatus
from storage.models import Lifecycle as StoredLifecycle


def test_the_statuses_stored_are_the_ones_the_domain_reads() -> None:
    assert [s.value for s in StoredLifecycle] == [s.value for s in Lifecycle]
    assert PollStatus.CLOSED is ConsultationStatus.CLOSED is Lifecycle(StoredLifecycle.CLOSED)
