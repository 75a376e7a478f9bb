"""Consultations, cut by use case: starting, positions, revisions, closing, comments and reads.

Every write is claimed in the database (unique keys, conditional UPDATEs), so a retried request,
a duplicated event or a second process changes nothing. Methods take `now` so that tests and
scheduled sweeps decide the time; by default it is the current UTC time.
"""

from __future__ import annotations

from bot.services.consultations.closing import ConsultationClosing
from bot.services.consultations.comments import ConsultationComments
from bot.services.consultations.positions import ConsultationPositions
from bot.services.consultations.reads import ConsultationReads
from bot.services.consultations.revisions import ConsultationRevisions
from bot.services.consultations.starting import ConsultationStarts


class ConsultationService(
    ConsultationStarts,
    ConsultationPositions,
    ConsultationRevisions,
    ConsultationClosing,
    ConsultationComments,
    ConsultationReads,
):
    """Every consultation use case over one database; the composition root builds one."""


__all__ = ["ConsultationService"]
