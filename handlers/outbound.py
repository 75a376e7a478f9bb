"""The outbound port (bot/services/ports.py) spoken in Slack: Block Kit builders and Web API calls.

The one place where what the services announce becomes messages. A call Slack refuses (after the
client's retries) is logged with its method and error and raised as DeliveryFailed, so the
service can keep the work for later; a message someone deleted is not worth failing for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.bridging_rounds import RoundView
from bot.domain.consultations.views import ConsultationView, RevisionResult
from bot.domain.digest import DigestContent
from bot.domain.home import HomeScreen
from bot.domain.polls.drafts import PollView
from bot.domain.polls.tallies import PollResults
from bot.services.consultations.comments import ThreadNotFound
from bot.services.ports import Attachment, DeliveryFailed, Reach
from handlers.blocks.bridging import candidates_message, failed_message, result_message
from handlers.blocks.common import JsonBlock
from handlers.blocks.consultations import (
    closed_note,
    confirm_request_message,
    consultation_message,
    outcome_request_message,
    reminder_message,
    revision_note,
)
from handlers.blocks.digest import digest_overview, digest_thread_parts
from handlers.blocks.polls import poll_message, reminder_dm
from handlers.consultation_flow import post_in_thread
from handlers.home_publisher import HomePublisher
from handlers.published import LastPublished
from handlers.slack_errors import MESSAGE_GONE, RETRY_LATER, slack_error

log = logging.getLogger("consult_bot.outbound")
T = TypeVar("T")
_UTC = ZoneInfo("UTC")


class SlackOutbound:
    """Implements bot.services.ports.Outbound with the bot's Web API client."""

    def __init__(self, client: WebClient, zone: ZoneInfo = _UTC) -> None:
        self.client = client
        # Homes show deadlines in each person's Slack time zone; this one when Slack has none.
        self._homes = HomePublisher(client, zone)
        self._bot_user_id: str | None = None
        self._final = LastPublished()

    # -- polls ------------------------------------------------------------------------------------

    def poll_changed(self, results: PollResults) -> None:
        poll = results.poll
        text, blocks = poll_message(results)
        surface, content = f"{poll.channel_id}/{poll.message_ts}", (text, blocks)
        # A closed poll's final results, once on its message, need not go out again.
        if not poll.is_open and self._final.unchanged(surface, content):
            return
        try:
            self.client.chat_update(
                channel=str(poll.channel_id), ts=str(poll.message_ts), text=text, blocks=blocks
            )
        except SlackApiError as exc:
            # Someone deleted the poll's message or removed the bot: trying again would not help.
            if slack_error(exc) not in MESSAGE_GONE:
                raise _failed("chat.update", exc) from exc
            log.warning("the message of %s cannot be updated: %s", poll.ref, slack_error(exc))
            return
        if not poll.is_open:
            self._final.remember(surface, content)

    # -- common wording ---------------------------------------------------------------------------

    def bridging_opened(self, bridging: RoundView, consultation: ConsultationView, poll: PollResults) -> str:
        self._in_thread(consultation, *candidates_message(bridging, consultation, poll.poll))
        text, blocks = poll_message(poll)
        return self._in_thread(consultation, text, blocks)

    def bridging_result(self, bridging: RoundView, consultation: ConsultationView) -> None:
        self._in_thread(consultation, *result_message(bridging, consultation))

    def bridging_failed(self, bridging: RoundView, consultation: ConsultationView) -> None:
        self._in_thread(consultation, *failed_message(bridging, consultation))

    def _in_thread(self, consultation: ConsultationView, text: str, blocks: list[JsonBlock]) -> str:
        posted = self._call(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=consultation.channel_id,
                thread_ts=consultation.message_ts,
                text=text,
                blocks=blocks,
                unfurl_links=False,
            ),
        )
        return str(posted["ts"])

    def remind_poll(self, poll: PollView, user_ids: Sequence[str]) -> Reach:
        text, blocks = reminder_dm(poll, self._permalink(poll.channel_id, poll.message_ts))
        return reach(self.client, [(user, text, blocks) for user in user_ids])

    # -- consultations ----------------------------------------------------------------------------

    def consultation_changed(self, view: ConsultationView) -> None:
        if view.message_ts is None:
            return
        text, blocks = consultation_message(view)
        surface, content = f"{view.channel_id}/{view.message_ts}", (text, blocks)
        # A closed consultation's root changes only with its outcome: the same rendering is not sent twice.
        if not view.is_open and self._final.unchanged(surface, content):
            return
        try:
            self.client.chat_update(channel=view.channel_id, ts=view.message_ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            # Someone deleted the root message or removed the bot: what is stored stays right.
            if slack_error(exc) not in MESSAGE_GONE:
                raise _failed("chat.update", exc) from exc
            log.warning("the root message of %s cannot be updated: %s", view.ref, slack_error(exc))
            return
        if not view.is_open:
            self._final.remember(surface, content)

    def consultation_closed(self, view: ConsultationView, coordinators: Sequence[str]) -> None:
        text, blocks = closed_note(view)
        self._thread_note(view, text, blocks, broadcast=True)
        self.consultation_changed(view)
        if view.outcome is None:
            dm_text, dm_blocks = outcome_request_message(view)
            for coordinator in coordinators:
                self._direct_message(coordinator, dm_text, dm_blocks)

    def consultation_revised(self, result: RevisionResult) -> None:
        text, blocks = revision_note(result)
        self._thread_note(result.consultation, text, blocks)
        self.consultation_changed(result.consultation)
        for request in result.confirm_requests:
            dm_text, dm_blocks = confirm_request_message(result.consultation, request)
            self._direct_message(request.slack_user_id, dm_text, dm_blocks)

    def remind_consultation(self, view: ConsultationView, recipients: Sequence[tuple[str, str]]) -> Reach:
        return reach(self.client, [(user, *reminder_message(view, org)) for user, org in recipients])

    def _thread_note(
        self, view: ConsultationView, text: str, blocks: list[JsonBlock], *, broadcast: bool = False
    ) -> None:
        self._call(
            "chat.postMessage", lambda: post_in_thread(self.client, view, text, blocks, broadcast=broadcast)
        )

    # -- reading threads back ---------------------------------------------------------------------

    def thread(self, channel_id: str, ts: str) -> Sequence[Mapping[str, Any]]:
        messages: list[Mapping[str, Any]] = []
        cursor: str | None = None
        while True:
            try:
                page = self.client.conversations_replies(channel=channel_id, ts=ts, cursor=cursor, limit=200)
            except SlackApiError as exc:
                if slack_error(exc) == "thread_not_found":
                    raise ThreadNotFound(f"{channel_id}/{ts}") from exc
                raise _failed("conversations.replies", exc) from exc
            messages.extend(page.get("messages") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return messages

    def bot_user_id(self) -> str | None:
        # A token's bot user never changes: asked once, on first need.
        if self._bot_user_id is None:
            found = self._call("auth.test", self.client.auth_test)
            self._bot_user_id = str(found.get("user_id") or "") or None
        return self._bot_user_id

    # -- the digest -------------------------------------------------------------------------------

    def deliver_digest(
        self, recipient: str, content: DigestContent, files: Sequence[Attachment]
    ) -> tuple[str, str]:
        """One top-level message; the summaries, the chart and the Markdown go in its thread."""
        channel = recipient
        if recipient.startswith(("U", "W")):
            opened = self._call("conversations.open", lambda: self.client.conversations_open(users=recipient))
            channel = str(opened["channel"]["id"])
        text, blocks = digest_overview(content)
        posted = self._call(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False
            ),
        )
        ts = str(posted["ts"])
        for part_text, part_blocks in digest_thread_parts(content):
            self._call(
                "chat.postMessage",
                lambda text=part_text, blocks=part_blocks: self.client.chat_postMessage(  # type: ignore[misc]
                    channel=channel, thread_ts=ts, text=text, blocks=blocks, unfurl_links=False
                ),
            )
        uploads = [_upload(file) for file in files]
        self._call(
            "files.uploadV2",
            lambda: self.client.files_upload_v2(
                file_uploads=uploads,
                channel=channel,
                thread_ts=ts,
                initial_comment="The full digest (Markdown) and the chart",
            ),
        )
        return channel, ts

    # -- App Homes --------------------------------------------------------------------------------

    def publish_home(
        self, user_id: str, screen: HomeScreen | None, pages: Mapping[str, int], *, force: bool
    ) -> None:
        self._homes.publish(user_id, screen, pages, force=force)

    # -- the Web API ------------------------------------------------------------------------------

    def _call(self, method: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except SlackApiError as exc:
            raise _failed(method, exc) from exc

    def _direct_message(self, user: str, text: str, blocks: list[JsonBlock]) -> bool:
        return send_dm(self.client, user, text, blocks)

    def _permalink(self, channel_id: str | None, ts: str | None) -> str | None:
        if not channel_id or not ts:
            return None
        try:
            return str(self.client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"])
        except SlackApiError:
            log.info("no permalink for %s/%s; the message names the channel instead", channel_id, ts)
            return None


def send_dm(client: WebClient, user: str, text: str, blocks: list[JsonBlock]) -> bool:
    """A direct message; a person Slack does not reach is skipped (and logged), not fatal."""
    try:
        client.chat_postMessage(channel=user, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("could not send a direct message to %s: %s", user, slack_error(exc))
        return False
    return True


def reach(client: WebClient, messages: Sequence[tuple[str, str, list[JsonBlock]]]) -> Reach:
    """Direct messages to several people (user id, text, blocks): whom they reached, and whom Slack
    refused for now (after the client's retries), to be tried again later."""
    reached: list[str] = []
    retry_later: list[str] = []
    for user, text, blocks in messages:
        try:
            client.chat_postMessage(channel=user, text=text, blocks=blocks)
        except SlackApiError as exc:
            error = slack_error(exc)
            later = error in RETRY_LATER
            log.warning(
                "Slack Web API chat.postMessage to %s failed: %s%s",
                user,
                error,
                "; retried later" if later else "",
            )
            if later:
                retry_later.append(user)
            continue
        except OSError as exc:  # the connection, after the client's retries
            log.warning("Slack Web API chat.postMessage to %s failed: %s; retried later", user, exc)
            retry_later.append(user)
            continue
        reached.append(user)
    return Reach(tuple(reached), tuple(retry_later))


def _failed(method: str, exc: SlackApiError) -> DeliveryFailed:
    failure = DeliveryFailed(method, slack_error(exc))
    log.warning("Slack Web API %s failed: %s", method, failure.error)
    return failure


def _upload(file: Attachment) -> dict[str, object]:
    key = "content" if isinstance(file.content, str) else "file"
    return {key: file.content, "filename": file.filename, "title": file.title}
