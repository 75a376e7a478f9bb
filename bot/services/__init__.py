"""The domain services, wired together once per process around the outbound port they are given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.services.audit import AuditService
from bot.services.bridging import BridgingService
from bot.services.bridging_drafts import DraftingService
from bot.services.consensus import ConsensusService
from bot.services.consensus_export import consensus_contributor
from bot.services.consultations import ConsultationService
from bot.services.data_rights import DataRightsService
from bot.services.digest import DigestService
from bot.services.digest_delivery import DigestDelivery
from bot.services.exports import ExportService, consultation_contributor, poll_contributor
from bot.services.exports.bridging import bridging_contributor
from bot.services.home import HomeService
from bot.services.partners import PartnerService
from bot.services.polls import PollService
from bot.services.ports import Outbound
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
    digest_delivery: DigestDelivery
    consensus: ConsensusService
    home: HomeService
    audit: AuditService
    data_rights: DataRightsService
    bridging: BridgingService
    # What the bot tells Slack on its own initiative (bot/services/ports.py).
    outbound: Outbound


def build_services(settings: Settings, outbound: Outbound, db: Database | None = None) -> Services:
    db = db or Database(settings.database_url)
    partners = PartnerService(db)
    recommendations = RecommendationService(db)
    consultations = ConsultationService(
        db, settings, outbound, outbound, retry_after_failure=settings.slack_retry_later_seconds
    )
    polls = PollService(
        db,
        partners,
        outbound,
        reminder_lead=timedelta(hours=settings.poll_reminder_hours),
        retry_after_failure=settings.slack_retry_later_seconds,
    )
    summaries = SummaryService(db, settings)
    audit = AuditService(db)
    digest = DigestService(db, settings, partners, recommendations, polls, summaries)
    consensus = ConsensusService(db, settings, partners, recommendations)
    services = Services(
        settings=settings,
        db=db,
        partners=partners,
        recommendations=recommendations,
        export=ExportService(partners, recommendations, audit),
        consultations=consultations,
        polls=polls,
        digest=digest,
        digest_delivery=DigestDelivery(settings, partners, digest, outbound),
        consensus=consensus,
        home=HomeService(
            db,
            consensus,
            partners,
            consultations,
            outbound,
            retry_after_failure=settings.slack_retry_later_seconds,
        ),
        audit=audit,
        data_rights=DataRightsService(db, settings.data_retention_days),
        bridging=BridgingService(
            db, settings, partners, consultations, polls, DraftingService(db, settings), outbound
        ),
        outbound=outbound,
    )
    # A closed ranking poll of a common-wording round gives the round its result; digests report rounds.
    polls.closed_listeners.append(services.bridging.poll_closed)
    digest.wording_rounds = services.bridging.digest_rounds
    # A vote, or a poll's close, changes what people's Homes list.
    polls.changed_listeners.append(services.home.poll_changed)
    services.export.contributors.append(consultation_contributor(consultations))
    services.export.contributors.append(poll_contributor(services.polls))
    services.export.contributors.append(consensus_contributor(services.consensus))
    services.export.contributors.append(bridging_contributor(services.bridging))
    return services
