"""Comments: thread replies stored as they arrive, and the thread reconciled with Slack."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import now_or_utcnow
from bot.domain.consultations.threads import (
    ThreadMessage,
    is_newer_edit,
    thread_message,
    ts_to_datetime,
)
from bot.services.consultations.base import ConsultationBase, load_consultation, ref_of
from bot.services.ports import DeliveryFailed
from storage.repositories import PartnerRepository
from storage.repositories.consultations import ConsultationRepository

log = logging.getLogger("consult_bot.consultations.comments")

# The replies of a thread as conversations.replies returns them (root first), for reconciling.
ThreadFetcher = Callable[[str, str], Sequence[Mapping[str, Any]]]
# A reconcile that met a reply stored by its event at the same moment reads the thread again.
_RECONCILE_ATTEMPTS = 3


class ThreadNotFound(Exception):
    """The thread's root message is gone together with all its replies."""


@dataclass(frozen=True)
class ReconcileReport:
    ref: str
    added: int = 0
    edited: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.deleted)


class ConsultationComments(ConsultationBase):
    """A consultation thread's human replies, kept in step with Slack."""

    def record_message(
        self, message: ThreadMessage, bot_user_id: str | None, now: datetime | None = None
    ) -> bool:
        """A new reply in a consultation thread becomes a comment; True when something was stored."""
        if not message.is_human_reply(bot_user_id):
            return False
        now = now_or_utcnow(now)
        added_to: int | None = None
        try:
            with self.db.session() as session:
                outcome = self._upsert_comment(session, message, now, authoritative=False)
                if outcome == "added":
                    comment = ConsultationRepository(session).comment(message.channel_id, message.ts)
                    added_to = comment.consultation_id if comment else None
        except IntegrityError:
            # The same message delivered twice at once: the other delivery stored it.
            return False
        if added_to is not None:
            self.root_out_of_date(added_to)  # its comment count
        return outcome != "none"

    def record_edit(
        self, message: ThreadMessage, bot_user_id: str | None, now: datetime | None = None
    ) -> bool:
        """An edited reply: its comment follows, unless it was deleted or the edit is older."""
        return self.record_message(message, bot_user_id, now)

    def record_deletion(
        self,
        channel_id: str,
        ts: str,
        previous: ThreadMessage | None = None,
        bot_user_id: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """A deleted reply: its comment is kept and marked. When the deletion overtakes the message
        itself (events may arrive out of order), the message is stored as already deleted."""
        now = now_or_utcnow(now)
        try:
            with self.db.session() as session:
                repo = ConsultationRepository(session)
                comment = repo.comment(channel_id, ts)
                if comment is None and previous is not None and previous.is_human_reply(bot_user_id):
                    self._upsert_comment(session, previous, now, authoritative=False)
                    comment = repo.comment(channel_id, ts)
                if comment is None or comment.deleted_at is not None:
                    return False
                comment.deleted_at = now
                consultation_id = comment.consultation_id
        except IntegrityError:
            # The message itself was stored at the same moment: mark that one.
            return self.record_deletion(channel_id, ts, None, bot_user_id, now)
        self.root_out_of_date(consultation_id)
        return True

    def _upsert_comment(
        self, session: Session, message: ThreadMessage, now: datetime, *, authoritative: bool
    ) -> str:
        """'added', 'edited' or 'none'. Authoritative data (a fresh read of the thread) always wins."""
        repo = ConsultationRepository(session)
        consultation = repo.by_thread(message.channel_id, message.thread_ts or "")
        if consultation is None:
            return "none"
        existing = repo.comment(message.channel_id, message.ts)
        files = [{"name": f.name, "permalink": f.permalink} for f in message.files]
        if existing is None:
            partner = PartnerRepository(session).by_slack_id(message.user or "")
            repo.add_comment(
                consultation.id,
                message.channel_id,
                message.ts,
                message.thread_ts,
                author=message.user,
                author_name=partner.name if partner else None,
                organisation=partner.organisation if partner else None,
                region=partner.region if partner else None,
                country=partner.country if partner else None,
                text=message.text,
                files=files,
                posted_at=ts_to_datetime(message.ts),
                edited_ts=message.edited_ts,
                edited_at=ts_to_datetime(message.edited_ts) if message.edited_ts else None,
            )
            return "added"
        if existing.deleted_at is not None or (existing.text == message.text and existing.files == files):
            return "none"
        if not authoritative and not is_newer_edit(message.edited_ts, existing.edited_ts):
            return "none"
        existing.text, existing.files = message.text, files
        existing.edited_ts = message.edited_ts or existing.edited_ts
        existing.edited_at = ts_to_datetime(message.edited_ts) if message.edited_ts else now
        return "edited"

    def open_ids(self) -> list[int]:
        with self.db.session() as session:
            return ConsultationRepository(session).open_ids()

    def catch_up(self, consultation_id: int) -> ReconcileReport | None:
        """Reads a thread whose root was just attached: a reply whose event came in the instant
        between the root being posted and its ts being stored found no consultation and was
        skipped; it is in this read. A reply whose event comes later finds the consultation.
        Either way it is stored once (comments are unique by channel and ts). When Slack cannot
        be read now, the next scheduled reconcile catches up instead."""
        try:
            return self.reconcile(consultation_id, self.threads.thread, self.threads.bot_user_id())
        except DeliveryFailed as failure:
            log.warning("could not read the new thread of consultation %s: %s", consultation_id, failure)
            return None
        except Exception:
            # The consultation has started; a failed read-back must not make it look as if it had not.
            log.exception("could not read the new thread of consultation %s", consultation_id)
            return None

    def reconcile(
        self, consultation_id: int, fetch: ThreadFetcher, bot_user_id: str | None, now: datetime | None = None
    ) -> ReconcileReport:
        """Reads the whole thread and brings the comments in line: missed replies added, edits
        applied, and what is no longer there marked as deleted."""
        now = now_or_utcnow(now)
        with self.db.session() as session:
            consultation = load_consultation(session, consultation_id)
            channel_id, root_ts, ref = consultation.channel_id, consultation.message_ts, ref_of(consultation)
        if root_ts is None:
            return ReconcileReport(ref)
        try:
            replies = [thread_message(data, channel_id) for data in fetch(channel_id, root_ts)]
            newest = max((float(m.ts) for m in replies), default=float(root_ts))
        except ThreadNotFound:
            replies, newest = [], float("inf")
        replies = [m for m in replies if m.is_human_reply(bot_user_id) and m.thread_ts == root_ts]
        for attempt in range(1, _RECONCILE_ATTEMPTS + 1):
            try:
                report = self._apply_thread(consultation_id, ref, replies, newest, now)
                break
            except IntegrityError:
                # An event stored one of these replies meanwhile; the next attempt sees it.
                if attempt == _RECONCILE_ATTEMPTS:
                    raise
        if report.added or report.deleted:
            self.root_out_of_date(consultation_id)  # its comment count
        return report

    def _apply_thread(
        self,
        consultation_id: int,
        ref: str,
        replies: Sequence[ThreadMessage],
        newest: float,
        now: datetime,
    ) -> ReconcileReport:
        seen = {m.ts for m in replies}
        added = edited = deleted = 0
        with self.db.session() as session:
            for message in replies:
                outcome = self._upsert_comment(session, message, now, authoritative=True)
                added += outcome == "added"
                edited += outcome == "edited"
            for comment in ConsultationRepository(session).comments(consultation_id):
                # A reply newer than the newest one read was posted while reading: not a deletion.
                if comment.deleted_at is None and comment.ts not in seen and float(comment.ts) <= newest:
                    comment.deleted_at = now
                    deleted += 1
            row = load_consultation(session, consultation_id)
            row.last_reconciled_at = now
        return ReconcileReport(ref, added, edited, deleted)
