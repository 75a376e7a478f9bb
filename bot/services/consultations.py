"""Consultations: starting one, positions, comments, amendments, versions, deadlines and the export.

Every write is claimed in the database (unique keys, conditional UPDATEs), so a retried request,
a duplicated event or a second process changes nothing. Methods take `now` so that tests and
scheduled sweeps decide the time; by default it is the current UTC time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.domain.consultations import (
    CONSULTABLE,
    PENDING_START_TIMEOUT,
    AlreadyInConsultation,
    AmendmentDraft,
    AmendmentView,
    AuditEntry,
    CommentView,
    ConfirmRequest,
    ConsultationClosed,
    ConsultationStatus,
    ConsultationView,
    FileRef,
    NotConsultable,
    OnBehalfDraft,
    Outcome,
    OutcomeDraft,
    Position,
    PositionDraft,
    PositionForm,
    PositionRule,
    PositionView,
    Reminder,
    RevisionDraft,
    RevisionForm,
    RevisionResult,
    ThreadMessage,
    UnknownConsultation,
    check_deadline,
    default_deadline,
    is_newer_edit,
    organisation_key,
    reply_permalink,
    thread_message,
    ts_to_datetime,
    word_diff,
)
from bot.domain.errors import DomainError, InvalidInput, NotAllowed, NotRegistered, UnknownReference
from bot.domain.partners import Role
from bot.domain.recommendations import RecommendationView, Status, format_ref, parse_ref
from bot.services.recommendations import to_view
from storage.db import Database
from storage.models import (
    Consultation,
    ConsultationAmendment,
    ConsultationAudit,
    ConsultationComment,
    ConsultationPosition,
    ConsultationPositionHistory,
    Partner,
    Recommendation,
    RecommendationVersion,
    utcnow,
)
from storage.repositories import PartnerRepository, RecommendationRepository
from storage.repositories.consultations import ConsultationRepository

# Who closes a consultation when its deadline passes (the audit trail's actor).
DEADLINE_ACTOR = "deadline"
SCHEDULER_ACTOR = "scheduler"
# The replies of a thread as conversations.replies returns them (root first), for reconciling.
ThreadFetcher = Callable[[str, str], Sequence[Mapping[str, Any]]]
_REF_IN_TEXT = re.compile(r"\bR-?(\d{1,9})\b")


class ThreadNotFound(Exception):
    """The thread's root message is gone together with all its replies."""


@dataclass(frozen=True)
class CloseResult:
    consultation: ConsultationView
    closed_now: bool


@dataclass(frozen=True)
class ReconcileReport:
    ref: str
    added: int = 0
    edited: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.deleted)


class ConsultationService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    @property
    def rule(self) -> PositionRule:
        return PositionRule(self.settings.consult_position_rule)

    # -- starting ---------------------------------------------------------------------------------

    def consultable(self, user: str) -> list[RecommendationView]:
        """Recommendations a consultation may start on (for the picker), newest first."""
        with self.db.session() as session:
            _require_partner(session, user)
            open_ids = {c.recommendation_id for c in ConsultationRepository(session).all() if c.open_key}
            recs = [
                rec
                for rec in RecommendationRepository(session).all()
                if Status(rec.status) in CONSULTABLE and rec.id not in open_ids
            ]
            return [to_view(rec) for rec in reversed(recs)]

    def ref_for_message(self, channel_id: str, message_ts: str, text: str) -> str:
        """The recommendation a message is about: its announcement, a consultation, or a reference."""
        with self.db.session() as session:
            rec = RecommendationRepository(session).by_message(channel_id, message_ts)
            consultation = ConsultationRepository(session).by_thread(channel_id, message_ts)
            if rec is not None:
                return format_ref(rec.number)
            if consultation is not None:
                return format_ref(consultation.recommendation.number)
        match = _REF_IN_TEXT.search(text)
        if match is None:
            raise DomainError(
                "This message does not name a recommendation (R1, R2, ...). Use the shortcut on a "
                "recommendation's announcement, or type `/consult R3`; `/recs` lists the references."
            )
        return f"R{match.group(1)}"

    def start_from_message(self, user: str, channel_id: str, message_ts: str, text: str) -> ConsultationView:
        """The message shortcut: a consultation on the recommendation the message is about."""
        return self.start(self.ref_for_message(channel_id, message_ts, text), user, channel_id)

    def start(
        self,
        ref: str,
        user: str,
        channel_id: str,
        *,
        deadline: datetime | None = None,
        now: datetime | None = None,
    ) -> ConsultationView:
        """Claims the recommendation's one open consultation; the root message is posted next."""
        now = now or utcnow()
        number = parse_ref(ref)
        if number is None:
            raise UnknownReference(ref.strip()[:20] or "(empty)")
        try:
            with self.db.session() as session:
                return self._start(session, number, user, channel_id, deadline, now)
        except IntegrityError:
            # Another request claimed it in the same instant: answer as for a second /consult.
            with self.db.session() as session:
                rec = RecommendationRepository(session).by_number(number)
                existing = ConsultationRepository(session).open_for(rec.id) if rec else None
                raise AlreadyInConsultation(
                    format_ref(number), existing.permalink if existing else None
                ) from None

    def _start(
        self,
        session: Session,
        number: int,
        user: str,
        channel_id: str,
        deadline: datetime | None,
        now: datetime,
    ) -> ConsultationView:
        _require_partner(session, user)
        rec = RecommendationRepository(session).by_number(number)
        if rec is None:
            raise UnknownReference(format_ref(number))
        if Status(rec.status) not in CONSULTABLE:
            raise NotConsultable(format_ref(number), Status(rec.status))
        repo = ConsultationRepository(session)
        existing = repo.open_for(rec.id)
        if existing is not None:
            if existing.message_ts is None and now - existing.opened_at > PENDING_START_TIMEOUT:
                repo.remove_pending(existing.id)
                session.flush()
            else:
                raise AlreadyInConsultation(format_ref(number), existing.permalink)
        deadline = deadline or default_deadline(
            now, self.settings.consult_deadline_days, self.settings.timezone
        )
        check_deadline(deadline, now)
        consultation = repo.add(
            Consultation(
                recommendation_id=rec.id,
                open_key=rec.id,
                status=ConsultationStatus.OPEN.value,
                version=rec.current_version,
                channel_id=channel_id,
                deadline=deadline,
                started_by=user,
                opened_at=now,
            )
        )
        return self._view(session, consultation)

    def attach(self, consultation_id: int, message_ts: str, permalink: str | None) -> ConsultationView:
        """The root message is posted: the thread is the consultation, the recommendation is in it."""
        with self.db.session() as session:
            consultation = _load(session, consultation_id)
            consultation.message_ts, consultation.permalink = message_ts, permalink
            consultation.recommendation.status = Status.IN_CONSULTATION.value
            _audit(
                session, consultation, consultation.started_by, "started", detail=f"v{consultation.version}"
            )
            return self._view(session, consultation)

    def set_permalink(self, consultation_id: int, permalink: str) -> None:
        with self.db.session() as session:
            _load(session, consultation_id).permalink = permalink

    def abandon(self, consultation_id: int) -> None:
        """The root message could not be posted: the claim goes, as if nothing had happened."""
        with self.db.session() as session:
            ConsultationRepository(session).remove_pending(consultation_id)

    def view(self, consultation_id: int) -> ConsultationView:
        with self.db.session() as session:
            return self._view(session, _load(session, consultation_id))

    def latest(self, ref: str) -> ConsultationView | None:
        """The recommendation's most recent consultation (open or closed), if it had one."""
        with self.db.session() as session:
            rec = _recommendation(session, ref)
            consultation = ConsultationRepository(session).latest_for(rec.id)
            return self._view(session, consultation) if consultation else None

    # -- positions --------------------------------------------------------------------------------

    def position_form(self, consultation_id: int, user: str) -> PositionForm:
        """What the position modal needs; refuses early who may not answer."""
        with self.db.session() as session:
            partner = _require_partner(session, user)
            consultation = _open(session, consultation_id)
            current = ConsultationRepository(session).position(consultation.id, partner.organisation)
            self._check_lock(session, current, partner)
            view = self._view(session, consultation)
            return PositionForm(
                view, partner.organisation, _position_view(current, consultation.version) if current else None
            )

    def record_position(
        self,
        consultation_id: int,
        user: str,
        draft: PositionDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> PositionView:
        """The member's answer becomes the organisation's current position (CONSULT_POSITION_RULE)."""
        now = now or utcnow()

        def write(session: Session) -> PositionView:
            partner = _require_partner(session, user)
            consultation = _open(session, consultation_id)
            current = ConsultationRepository(session).position(consultation.id, partner.organisation)
            self._check_lock(session, current, partner)
            return _set_position(
                session, consultation, partner, draft, by=partner, on_behalf=None, key=submission_key, now=now
            )

        return self._once(submission_key, consultation_id, write)

    def record_on_behalf(
        self,
        consultation_id: int,
        coordinator: str,
        draft: OnBehalfDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> PositionView:
        """A coordinator records a position given by e-mail or in a meeting; it goes to the audit trail."""
        now = now or utcnow()

        def write(session: Session) -> PositionView:
            by = _require_coordinator(session, coordinator)
            consultation = _open(session, consultation_id)
            members = [
                p
                for p in PartnerRepository(session).all()
                if organisation_key(p.organisation) == draft.organisation
            ]
            if not members:
                raise InvalidInput(
                    {"organisation": "Choose the organisation from the list of registered partners."}
                )
            view = _set_position(
                session,
                consultation,
                members[0],
                draft.position,
                by=by,
                on_behalf=draft.source,
                key=submission_key,
                now=now,
            )
            detail = f"{draft.position.position.value} on v{consultation.version}, given {draft.source}"
            _audit(
                session, consultation, coordinator, "position_on_behalf", view.organisation, detail, now=now
            )
            return view

        return self._once(submission_key, consultation_id, write)

    def confirm_position(
        self, consultation_id: int, user: str, now: datetime | None = None
    ) -> tuple[ConsultationView, PositionView]:
        """Keeps the organisation's position (same answer and reason) for the current version."""
        now = now or utcnow()
        with self.db.session() as session:
            partner = _require_partner(session, user)
            consultation = _open(session, consultation_id)
            current = ConsultationRepository(session).position(consultation.id, partner.organisation)
            if current is None:
                raise DomainError(
                    f"{partner.organisation} has no position on {_ref(consultation)} yet: "
                    "choose one with the buttons."
                )
            self._check_lock(session, current, partner)
            draft = PositionDraft(Position(current.position), current.reason)
            key = f"confirm:{consultation_id}:{current.id}:v{consultation.version}"
        if current.version == consultation.version:
            position = _position_view(current, consultation.version)
        else:
            position = self.record_position(consultation_id, user, draft, submission_key=key, now=now)
        return self.view(consultation_id), position

    def on_behalf_form(self, consultation_id: int, user: str) -> tuple[ConsultationView, list[str]]:
        """The open consultation and every registered organisation, for a coordinator."""
        with self.db.session() as session:
            _require_coordinator(session, user)
            view = self._view(session, _open(session, consultation_id))
            return view, sorted({p.organisation for p in PartnerRepository(session).all()}, key=str.casefold)

    def organisations(self) -> list[str]:
        """Every registered organisation (a coordinator may record a position for any of them)."""
        with self.db.session() as session:
            return sorted({p.organisation for p in PartnerRepository(session).all()}, key=str.casefold)

    def _once(
        self, key: str | None, consultation_id: int, write: Callable[[Session], PositionView]
    ) -> PositionView:
        """Writes a position once per submission key; a duplicate (or a lost race) reads the result."""
        for _ in range(3):
            try:
                with self.db.session() as session:
                    if key and (done := ConsultationRepository(session).history_by_key(key)) is not None:
                        return self._current_of(session, consultation_id, done.organisation)
                    return write(session)
            except IntegrityError:
                continue
        raise DomainError(
            "The position could not be saved because of simultaneous answers; please try again."
        )

    def _current_of(self, session: Session, consultation_id: int, organisation: str) -> PositionView:
        consultation = _load(session, consultation_id)
        row = ConsultationRepository(session).position(consultation_id, organisation)
        assert row is not None
        return _position_view(row, consultation.version)

    def _check_lock(self, session: Session, current: ConsultationPosition | None, partner: Partner) -> None:
        if self.rule is not PositionRule.FIRST_MEMBER_LOCKS or current is None:
            return
        if current.first_member in ("", partner.slack_user_id):
            return
        first = PartnerRepository(session).by_slack_id(current.first_member)
        name = first.name if first else "another member"
        raise NotAllowed(
            f"{name} gave {partner.organisation}'s position first, and in this consortium the first member "
            "to answer speaks for the organisation. Ask them, or a coordinator, to change it."
        )

    # -- amendments and versions ------------------------------------------------------------------

    def amendment_form(self, consultation_id: int, user: str) -> ConsultationView:
        with self.db.session() as session:
            _require_partner(session, user)
            return self._view(session, _open(session, consultation_id))

    def suggest(
        self,
        consultation_id: int,
        user: str,
        draft: AmendmentDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> tuple[AmendmentView, bool]:
        """Stores a suggested wording against the current version; a repeat returns the first one."""
        now = now or utcnow()
        try:
            with self.db.session() as session:
                repo = ConsultationRepository(session)
                if submission_key and (done := repo.amendment_by_key(submission_key)) is not None:
                    return _amendment_view(done), False
                partner = _require_partner(session, user)
                consultation = _open(session, consultation_id)
                amendment = repo.add_amendment(
                    ConsultationAmendment(
                        consultation_id=consultation.id,
                        version=consultation.version,
                        author=user,
                        author_name=partner.name,
                        organisation=partner.organisation,
                        text=draft.text,
                        note=draft.note,
                        created_at=now,
                        submission_key=submission_key,
                    )
                )
                return _amendment_view(amendment), True
        except IntegrityError:
            with self.db.session() as session:
                done = ConsultationRepository(session).amendment_by_key(submission_key or "")
                if done is None:
                    raise
                return _amendment_view(done), False

    def mark_amendment_posted(self, amendment_id: int, message_ts: str) -> None:
        with self.db.session() as session:
            amendment = ConsultationRepository(session).amendment(amendment_id)
            if amendment is not None:
                amendment.message_ts = message_ts

    def revision_form(self, consultation_id: int, user: str) -> RevisionForm:
        with self.db.session() as session:
            consultation = _open(session, consultation_id)
            _require_author_or_coordinator(session, consultation, user)
            view = self._view(session, consultation)
            suggestions = tuple(a for a in view.amendments if a.version == consultation.version)
            return RevisionForm(view, suggestions)

    def publish_revision(
        self,
        consultation_id: int,
        user: str,
        draft: RevisionDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> RevisionResult | None:
        """A new version: the recommendation is revised, earlier positions are kept but marked as
        about the old version, and their organisations are asked to confirm. None for a repeat."""
        now = now or utcnow()
        try:
            with self.db.session() as session:
                if submission_key and ConsultationRepository(session).audit_by_key(submission_key):
                    return None
                return self._publish(session, consultation_id, user, draft, submission_key, now)
        except IntegrityError:
            with self.db.session() as session:
                if submission_key and ConsultationRepository(session).audit_by_key(submission_key):
                    return None
            raise DomainError(
                "Someone published a version at the same moment. Close this form, read the thread, "
                "and publish again if your wording is still needed."
            ) from None

    def _publish(
        self,
        session: Session,
        consultation_id: int,
        user: str,
        draft: RevisionDraft,
        key: str | None,
        now: datetime,
    ) -> RevisionResult:
        consultation = _open(session, consultation_id)
        author = _require_author_or_coordinator(session, consultation, user)
        rec = consultation.recommendation
        if draft.title == rec.title and draft.text == rec.text:
            raise InvalidInput(
                {
                    "text": f"This is the wording of version {rec.current_version} already; "
                    "change it to publish a new version."
                }
            )
        old_version, old_text, old_title = rec.current_version, rec.text, rec.title
        new_version = old_version + 1
        rec.versions.append(
            RecommendationVersion(
                version=new_version,
                title=draft.title,
                text=draft.text,
                rationale=rec.rationale,
                author_id=author.id,
                created_at=now,
            )
        )
        rec.title, rec.text, rec.current_version = draft.title, draft.text, new_version
        rec.status = Status.REVISED.value
        consultation.version = new_version
        repo = ConsultationRepository(session)
        adopted = []
        for amendment in repo.amendments(consultation.id):
            if amendment.id in draft.adopted and amendment.adopted_in_version is None:
                amendment.adopted_in_version = new_version
                adopted.append(amendment.id)
        detail = f"v{old_version} -> v{new_version}" + (f": {draft.note}" if draft.note else "")
        entry = _audit(session, consultation, user, "version_published", detail=detail, now=now)
        entry.request_key = key
        session.flush()
        return RevisionResult(
            consultation=self._view(session, consultation),
            old_version=old_version,
            new_version=new_version,
            note=draft.note,
            diff=tuple(word_diff(old_text, draft.text)),
            title_changed=old_title != draft.title,
            author=user,
            confirm_requests=_confirm_requests(session, repo.positions(consultation.id)),
            adopted=tuple(adopted),
        )

    # -- closing ----------------------------------------------------------------------------------

    def close_form(self, consultation_id: int, user: str) -> ConsultationView:
        with self.db.session() as session:
            _require_coordinator(session, user)
            consultation = _load(session, consultation_id)
            _require_no_outcome(consultation)
            return self._view(session, consultation)

    def close(
        self,
        consultation_id: int,
        coordinator: str,
        draft: OutcomeDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> CloseResult | None:
        """Closes (if still open) with the coordinator's outcome; the recommendation's status follows.
        None for a repeated submission."""
        now = now or utcnow()
        with self.db.session() as session:
            repo = ConsultationRepository(session)
            if submission_key and repo.audit_by_key(submission_key):
                return None
            _require_coordinator(session, coordinator)
            consultation = _load(session, consultation_id)
            _require_no_outcome(consultation)
            closed_now = repo.claim_close(consultation.id, now, coordinator)
            if not repo.claim_outcome(
                consultation.id, now, coordinator, draft.outcome.value, draft.statement
            ):
                raise DomainError(
                    f"The outcome of {_ref(consultation)} was recorded a moment ago by someone else."
                )
            session.refresh(consultation)
            consultation.recommendation.status = draft.outcome.recommendation_status.value
            entry = _audit(session, consultation, coordinator, "outcome", detail=draft.outcome.value, now=now)
            entry.request_key = submission_key
            return CloseResult(self._view(session, consultation), closed_now)

    def close_due(self, now: datetime | None = None) -> list[ConsultationView]:
        """Closes every consultation whose deadline passed, each exactly once across processes."""
        now = now or utcnow()
        with self.db.session() as session:
            due = ConsultationRepository(session).due_for_closing(now)
        closed = []
        for consultation_id in due:
            with self.db.session() as session:
                if not ConsultationRepository(session).claim_close(consultation_id, now, DEADLINE_ACTOR):
                    continue
                consultation = _load(session, consultation_id)
                session.refresh(consultation)
                _audit(session, consultation, SCHEDULER_ACTOR, "closed_at_deadline", now=now)
                closed.append(self._view(session, consultation))
        return closed

    def claim_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Consultations whose deadline is near, each claimed once; with whom to remind."""
        now = now or utcnow()
        lead = timedelta(hours=self.settings.consult_reminder_hours)
        with self.db.session() as session:
            due = ConsultationRepository(session).due_for_reminder(now + lead, now)
        reminders = []
        for consultation_id in due:
            with self.db.session() as session:
                if not ConsultationRepository(session).claim_reminder(consultation_id, now):
                    continue
                view = self._view(session, _load(session, consultation_id))
                missing = set(view.without_position())
                recipients = tuple(
                    (p.slack_user_id, p.organisation)
                    for p in PartnerRepository(session).all()
                    if p.organisation in missing
                )
                _audit(
                    session,
                    _load(session, consultation_id),
                    SCHEDULER_ACTOR,
                    "reminder_sent",
                    detail=f"{len(missing)} organisations, {len(recipients)} people",
                    now=now,
                )
                reminders.append(Reminder(view, recipients))
        return reminders

    def coordinators(self) -> list[str]:
        with self.db.session() as session:
            return [p.slack_user_id for p in PartnerRepository(session).all() if p.role == Role.COORDINATOR]

    # -- comments ---------------------------------------------------------------------------------

    def record_message(
        self, message: ThreadMessage, bot_user_id: str | None, now: datetime | None = None
    ) -> bool:
        """A new reply in a consultation thread becomes a comment; True when something was stored."""
        if not message.is_human_reply(bot_user_id):
            return False
        now = now or utcnow()
        try:
            with self.db.session() as session:
                return self._upsert_comment(session, message, now, authoritative=False) != "none"
        except IntegrityError:
            # The same message delivered twice at once: the other delivery stored it.
            return False

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
        now = now or utcnow()
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
                return True
        except IntegrityError:
            # The message itself was stored at the same moment: mark that one.
            return self.record_deletion(channel_id, ts, None, bot_user_id, now)

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
                ConsultationComment(
                    consultation_id=consultation.id,
                    channel_id=message.channel_id,
                    ts=message.ts,
                    thread_ts=message.thread_ts,
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

    # -- reconciling with Slack ------------------------------------------------------------------

    def open_ids(self) -> list[int]:
        with self.db.session() as session:
            return ConsultationRepository(session).open_ids()

    def reconcile(
        self, consultation_id: int, fetch: ThreadFetcher, bot_user_id: str | None, now: datetime | None = None
    ) -> ReconcileReport:
        """Reads the whole thread and brings the comments in line: missed replies added, edits
        applied, and what is no longer there marked as deleted."""
        now = now or utcnow()
        with self.db.session() as session:
            consultation = _load(session, consultation_id)
            channel_id, root_ts, ref = consultation.channel_id, consultation.message_ts, _ref(consultation)
        if root_ts is None:
            return ReconcileReport(ref)
        try:
            replies = [thread_message(data, channel_id) for data in fetch(channel_id, root_ts)]
            newest = max((float(m.ts) for m in replies), default=float(root_ts))
        except ThreadNotFound:
            replies, newest = [], float("inf")
        seen = {m.ts for m in replies}
        added = edited = deleted = 0
        with self.db.session() as session:
            for message in replies:
                if message.is_human_reply(bot_user_id) and message.thread_ts == root_ts:
                    outcome = self._upsert_comment(session, message, now, authoritative=True)
                    added += outcome == "added"
                    edited += outcome == "edited"
            for comment in ConsultationRepository(session).comments(consultation_id):
                # A reply newer than the newest one read was posted while reading: not a deletion.
                if comment.deleted_at is None and comment.ts not in seen and float(comment.ts) <= newest:
                    comment.deleted_at = now
                    deleted += 1
            row = _load(session, consultation_id)
            row.last_reconciled_at = now
        return ReconcileReport(ref, added, edited, deleted)

    # -- what the digest and the export read ------------------------------------------------------

    def positions(self, ref: str) -> list[PositionView]:
        """Each organisation's current position on the recommendation (its latest consultation)."""
        with self.db.session() as session:
            rec = _recommendation(session, ref)
            consultation = ConsultationRepository(session).latest_for(rec.id)
            if consultation is None:
                return []
            rows = ConsultationRepository(session).positions(consultation.id)
            return [_position_view(row, consultation.version) for row in rows]

    def comments_since(self, ref: str, since: datetime) -> list[CommentView]:
        """Comments on the recommendation posted, edited or deleted since `since` (deleted ones marked)."""
        with self.db.session() as session:
            rec = _recommendation(session, ref)
            repo = ConsultationRepository(session)
            rows = repo.comments_of_recommendation_since(rec.id, since)
            permalinks = {c.id: c.permalink for c in repo.all() if c.recommendation_id == rec.id}
            return [
                _comment_view(row, format_ref(rec.number), permalinks.get(row.consultation_id))
                for row in rows
            ]

    def comments(self, consultation_id: int) -> list[CommentView]:
        with self.db.session() as session:
            consultation = _load(session, consultation_id)
            rows = ConsultationRepository(session).comments(consultation_id)
            return [_comment_view(row, _ref(consultation), consultation.permalink) for row in rows]

    def all(self) -> list[ConsultationView]:
        with self.db.session() as session:
            return [self._view(session, c) for c in ConsultationRepository(session).all() if c.message_ts]

    def _view(self, session: Session, consultation: Consultation) -> ConsultationView:
        repo = ConsultationRepository(session)
        rec = consultation.recommendation
        return ConsultationView(
            id=consultation.id,
            ref=format_ref(rec.number),
            title=rec.title,
            text=rec.text,
            recommendation_status=Status(rec.status),
            version=consultation.version,
            status=ConsultationStatus(consultation.status),
            channel_id=consultation.channel_id,
            message_ts=consultation.message_ts,
            permalink=consultation.permalink,
            deadline=consultation.deadline,
            opened_at=consultation.opened_at,
            started_by=consultation.started_by,
            proposer=rec.proposer.slack_user_id if rec.proposer else None,
            comments=repo.live_comment_count(consultation.id),
            positions=tuple(_position_view(p, consultation.version) for p in repo.positions(consultation.id)),
            amendments=tuple(_amendment_view(a) for a in repo.amendments(consultation.id)),
            organisations=_organisations(session),
            closed_at=consultation.closed_at,
            outcome=Outcome(consultation.outcome) if consultation.outcome else None,
            outcome_statement=consultation.outcome_statement,
            outcome_by=consultation.outcome_by,
        )

    def export_rows(self) -> ExportRows:
        with self.db.session() as session:
            repo = ConsultationRepository(session)
            consultations = [self._view(session, c) for c in repo.all() if c.message_ts]
            comments = [
                _comment_view(row, view.ref, view.permalink)
                for view in consultations
                for row in repo.comments(view.id)
            ]
            latest = {
                format_ref(c.recommendation.number): c.id
                for c in repo.latest_per_recommendation().values()
                if c.message_ts
            }
            return ExportRows(consultations, comments, latest, _audit_trail(session))


@dataclass(frozen=True)
class ExportRows:
    consultations: list[ConsultationView]
    comments: list[CommentView]
    # Recommendation reference -> id of its latest consultation (whose positions it carries).
    latest: dict[str, int]
    audit: list[AuditEntry]


# -- helpers (called inside a session) -----------------------------------------------------------


def _ref(consultation: Consultation) -> str:
    return format_ref(consultation.recommendation.number)


def _audit_trail(session: Session) -> list[AuditEntry]:
    """Every position given (who, on which version, for whom) and every other action, oldest first."""
    repo = ConsultationRepository(session)
    refs = {c.id: _ref(c) for c in repo.all()}
    entries = []
    for row in repo.history():
        detail = f"{row.position} on v{row.version}" + (f": {row.reason}" if row.reason else "")
        if row.on_behalf_by:
            detail += f" (recorded by a coordinator, given {row.source})"
        entries.append(
            AuditEntry(
                refs[row.consultation_id], row.set_at, row.set_by, "position", row.organisation, detail
            )
        )
    for entry in repo.audit():
        entries.append(
            AuditEntry(
                refs[entry.consultation_id],
                entry.at,
                entry.actor,
                entry.action,
                entry.organisation,
                entry.detail,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def _load(session: Session, consultation_id: int) -> Consultation:
    consultation = ConsultationRepository(session).get(consultation_id)
    if consultation is None:
        raise UnknownConsultation()
    return consultation


def _open(session: Session, consultation_id: int) -> Consultation:
    consultation = _load(session, consultation_id)
    if consultation.status != ConsultationStatus.OPEN.value:
        raise ConsultationClosed(_ref(consultation))
    return consultation


def _recommendation(session: Session, ref: str) -> Recommendation:
    number = parse_ref(ref)
    rec = RecommendationRepository(session).by_number(number) if number is not None else None
    if rec is None:
        raise UnknownReference(ref.strip()[:20] or "(empty)")
    return rec


def _require_partner(session: Session, user: str) -> Partner:
    partner = PartnerRepository(session).by_slack_id(user)
    if partner is None:
        raise NotRegistered()
    return partner


def _require_coordinator(session: Session, user: str) -> Partner:
    partner = _require_partner(session, user)
    if partner.role != Role.COORDINATOR.value:
        raise NotAllowed("Only a coordinator can do this. Ask your coordinator if it needs doing.")
    return partner


def _require_author_or_coordinator(session: Session, consultation: Consultation, user: str) -> Partner:
    partner = _require_partner(session, user)
    proposer = consultation.recommendation.proposer
    if partner.role != Role.COORDINATOR.value and (proposer is None or proposer.slack_user_id != user):
        raise NotAllowed(
            f"Only the author of {_ref(consultation)} or a coordinator can publish a new version. "
            "Use *Suggest wording* to propose yours."
        )
    return partner


def _require_no_outcome(consultation: Consultation) -> None:
    if consultation.outcome is not None:
        raise DomainError(
            f"The consultation on {_ref(consultation)} is already closed: "
            f"{Outcome(consultation.outcome).label.lower()}."
        )


def _members(session: Session, organisation: str) -> list[Partner]:
    return [p for p in PartnerRepository(session).all() if p.organisation == organisation]


def _organisations(session: Session) -> tuple[str, ...]:
    """The organisations expected to answer: those with at least one member of role partner."""
    partners = PartnerRepository(session).all()
    return tuple(sorted({p.organisation for p in partners if p.role == Role.PARTNER.value}, key=str.casefold))


def _audit(
    session: Session,
    consultation: Consultation,
    actor: str,
    action: str,
    organisation: str | None = None,
    detail: str = "",
    *,
    now: datetime | None = None,
) -> ConsultationAudit:
    return ConsultationRepository(session).add_audit(
        ConsultationAudit(
            consultation_id=consultation.id,
            at=now or utcnow(),
            actor=actor,
            action=action,
            organisation=organisation,
            detail=detail,
        )
    )


def _set_position(
    session: Session,
    consultation: Consultation,
    member: Partner,
    draft: PositionDraft,
    *,
    by: Partner,
    on_behalf: str | None,
    key: str | None,
    now: datetime,
) -> PositionView:
    """Writes the organisation's current position and one history row."""
    repo = ConsultationRepository(session)
    row = repo.position(consultation.id, member.organisation)
    recorded_by_coordinator = on_behalf is not None
    if row is None:
        row = ConsultationPosition(
            consultation_id=consultation.id,
            organisation=member.organisation,
            first_member="" if recorded_by_coordinator else by.slack_user_id,
        )
    row.region, row.country = member.region, member.country
    row.position, row.reason, row.version = draft.position.value, draft.reason, consultation.version
    row.set_by, row.set_by_name, row.set_at = by.slack_user_id, by.name, now
    row.on_behalf_by = by.slack_user_id if recorded_by_coordinator else None
    row.on_behalf_by_name = by.name if recorded_by_coordinator else None
    row.source = on_behalf
    history = ConsultationPositionHistory(
        consultation_id=consultation.id,
        organisation=member.organisation,
        position=draft.position.value,
        reason=draft.reason,
        version=consultation.version,
        set_by=by.slack_user_id,
        on_behalf_by=by.slack_user_id if recorded_by_coordinator else None,
        source=on_behalf,
        set_at=now,
        submission_key=key,
    )
    repo.add_position(row, history)
    return _position_view(row, consultation.version)


def _confirm_requests(
    session: Session, positions: Iterable[ConsultationPosition]
) -> tuple[ConfirmRequest, ...]:
    """Who is asked about each organisation's position after a new version: the member who gave it,
    or every member when a coordinator recorded it for them."""
    requests: list[ConfirmRequest] = []
    for row in positions:
        if row.on_behalf_by is None:
            people = [row.set_by]
        else:
            people = [p.slack_user_id for p in _members(session, row.organisation)]
        requests.extend(
            ConfirmRequest(user, row.organisation, Position(row.position), row.version) for user in people
        )
    return tuple(requests)


def _position_view(row: ConsultationPosition, consultation_version: int) -> PositionView:
    return PositionView(
        organisation=row.organisation,
        region=row.region,
        country=row.country,
        position=Position(row.position),
        reason=row.reason,
        version=row.version,
        consultation_version=consultation_version,
        set_by=row.set_by,
        set_by_name=row.set_by_name,
        set_at=row.set_at,
        on_behalf_by=row.on_behalf_by,
        on_behalf_by_name=row.on_behalf_by_name,
        source=row.source,
    )


def _amendment_view(row: ConsultationAmendment) -> AmendmentView:
    return AmendmentView(
        id=row.id,
        version=row.version,
        author=row.author,
        author_name=row.author_name,
        organisation=row.organisation,
        text=row.text,
        note=row.note,
        created_at=row.created_at,
        adopted_in_version=row.adopted_in_version,
    )


def _comment_view(row: ConsultationComment, ref: str, root_permalink: str | None) -> CommentView:
    return CommentView(
        id=row.id,
        ref=ref,
        channel_id=row.channel_id,
        ts=row.ts,
        thread_ts=row.thread_ts,
        author=row.author,
        author_name=row.author_name,
        organisation=row.organisation,
        region=row.region,
        country=row.country,
        text=row.text,
        files=tuple(FileRef(str(f.get("name", "")), str(f.get("permalink", ""))) for f in row.files or []),
        permalink=reply_permalink(root_permalink, row.channel_id, row.ts, row.thread_ts),
        posted_at=row.posted_at,
        edited_at=row.edited_at,
        deleted_at=row.deleted_at,
    )
