"""Shared steps of the consultation tests: a recommendation, a started consultation, a position."""

from __future__ import annotations

from typing import Any

from bot.domain.consultations.views import ConsultationView
from bot.domain.recommendations import Level, ProposalDraft
from bot.localslack import ApiCall, FakeSlack, Message, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL

COORDINATOR = "U0COORD01"
AUTHOR = "U0HU00001"  # Pannon Business Network (HU)
AUTHOR_COLLEAGUE = "U0HU00002"  # also Pannon Business Network
CATALONIA = "U0ES00001"
LOMBARDY = "U0IT00001"
OUTSIDER = "U0OUTSIDE"
TEXT = "Create an EU-wide programme for collaborative R&D projects of big and small companies."


def propose(
    services: Services, title: str = "EU-wide programme for collaborative R&D", text: str = TEXT
) -> str:
    draft = ProposalDraft(title, text, "SMEs rarely join alone.", ("R&D",), Level.EU)
    rec, _ = services.recommendations.propose(
        AUTHOR, draft, submission_key=f"key-{title}", channel_id=CHANNEL
    )
    return rec.ref


def start(slack: SlackSender, fake: FakeSlack, ref: str, user: str = COORDINATOR, extra: str = "") -> Message:
    """Runs `/consult ref` and returns the root message of the new thread."""
    before = len(fake.calls("chat.postMessage"))
    response = slack.slash("/consult", f"{ref} {extra}".strip(), user=user, channel=CHANNEL)
    assert response.status == 200, response.body
    posted = fake.wait_for("chat.postMessage", count=before + 1)[-1]
    fake.wait_for("chat.getPermalink")
    return fake.message(CHANNEL, str(posted.response["ts"]))


def consultation_id(root: Message) -> int:
    buttons = [e for b in root.blocks if b["type"] == "actions" for e in b["elements"]]
    return int(buttons[0]["value"])


def answer(
    slack: SlackSender,
    fake: FakeSlack,
    root: Message,
    user: str,
    position: str,
    reason: str = "",
    *,
    channel: str = CHANNEL,
) -> Any:
    """Clicks a position button and submits the modal; returns the submission's answer."""
    opened = len(fake.calls("views.open"))
    slack.click(root, channel, user, f"consultation_position_{position}")
    call = fake.wait_for("views.open", count=opened + 1)[-1]
    assert call.ok, call.response
    view_id = str(call.response["view"]["id"])
    return slack.submit_view(view_id, user, {"reason": reason}, check_required=False)


def root_updates(fake: FakeSlack, root: Message) -> list[ApiCall]:
    return [c for c in fake.calls("chat.update") if c.params.get("ts") == root.ts]


def root_text(fake: FakeSlack, root: Message) -> str:
    return str(fake.message(CHANNEL, root.ts).blocks)


def latest(services: Services, ref: str) -> ConsultationView:
    view = services.consultations.latest(ref)
    assert view is not None, f"{ref} has no consultation"
    return view


def started(services: Services, ref: str) -> bool:
    view = services.consultations.latest(ref)
    return view is not None and view.permalink is not None
