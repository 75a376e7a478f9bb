"""What the bot tells Slack on its own initiative, said in domain terms: the outbound port.

The services own these protocols and receive one implementation at construction (built by the
composition root, bot/app.py); it lives in handlers/outbound.py, next to the Block Kit builders and
the Web API client. A service says *what happened* (a poll's message is out of date, these people
need a reminder, a consultation closed, this digest goes to this recipient); how that looks in
Slack is the adapter's business.

To add a message: add a method to the protocol of its topic below (or a new small protocol, then
list it in `Outbound`), implement it in handlers/outbound.py, and call it from the service.
A method that cannot reach Slack for good raises `DeliveryFailed`, so the caller can keep the
work for a later attempt instead of losing it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.bridging_rounds import RoundView
from bot.domain.consultations.views import ConsultationView, RevisionResult
from bot.domain.digest import DigestContent
from bot.domain.home import HomeScreen
from bot.domain.polls.drafts import PollView
from bot.domain.polls.tallies import PollResults


class DeliveryFailed(Exception):
    """Slack refused the call, or kept failing after the retries: which call, and why."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method} failed: {error}")
        self.method = method
        self.error = error


@dataclass(frozen=True)
class Reach:
    """Whom a message to several people reached, and whom Slack refused for now (rate limits,
    outages: worth another try later). People Slack refuses for good (DMs closed, no such user)
    are in neither: trying again would not help, and the refusal is logged."""

    reached: tuple[str, ...] = ()
    retry_later: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a message (the digest's Markdown, its chart)."""

    filename: str
    title: str
    content: str | bytes


class PollNotices(Protocol):
    def poll_changed(self, results: PollResults) -> None:
        """The poll's message is out of date: it shows these results now (final once closed)."""

    def remind_poll(self, poll: PollView, user_ids: Sequence[str]) -> Reach:
        """Reminds these people to answer the poll."""


class ConsultationNotices(Protocol):
    def consultation_changed(self, view: ConsultationView) -> None:
        """The consultation's root message is out of date (positions, version, status)."""

    def consultation_closed(self, view: ConsultationView, coordinators: Sequence[str]) -> None:
        """The thread (and channel) learns it closed; without an outcome, the coordinators are asked."""

    def consultation_revised(self, result: RevisionResult) -> None:
        """A new version: the diff in the thread, and each organisation asked to confirm."""

    def remind_consultation(self, view: ConsultationView, recipients: Sequence[tuple[str, str]]) -> Reach:
        """Reminds these (user id, organisation) members of organisations without a position."""


class ThreadReader(Protocol):
    def thread(self, channel_id: str, ts: str) -> Sequence[Mapping[str, Any]]:
        """Every message of a thread, root first (ThreadNotFound when its root is gone)."""

    def bot_user_id(self) -> str | None:
        """The bot's own user id, to tell its messages from people's."""


class DigestNotices(Protocol):
    def deliver_digest(
        self, recipient: str, content: DigestContent, files: Sequence[Attachment]
    ) -> tuple[str, str]:
        """The digest to one coordinator (a user id) or channel; returns (channel id, message ts)."""


class BridgingNotices(Protocol):
    def bridging_opened(self, bridging: RoundView, consultation: ConsultationView, poll: PollResults) -> str:
        """Every option in the consultation's thread, then the ranking poll; returns the poll message's ts."""

    def bridging_result(self, bridging: RoundView, consultation: ConsultationView) -> None:
        """The Schulze winner and the pairwise results in the thread, with what can follow."""

    def bridging_failed(self, bridging: RoundView, consultation: ConsultationView) -> None:
        """Nothing could be drafted: the thread learns why."""


class HomeNotices(Protocol):
    def publish_home(
        self, user_id: str, screen: HomeScreen | None, pages: Mapping[str, int], *, force: bool
    ) -> None:
        """The person's App Home shows this screen now (None: how to get registered), at these pages
        of its long lists; a Home that would look as last published is skipped unless forced."""


class Outbound(
    PollNotices, ConsultationNotices, ThreadReader, DigestNotices, BridgingNotices, HomeNotices, Protocol
):
    """Everything the services may tell (or ask) Slack; one implementation, in handlers/outbound.py."""
