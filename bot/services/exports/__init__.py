"""Exports: the JSON and CSV data, the spreadsheet, the policy document's annex (Markdown, Word)
and Pol.is's layout, all from one collected `ExportData`."""

from bot.services.exports.collect import (
    Contributor,
    ExportData,
    ExportFile,
    ExportFormat,
    ExportService,
    UnwritablePath,
)
from bot.services.exports.consultations import consultation_contributor
from bot.services.exports.polls import poll_contributor
from bot.services.exports.tables import Row, neutralise_cell

__all__ = [
    "Contributor",
    "ExportData",
    "ExportFile",
    "ExportFormat",
    "ExportService",
    "Row",
    "UnwritablePath",
    "consultation_contributor",
    "neutralise_cell",
    "poll_contributor",
]
