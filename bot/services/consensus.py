"""Consensus figures of the recommendations as they stand now (for `/recs`, the export, the digest)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.config import Settings
from bot.domain.consensus.recommendations import RecommendationFigures, recommendation_figures
from bot.domain.consensus.thresholds import Organisation, OrgStance, Stance
from bot.domain.consultations.kinds import Position
from bot.domain.partners import PartnerInfo, Role
from bot.domain.recommendations import Page
from bot.services.consensus_settings import thresholds_from
from bot.services.partners import PartnerService
from bot.services.recommendations import RecommendationService
from storage.db import Database
from storage.models import ConsultationPosition
from storage.repositories.digests import DigestRepository

STANCES = {
    Position.AGREE: Stance.SUPPORT,
    Position.AGREE_WITH_CHANGES: Stance.SUPPORT,
    Position.DISAGREE: Stance.OPPOSE,
    Position.BLOCK: Stance.BLOCK,
    Position.ABSTAIN: Stance.ABSTAIN,
}


def registered_organisations(partners: Iterable[PartnerInfo]) -> list[Organisation]:
    """Organisations with at least one member of role partner: the denominator of coverage."""
    found = {
        p.organisation: Organisation(p.organisation, p.region, p.country)
        for p in partners
        if p.role is Role.PARTNER
    }
    return [found[name] for name in sorted(found)]


def stances(positions: Iterable[ConsultationPosition], registered: Sequence[Organisation]) -> list[OrgStance]:
    known = {org.name: org for org in registered}
    return [
        OrgStance(
            known.get(p.organisation) or Organisation(p.organisation, p.region, p.country),
            STANCES[Position(p.position)],
        )
        for p in positions
    ]


class ConsensusService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        partners: PartnerService,
        recommendations: RecommendationService,
    ) -> None:
        self.db = db
        self.partners = partners
        self.recommendations = recommendations
        self.thresholds = thresholds_from(settings)

    def figures(self, refs: Iterable[str] | None = None) -> dict[str, RecommendationFigures]:
        """Figures from each recommendation's latest consultation (zeros where nobody answered)."""
        wanted = None if refs is None else set(refs)
        registered = registered_organisations(self.partners.all())
        with self.db.session() as session:
            repo = DigestRepository(session)
            latest = {f"R{c.recommendation.number}": c.id for c in repo.latest_consultations()}
            ids = [cid for ref, cid in latest.items() if wanted is None or ref in wanted]
            by_consultation: dict[int, list[ConsultationPosition]] = {cid: [] for cid in ids}
            for position in repo.positions(ids):
                by_consultation[position.consultation_id].append(position)
        refs_now = [r.ref for r in self.recommendations.all()] if wanted is None else sorted(wanted)
        return {
            ref: recommendation_figures(
                stances(by_consultation.get(latest.get(ref, -1), []), registered), registered, self.thresholds
            )
            for ref in refs_now
        }

    def page(self, number: int, size: int) -> Page:
        """A page of `/recs` with each listed recommendation's figures."""
        page = self.recommendations.page(number, size)
        return replace(page, consensus=self.figures(rec.ref for rec in page.items))
