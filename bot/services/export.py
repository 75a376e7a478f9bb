"""`consult-bot export`: everything a coordinator needs for the final report."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.domain.recommendations import RecommendationView
from bot.services.partners import PartnerService
from bot.services.recommendations import RecommendationService

Row = dict[str, Any]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportData:
    """The JSON document and the flat tables the CSV export writes, one file each."""

    document: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[Row]] = field(default_factory=dict)


# A contributor adds its part (polls, consultations, consensus) to the export.
Contributor = Callable[[ExportData], None]


def neutralise_cell(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def recommendation_row(rec: RecommendationView) -> Row:
    return {
        "ref": rec.ref,
        "title": rec.title,
        "text": rec.text,
        "rationale": rec.rationale,
        "themes": list(rec.themes),
        "level": rec.level.value,
        "status": rec.status.value,
        "origin": rec.origin,
        "version": rec.version,
        "proposer": None
        if rec.proposer_name is None
        else {
            "name": rec.proposer_name,
            "organisation": rec.proposer_organisation,
            "region": rec.proposer_region,
            "country": rec.proposer_country,
        },
        "created_at": rec.created_at.isoformat(),
    }


class ExportService:
    def __init__(self, partners: PartnerService, recommendations: RecommendationService) -> None:
        self.partners = partners
        self.recommendations = recommendations
        self.contributors: list[Contributor] = []

    def collect(self) -> ExportData:
        data = ExportData()
        data.document["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        partners = [vars(p) | {"role": p.role.value} for p in self.partners.all()]
        data.document["partners"] = partners
        data.tables["partners"] = partners
        recs = [recommendation_row(rec) for rec in self.recommendations.all()]
        data.document["recommendations"] = recs
        data.tables["recommendations"] = [_flatten(rec) for rec in recs]
        data.document.setdefault("polls", [])
        data.document.setdefault("consultations", [])
        for contribute in self.contributors:
            contribute(data)
        return data

    def write_json(self, out: Path) -> ExportData:
        data = self.collect()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data.document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return data

    def write_csv(self, out_dir: Path) -> list[Path]:
        data = self.collect()
        out_dir.mkdir(parents=True, exist_ok=True)
        return [_write_table(out_dir / f"{name}.csv", rows) for name, rows in data.tables.items()]


def _flatten(row: Mapping[str, Any]) -> Row:
    flat: Row = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        elif isinstance(value, list | tuple):
            flat[key] = "; ".join(str(v) for v in value)
        else:
            flat[key] = value
    return flat


def _write_table(path: Path, rows: Sequence[Row]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise_cell(row.get(column)) for column in columns])
    return path
