"""The consensus figures in the export (INTERFACE.md)."""

from __future__ import annotations

from bot.domain.consensus.thresholds import natural_key
from bot.services.consensus import ConsensusService
from bot.services.exports import Contributor, ExportData


def consensus_contributor(service: ConsensusService) -> Contributor:
    """Adds each recommendation's `consensus` figures (INTERFACE.md) to the export."""

    def contribute(data: ExportData) -> None:
        figures = service.figures()
        for row in data.document.get("recommendations", []):
            if row["ref"] in figures:
                row["consensus"] = figures[row["ref"]].to_dict()
        data.tables["consensus"] = [
            {"ref": ref} | {k: v for k, v in f.to_dict().items() if not isinstance(v, dict)}
            for ref, f in sorted(figures.items(), key=lambda pair: natural_key(pair[0]))
        ]

    return contribute
