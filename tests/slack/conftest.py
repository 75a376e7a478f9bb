"""Fixtures shared by the Slack-level tests."""

from __future__ import annotations

import pytest

from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from tests.conftest import eventually
from tests.slack.consultation_support import propose, start, started


@pytest.fixture
def consultation(slack: SlackSender, fake_slack: FakeSlack, consortium: Services) -> tuple[str, Message]:
    """A draft recommendation with its consultation thread started in the channel."""
    ref = propose(consortium)
    root = start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    return ref, root
