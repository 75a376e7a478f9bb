from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Partner


class PartnerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_slack_id(self, slack_user_id: str) -> Partner | None:
        return self.session.scalar(select(Partner).where(Partner.slack_user_id == slack_user_id))

    def all(self) -> Sequence[Partner]:
        return self.session.scalars(
            select(Partner).order_by(Partner.country, Partner.organisation, Partner.name)
        ).all()

    def by_organisations(self, organisations: Sequence[str]) -> Sequence[Partner]:
        return self.session.scalars(select(Partner).where(Partner.organisation.in_(organisations))).all()

    def by_slack_ids(self, slack_user_ids: Sequence[str]) -> dict[str, Partner]:
        rows = self.session.scalars(select(Partner).where(Partner.slack_user_id.in_(slack_user_ids)))
        return {row.slack_user_id: row for row in rows}

    def details(self, slack_user_ids: Sequence[str]) -> list[tuple[str, str, str, str, str, str]]:
        """(Slack user id, name, organisation, region, country, role) of each: plain rows, quicker to
        read than partners."""
        query = select(
            Partner.slack_user_id,
            Partner.name,
            Partner.organisation,
            Partner.region,
            Partner.country,
            Partner.role,
        ).where(Partner.slack_user_id.in_(slack_user_ids))
        return [(u, n, o, r, c, role) for u, n, o, r, c, role in self.session.execute(query)]

    def add(self, partner: Partner) -> Partner:
        self.session.add(partner)
        return partner
