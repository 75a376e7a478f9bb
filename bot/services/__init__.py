"""The domain services, wired together once per process."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.services.export import ExportService
from bot.services.partners import PartnerService
from bot.services.recommendations import RecommendationService
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    partners: PartnerService
    recommendations: RecommendationService
    export: ExportService


def build_services(settings: Settings, db: Database | None = None) -> Services:
    db = db or Database(settings.database_url)
    partners = PartnerService(db)
    recommendations = RecommendationService(db)
    return Services(
        settings=settings,
        db=db,
        partners=partners,
        recommendations=recommendations,
        export=ExportService(partners, recommendations),
    )
