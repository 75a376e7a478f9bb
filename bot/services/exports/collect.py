"""`consult-bot export`: everything a coordinator needs for the final report, in every format."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.domain.clock import utcnow
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.recommendations import RecommendationView
from bot.services.audit import AuditService
from bot.services.exports.annex import build_annex
from bot.services.exports.markdown import render_markdown
from bot.services.exports.polis import write_polis
from bot.services.exports.tables import Row, flatten, write_csv_table
from bot.services.exports.word import write_docx
from bot.services.exports.workbook import write_xlsx
from bot.services.partners import PartnerService
from bot.services.recommendations import RecommendationService


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    MARKDOWN = "markdown"
    DOCX = "docx"
    POLIS = "polis"

    @property
    def is_folder(self) -> bool:
        return self in (ExportFormat.CSV, ExportFormat.POLIS)

    @property
    def suffix(self) -> str:
        return {"markdown": ".md", "csv": ".zip", "polis": ".zip"}.get(self.value, f".{self.value}")


class UnwritablePath(DomainError):
    def __init__(self, out: Path, why: str) -> None:
        super().__init__(
            f"cannot write the export to {out}: {why}. Choose another path; nothing was written."
        )


@dataclass
class ExportData:
    """The JSON document and the flat tables the CSV export writes, one file each."""

    document: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, list[Row]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportFile:
    """One export as a single file (folders zipped), for a direct message."""

    filename: str
    content: bytes


# A contributor adds its part (polls, consultations, consensus) to the export.
Contributor = Callable[[ExportData], None]


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
    def __init__(
        self, partners: PartnerService, recommendations: RecommendationService, audit: AuditService
    ) -> None:
        self.partners = partners
        self.recommendations = recommendations
        self.audit = audit
        self.contributors: list[Contributor] = []

    def require_coordinator(self, user: str) -> None:
        """Exports hold every organisation's positions and people's words: coordinators only."""
        if not self.partners.require(user).is_coordinator:
            raise NotAllowed(
                "Only coordinators can export the recommendations; ask your coordinator for the annex. "
                "`/recs` shows them all, and `/privacy` sends you your own data."
            )

    def collect(self) -> ExportData:
        data = ExportData()
        data.document["generated_at"] = utcnow().isoformat(timespec="seconds")
        partners = [vars(p) | {"role": p.role.value} for p in self.partners.all()]
        data.document["partners"] = partners
        data.tables["partners"] = partners
        recs = [recommendation_row(rec) for rec in self.recommendations.all()]
        data.document["recommendations"] = recs
        data.tables["recommendations"] = [flatten(rec) for rec in recs]
        data.document.setdefault("polls", [])
        data.document.setdefault("consultations", [])
        for contribute in self.contributors:
            contribute(data)
        return data

    def write(self, fmt: ExportFormat, out: Path) -> list[Path]:
        """Writes the export; a file (or folder) appears only once complete."""
        check_writable(out, folder=fmt.is_folder)
        _write(fmt, self.collect(), out)
        return sorted(out.iterdir()) if fmt.is_folder else [out]

    def write_json(self, out: Path) -> ExportData:
        check_writable(out, folder=False)
        data = self.collect()
        _write(ExportFormat.JSON, data, out)
        return data

    def write_csv(self, out_dir: Path) -> list[Path]:
        return self.write(ExportFormat.CSV, out_dir)

    def file_for(self, user: str, fmt: ExportFormat) -> ExportFile:
        """A coordinator's export from Slack, audited."""
        self.require_coordinator(user)
        exported = self.as_file(fmt)
        self.audit.record(user, "export", fmt.value, exported.filename)
        return exported

    def as_file(self, fmt: ExportFormat) -> ExportFile:
        """The export as one file's bytes (a folder format zipped), named for the day."""
        stem = f"consult-bot-{fmt.value}-{utcnow():%Y-%m-%d}"
        with tempfile.TemporaryDirectory() as scratch:
            target = Path(scratch) / stem
            self.write(fmt, target)
            if fmt.is_folder:
                archive = Path(scratch) / f"{stem}.zip"
                with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
                    for path in sorted(target.iterdir()):
                        zipped.write(path, f"{stem}/{path.name}")
                target = archive
            return ExportFile(f"{stem}{fmt.suffix}", target.read_bytes())


def check_writable(out: Path, *, folder: bool) -> None:
    """Refuses a path the export could not complete, before anything is written."""
    if folder and out.exists() and not out.is_dir():
        raise UnwritablePath(out, "it is a file, and this format writes a folder")
    if not folder and out.is_dir():
        raise UnwritablePath(out, "it is a folder; give a file name")
    parent = (out if folder and out.exists() else out.parent).resolve()
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        raise UnwritablePath(out, f"{existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UnwritablePath(out, f"the folder {existing} is not writable")


def write_json_file(out: Path, document: object) -> Path:
    """A JSON document written whole or not at all."""
    with _staged(out) as staging:
        staging.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


def _write(fmt: ExportFormat, data: ExportData, out: Path) -> None:
    with _staged(out) as staging:
        if fmt is ExportFormat.JSON:
            staging.write_text(json.dumps(data.document, ensure_ascii=False, indent=2) + "\n", "utf-8")
        elif fmt is ExportFormat.XLSX:
            write_xlsx(data.tables, staging)
        elif fmt is ExportFormat.MARKDOWN:
            staging.write_text(render_markdown(build_annex(data.document)), encoding="utf-8")
        elif fmt is ExportFormat.DOCX:
            write_docx(build_annex(data.document), staging)
        elif fmt is ExportFormat.CSV:
            staging.mkdir()
            for name, rows in data.tables.items():
                write_csv_table(staging / f"{name}.csv", rows)
        else:
            staging.mkdir()
            write_polis(data.document, staging)


@contextmanager
def _staged(out: Path) -> Iterator[Path]:
    """A scratch path next to `out`, moved into place when the block succeeds."""
    parent = (out.parent if out.parent != Path("") else Path(".")).resolve()
    try:
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".export-", dir=parent))
    except OSError as exc:
        raise UnwritablePath(out, exc.strerror or str(exc)) from exc
    try:
        staging = scratch / out.name
        yield staging
        if out.is_dir() and staging.is_dir():
            for path in staging.iterdir():
                os.replace(path, out / path.name)
        else:
            os.replace(staging, out)
    except OSError as exc:
        raise UnwritablePath(out, exc.strerror or str(exc)) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
