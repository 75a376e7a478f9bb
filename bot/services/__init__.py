"""The domain services, wired together once per process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.services.audit import AuditService
from bot.services.consensus import ConsensusService
from bot.services.consensus_export import consensus_contributor
from bot.services.consultations import ConsultationService
from bot.services.data_rights import DataRightsService
from bot.services.digest import DigestService
from bot.services.exports import ExportService, consultation_contributor, poll_contributor
from bot.services.partners import PartnerService
from bot.services.polls import PollService
from bot.services.recommendations import RecommendationService
from bot.services.summaries import SummaryService
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    partners: PartnerService
    recommendations: RecommendationService
    export: ExportService
    consultations: ConsultationService
    polls: PollService
    digest: DigestService
    consensus: ConsensusService
    audit: AuditService
    data_rights: DataRightsService


def build_services(settings: Settings, db: Database | None = None) -> Services:
    db = db or Database(settings.database_url)
    partners = PartnerService(db)
    recommendations = RecommendationService(db)
    consultations = ConsultationService(db, settings)
    polls = PollService(db, partners, reminder_lead=timedelta(hours=settings.poll_reminder_hours))
    summaries = SummaryService(db, settings)
    audit = AuditService(db)
    services = Services(
        settings=settings,
        db=db,
        partners=partners,
        recommendations=recommendations,
        export=ExportService(partners, recommendations, audit),
        consultations=consultations,
        polls=polls,
        digest=DigestService(db, settings, partners, recommendations, polls, summaries),
        consensus=ConsensusService(db, settings, partners, recommendations),
        audit=audit,
        data_rights=DataRightsService(db, settings.data_retention_days),
    )
    services.export.contributors.append(consultation_contributor(consultations))
    services.export.contributors.append(poll_contributor(services.polls))
    services.export.contributors.append(consensus_contributor(services.consensus))
    return services
