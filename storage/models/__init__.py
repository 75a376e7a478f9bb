"""Every model is imported here so Alembic and `create_all` see the whole schema."""

from storage.models.base import Base, utcnow
from storage.models.partners import Partner
from storage.models.recommendations import Recommendation, RecommendationTheme, RecommendationVersion

__all__ = ["Base", "Partner", "Recommendation", "RecommendationTheme", "RecommendationVersion", "utcnow"]
