"""One person's data: read for `export-data`, erased for `erase` and the retention job.

Erasure replaces people's words by a marker and their identifier by a pseudonym.

Every row keeps its place, so counts, positions per organisation and consensus figures stay as
they were; only who said it, and what they wrote, go.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import (
    AuditLogEntry,
    Consultation,
    ConsultationAmendment,
    ConsultationAudit,
    ConsultationComment,
    ConsultationPosition,
    ConsultationPositionHistory,
    Digest,
    DigestDelivery,
    Partner,
    Poll,
    PollAudience,
    PollBallot,
    PollRespondent,
    Recommendation,
    SummaryCacheEntry,
)

# Columns that hold a Slack user id: each is rewritten to the pseudonym.
_PERSON_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    ConsultationComment.author,
    ConsultationPosition.set_by,
    ConsultationPosition.first_member,
    ConsultationPosition.on_behalf_by,
    ConsultationPositionHistory.set_by,
    ConsultationPositionHistory.on_behalf_by,
    ConsultationAmendment.author,
    ConsultationAudit.actor,
    Consultation.started_by,
    Consultation.closed_by,
    Consultation.outcome_by,
    Poll.creator_slack_id,
    PollAudience.slack_user_id,
    PollRespondent.slack_user_id,
    DigestDelivery.recipient,
    AuditLogEntry.actor,
    AuditLogEntry.subject,
)


class PersonalDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading -----------------------------------------------------------------------------------

    def partner(self, slack_id: str) -> Partner | None:
        return self.session.scalar(select(Partner).where(Partner.slack_user_id == slack_id))

    def proposals(self, partner_id: int) -> Sequence[Recommendation]:
        return self.session.scalars(
            select(Recommendation)
            .where(Recommendation.proposer_id == partner_id)
            .order_by(Recommendation.number)
        ).all()

    def comments(self, slack_id: str) -> list[tuple[ConsultationComment, int]]:
        """The person's comments, each with its recommendation's number."""
        return self._with_number(ConsultationComment, ConsultationComment.author == slack_id)

    def positions_given(self, slack_id: str) -> list[tuple[ConsultationPositionHistory, int]]:
        return self._with_number(
            ConsultationPositionHistory,
            (ConsultationPositionHistory.set_by == slack_id)
            | (ConsultationPositionHistory.on_behalf_by == slack_id),
        )

    def amendments(self, slack_id: str) -> list[tuple[ConsultationAmendment, int]]:
        return self._with_number(ConsultationAmendment, ConsultationAmendment.author == slack_id)

    def consultation_actions(self, slack_id: str) -> list[tuple[ConsultationAudit, int]]:
        return self._with_number(ConsultationAudit, ConsultationAudit.actor == slack_id)

    def attributed_answers(self, slack_id: str) -> list[tuple[PollBallot, Poll]]:
        """The person's answers in attributed polls (an anonymous poll's ballots name nobody)."""
        query = (
            select(PollBallot, Poll)
            .join(Poll, Poll.id == PollBallot.poll_id)
            .where(Poll.anonymous.is_(False), PollBallot.voter_key == slack_id)
            .order_by(Poll.number)
        )
        return [(ballot, poll) for ballot, poll in self.session.execute(query)]

    def audit_entries(self, slack_id: str) -> Sequence[AuditLogEntry]:
        return self.session.scalars(
            select(AuditLogEntry)
            .where((AuditLogEntry.actor == slack_id) | (AuditLogEntry.subject == slack_id))
            .order_by(AuditLogEntry.at, AuditLogEntry.id)
        ).all()

    def _with_number(self, model: Any, condition: Any) -> list[Any]:
        query = (
            select(model, Recommendation.number)
            .join(Consultation, Consultation.id == model.consultation_id)
            .join(Recommendation, Recommendation.id == Consultation.recommendation_id)
            .where(condition)
            .order_by(model.id)
        )
        return [(row, number) for row, number in self.session.execute(query)]

    # -- erasing -----------------------------------------------------------------------------------

    def pseudonymise(self, slack_id: str, pseudonym: str, name: str, marker: str) -> Counter[str]:
        """Replaces the person everywhere; returns what was erased, by kind."""
        erased: Counter[str] = Counter()
        partner = self.partner(slack_id)
        old_name = partner.name if partner else None
        for comment in self.session.scalars(
            select(ConsultationComment).where(ConsultationComment.author == slack_id)
        ):
            erased["comments"] += 1
            erased["files"] += len(comment.files or [])
            _erase_comment(comment, marker)
            comment.author_name = name if comment.author_name is not None else None
        for amendment in self.session.scalars(
            select(ConsultationAmendment).where(ConsultationAmendment.author == slack_id)
        ):
            amendment.author_name = name
            amendment.note = marker if amendment.note else ""
        self._rename(ConsultationPosition.set_by, ConsultationPosition.set_by_name, slack_id, name)
        self._rename(
            ConsultationPosition.on_behalf_by, ConsultationPosition.on_behalf_by_name, slack_id, name
        )
        for ballot in self.session.scalars(select(PollBallot).where(PollBallot.voter_key == slack_id)):
            erased["poll reasons"] += _erase_reasons(ballot, marker)
            ballot.voter_key = pseudonym
        for column in _PERSON_COLUMNS:
            self.session.execute(
                update(column.class_).where(column == slack_id).values({column.key: pseudonym})
            )
        if old_name:
            self._rename_in_digests(old_name, name)
        # Cached summaries may quote the person; they are rebuilt from what remains when needed.
        self.session.execute(delete(SummaryCacheEntry))
        if partner is not None:
            partner.slack_user_id, partner.name = pseudonym, name
        return erased

    def _rename_in_digests(self, old_name: str, name: str) -> None:
        """Stored digests (`/digest past`) stop naming the person."""
        for digest in self.session.scalars(select(Digest)):
            digest.markdown = digest.markdown.replace(old_name, name)
            digest.headline = digest.headline.replace(old_name, name)
            digest.content = _replace_in_json(digest.content, old_name, name)

    def _rename(
        self,
        id_column: InstrumentedAttribute[Any],
        name_column: InstrumentedAttribute[Any],
        slack_id: str,
        name: str,
    ) -> None:
        self.session.execute(
            update(id_column.class_).where(id_column == slack_id).values({name_column.key: name})
        )

    def comments_closed_before(self, cutoff: datetime, marker: str) -> Iterable[ConsultationComment]:
        """Comments of consultations closed before `cutoff` whose text is not erased yet."""
        return self.session.scalars(
            select(ConsultationComment)
            .join(Consultation, Consultation.id == ConsultationComment.consultation_id)
            .where(Consultation.closed_at.is_not(None), Consultation.closed_at < cutoff)
            .where(ConsultationComment.text != marker)
        ).all()

    def attributed_ballots_closed_before(self, cutoff: datetime, prefix: str) -> Iterable[PollBallot]:
        """Ballots of attributed polls closed before `cutoff`, still linked to their voter."""
        return self.session.scalars(
            select(PollBallot)
            .join(Poll, Poll.id == PollBallot.poll_id)
            .where(Poll.anonymous.is_(False), Poll.closed_at.is_not(None), Poll.closed_at < cutoff)
            .where(PollBallot.voter_key.not_like(f"{prefix}%"))
        ).all()

    def unlink_positions_closed_before(self, cutoff: datetime, prefix: str, name: str) -> int:
        """Positions of consultations closed before `cutoff` stop naming the member who gave them
        (they stay their organisation's); returns how many current positions were unlinked."""
        closed = select(Consultation.id).where(
            Consultation.closed_at.is_not(None), Consultation.closed_at < cutoff
        )
        unlinked = 0
        # A position a coordinator recorded names the coordinator's action, not a member's answer.
        for position in self.session.scalars(
            select(ConsultationPosition)
            .where(ConsultationPosition.consultation_id.in_(closed))
            .where(ConsultationPosition.on_behalf_by.is_(None))
            .where(ConsultationPosition.set_by.not_like(f"{prefix}%"))
        ).all():
            pseudonym = f"{prefix}{position.id}"
            self.session.execute(
                update(ConsultationPositionHistory)
                .where(ConsultationPositionHistory.consultation_id == position.consultation_id)
                .where(ConsultationPositionHistory.organisation == position.organisation)
                .where(ConsultationPositionHistory.on_behalf_by.is_(None))
                .values(set_by=pseudonym)
            )
            position.set_by, position.set_by_name, position.first_member = pseudonym, name, pseudonym
            unlinked += 1
        return unlinked


def erase_comment(comment: ConsultationComment, marker: str) -> int:
    """The comment's text and files become the marker; returns how many files went."""
    files = len(comment.files or [])
    _erase_comment(comment, marker)
    return files


def _erase_comment(comment: ConsultationComment, marker: str) -> None:
    comment.text = marker
    comment.files = []


def unlink_ballot(ballot: PollBallot, pseudonym: str, marker: str) -> int:
    """The ballot no longer says whose it is; its reasons become the marker. Returns reasons erased."""
    erased = _erase_reasons(ballot, marker)
    ballot.voter_key = pseudonym
    return erased


def _erase_reasons(ballot: PollBallot, marker: str) -> int:
    reasons = dict(ballot.answer.get("reasons") or {})
    written = [key for key, text in reasons.items() if text]
    if written:
        ballot.answer = {**ballot.answer, "reasons": {key: marker for key in written}}
    return len(written)


def _replace_in_json(value: Any, old: str, new: str) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False).replace(_json_text(old), _json_text(new)))


def _json_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]
