"""Every model is imported here so Alembic and `create_all` see the whole schema."""

from storage.models.audit import AuditLogEntry
from storage.models.base import Base, Lifecycle, utcnow
from storage.models.bridging import BridgingRound
from storage.models.consultations import (
    Consultation,
    ConsultationAmendment,
    ConsultationAudit,
    ConsultationComment,
    ConsultationPosition,
    ConsultationPositionHistory,
)
from storage.models.digests import Digest, DigestDelivery
from storage.models.partners import Partner
from storage.models.polls import Poll, PollAudience, PollBallot, PollDelivery, PollKey, PollRespondent
from storage.models.recommendations import Recommendation, RecommendationTheme, RecommendationVersion
from storage.models.reminders import ReminderDelivery
from storage.models.summaries import SummaryCacheEntry

__all__ = [
    "AuditLogEntry",
    "Base",
    "BridgingRound",
    "Consultation",
    "ConsultationAmendment",
    "ConsultationAudit",
    "ConsultationComment",
    "ConsultationPosition",
    "ConsultationPositionHistory",
    "Digest",
    "DigestDelivery",
    "Lifecycle",
    "Partner",
    "Poll",
    "PollAudience",
    "PollBallot",
    "PollDelivery",
    "PollKey",
    "PollRespondent",
    "Recommendation",
    "RecommendationTheme",
    "RecommendationVersion",
    "ReminderDelivery",
    "SummaryCacheEntry",
    "utcnow",
]
