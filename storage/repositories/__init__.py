"""Repositories take a session and never commit: the service owns the transaction."""

from storage.repositories.partners import PartnerRepository
from storage.repositories.recommendations import RecommendationRepository

__all__ = ["PartnerRepository", "RecommendationRepository"]
