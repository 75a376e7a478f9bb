"""Data rights: a person's data as JSON, their erasure, and the retention period.

Erasure keeps every row and replaces who and what: the Slack id becomes a pseudonym, the name
`Erased partner`, comments' text and files a marker. Positions stay their organisation's and every
count and consensus figure stays as it was.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.errors import DomainError, NotAllowed
from bot.domain.partners import Role
from bot.domain.recommendations import format_ref
from bot.services.audit import record
from storage.db import Database
from storage.models import utcnow
from storage.repositories.personal_data import (
    PersonalDataRepository,
    erase_comment,
    unlink_ballot,
)

ERASED_NAME = "Erased partner"
ERASED_MARKER = "[erased at the person's request]"
RETENTION_MARKER = "[erased after the retention period]"
PSEUDONYM_PREFIX = "erased-"
RETAINED_PREFIX = "retained-"
# Who gave an organisation's position, once the retention period is over.
FORMER_MEMBER = "A member of the organisation"
# Who acts when the command line or the scheduler does it (the audit log's actor).
OPERATOR = "operator"
RETENTION_ACTOR = "retention"


class UnknownPerson(DomainError):
    def __init__(self, slack_id: str, *, oneself: bool = False) -> None:
        if oneself:
            super().__init__(
                "The bot holds nothing about you: you are not a registered partner and it has stored no "
                "comment of yours. Nothing was changed."
            )
            return
        super().__init__(
            f"There is no partner or comment author with the Slack id {slack_id[:40]}; nothing was changed. "
            "`consult-bot partners list` shows the partners' ids."
        )


@dataclass(frozen=True)
class Person:
    """Who an erasure would affect, for the confirmation."""

    slack_id: str
    name: str | None
    organisation: str | None
    comments: int


@dataclass(frozen=True)
class ErasureReport:
    pseudonym: str
    erased: Mapping[str, int]

    def describe(self) -> str:
        counts = ", ".join(f"{n} {kind}" for kind, n in self.erased.items() if n) or "no comments or reasons"
        return f"erased as {self.pseudonym}: {counts} replaced by a marker; positions and counts kept"


@dataclass(frozen=True)
class RetentionReport:
    comments: int = 0
    files: int = 0
    answers: int = 0
    reasons: int = 0
    positions: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.comments or self.answers or self.positions)


class DataRightsService:
    def __init__(self, db: Database, retention_days: int | None = None) -> None:
        self.db = db
        self.retention_days = retention_days

    def export_data(self, slack_id: str, *, requester: str | None = None) -> dict[str, Any]:
        """Everything stored about the person; `requester` None is the operator at the command line."""
        with self.db.session() as session:
            _check_requester(session, requester, slack_id, "a copy of someone else's data")
            repo = PersonalDataRepository(session)
            partner = repo.partner(slack_id)
            comments = repo.comments(slack_id)
            if partner is None and not comments:
                raise UnknownPerson(slack_id, oneself=requester == slack_id)
            data = _personal_data(repo, slack_id, partner)
            record(session, requester or OPERATOR, "export personal data", slack_id)
            return data

    def require_coordinator(self, user: str) -> None:
        """Only coordinators erase others (they pick whom in the confirmation)."""
        with self.db.session() as session:
            _require_coordinator(session, user, "erasing someone else")

    def person_to_erase(self, slack_id: str, *, requester: str) -> Person:
        """The person, once the requester may erase them (a coordinator, or themselves)."""
        with self.db.session() as session:
            _check_requester(session, requester, slack_id, "erasing someone else")
            repo = PersonalDataRepository(session)
            partner = repo.partner(slack_id)
            comments = len(repo.comments(slack_id))
            if partner is None and not comments:
                raise UnknownPerson(slack_id, oneself=requester == slack_id)
            return Person(
                slack_id,
                partner.name if partner else None,
                partner.organisation if partner else None,
                comments,
            )

    def erase(
        self, slack_id: str, *, requester: str | None = None, now: datetime | None = None
    ) -> ErasureReport:
        """Erases the person (see the module's docstring); an unknown id raises and changes nothing."""
        with self.db.session() as session:
            _check_requester(session, requester, slack_id, "erasing someone else")
            repo = PersonalDataRepository(session)
            if repo.partner(slack_id) is None and not repo.comments(slack_id):
                raise UnknownPerson(slack_id)
            pseudonym = PSEUDONYM_PREFIX + secrets.token_hex(6)
            erased = repo.pseudonymise(slack_id, pseudonym, ERASED_NAME, ERASED_MARKER)
            report = ErasureReport(pseudonym, dict(erased))
            actor = pseudonym if requester == slack_id else requester or OPERATOR
            record(session, actor, "erase", pseudonym, report.describe(), now=now)
            return report

    def apply_retention(self, now: datetime | None = None) -> RetentionReport:
        """With a retention period: comment texts and attributed answers of consultations and polls
        closed longer ago are erased as for a person (counts stay). Without one: nothing."""
        if self.retention_days is None:
            return RetentionReport()
        now = now or utcnow()
        cutoff = now - timedelta(days=self.retention_days)
        with self.db.session() as session:
            repo = PersonalDataRepository(session)
            counts: Counter[str] = Counter()
            for comment in repo.comments_closed_before(cutoff, RETENTION_MARKER):
                counts["files"] += erase_comment(comment, RETENTION_MARKER)
                counts["comments"] += 1
            counts["positions"] = repo.unlink_positions_closed_before(cutoff, RETAINED_PREFIX, FORMER_MEMBER)
            for ballot in repo.attributed_ballots_closed_before(cutoff, RETAINED_PREFIX):
                counts["reasons"] += unlink_ballot(
                    ballot, RETAINED_PREFIX + secrets.token_hex(8), RETENTION_MARKER
                )
                counts["answers"] += 1
            report = RetentionReport(**counts)
            if report.changed:
                detail = (
                    f"{report.comments} comments ({report.files} files), {report.answers} attributed "
                    f"answers ({report.reasons} reasons) and the authors of {report.positions} positions, "
                    f"closed before {cutoff:%Y-%m-%d}"
                )
                record(session, RETENTION_ACTOR, "retention", f"{self.retention_days} days", detail, now=now)
            return report


def _check_requester(session: Session, requester: str | None, subject: str, what: str) -> None:
    """Anyone for themselves, the operator (None) and coordinators for anyone."""
    if requester is not None and requester != subject:
        _require_coordinator(session, requester, what)


def _require_coordinator(session: Session, requester: str, what: str) -> None:
    partner = PersonalDataRepository(session).partner(requester)
    if partner is None or partner.role != Role.COORDINATOR.value:
        raise NotAllowed(
            f"Only a coordinator can ask for {what}. For yourself, use `/privacy` (a copy of your data) "
            "or `/privacy erase me`."
        )


def _personal_data(repo: PersonalDataRepository, slack_id: str, partner: Any) -> dict[str, Any]:
    return {
        "slack_user_id": slack_id,
        "partner": _partner(partner) if partner else None,
        "proposals": [_proposal(r) for r in (repo.proposals(partner.id) if partner else [])],
        "comments": [_comment(c, n) for c, n in repo.comments(slack_id)],
        "positions": [_position(p, n, slack_id) for p, n in repo.positions_given(slack_id)],
        "suggested_wordings": [_wording(a, n) for a, n in repo.amendments(slack_id)],
        "poll_answers": [_poll_answer(b.answer, poll) for b, poll in repo.attributed_answers(slack_id)],
        "audit": [_audit(e.at, e.actor, e.action, e.subject, e.detail) for e in repo.audit_entries(slack_id)]
        + [
            _audit(e.at, e.actor, f"consultation {e.action}", format_ref(n), e.detail)
            for e, n in repo.consultation_actions(slack_id)
        ],
    }


def _partner(partner: Any) -> dict[str, Any]:
    return {
        "name": partner.name,
        "organisation": partner.organisation,
        "region": partner.region,
        "country": partner.country,
        "role": partner.role,
        "registered_at": _iso(partner.created_at),
    }


def _proposal(rec: Any) -> dict[str, Any]:
    return {
        "ref": format_ref(rec.number),
        "title": rec.title,
        "text": rec.text,
        "rationale": rec.rationale,
        "status": rec.status,
        "created_at": _iso(rec.created_at),
    }


def _comment(comment: Any, number: int) -> dict[str, Any]:
    return {
        "ref": format_ref(number),
        "ts": comment.ts,
        "text": comment.text,
        "files": list(comment.files or []),
        "organisation": comment.organisation,
        "posted_at": _iso(comment.posted_at),
        "deleted_at": _iso(comment.deleted_at),
    }


def _position(position: Any, number: int, slack_id: str) -> dict[str, Any]:
    return {
        "ref": format_ref(number),
        "organisation": position.organisation,
        "position": position.position,
        "reason": position.reason,
        "version": position.version,
        "recorded_by_you_as_coordinator": position.on_behalf_by == slack_id,
        "set_at": _iso(position.set_at),
    }


def _wording(amendment: Any, number: int) -> dict[str, Any]:
    return {
        "ref": format_ref(number),
        "version": amendment.version,
        "text": amendment.text,
        "note": amendment.note,
        "created_at": _iso(amendment.created_at),
    }


def _audit(at: datetime, actor: str, action: str, subject: str, detail: str) -> dict[str, Any]:
    return {"at": _iso(at), "actor": actor, "action": action, "subject": subject, "detail": detail}


def _poll_answer(answer: Mapping[str, Any], poll: Any) -> dict[str, Any]:
    options: list[str] = list(poll.options)

    def label(index: object) -> str:
        position = int(str(index))
        return options[position] if 0 <= position < len(options) else "the answer as a whole"

    return {
        "poll": f"P{poll.number}",
        "question": poll.question,
        "choices": [label(i) for i in answer.get("choices") or []],
        "ratings": {label(k): v for k, v in (answer.get("ratings") or {}).items()},
        "reasons": {label(k): v for k, v in (answer.get("reasons") or {}).items()},
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
