"""The annex as a Word document (python-docx), the form in which the policy document is edited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject

from bot.services.exports.annex import Annex, AnnexEntry
from bot.services.exports.markdown import (
    POSITION_COLUMNS,
    consensus_sentence,
    counts_sentence,
    facts,
    position_rows,
)

# XML 1.0 refuses these; a stray one in a comment must not stop the annex.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def write_docx(annex: Annex, out: Path) -> Path:
    document = Document()
    document.add_heading("Annex: the consortium's policy recommendations", level=0)
    document.add_paragraph(
        f"{len(annex.entries)} recommendations, as they stood on {annex.generated_at} (UTC). "
        "Positions are those of organisations."
    )
    for entry in annex.entries:
        _entry(document, entry)
    document.save(str(out))
    return out


def _entry(document: DocumentObject, entry: AnnexEntry) -> None:
    document.add_heading(clean(f"{entry.ref}: {entry.title}"), level=1)
    _table(document, ("Field", "Value"), facts(entry))
    for paragraph in entry.text.split("\n\n"):
        document.add_paragraph(clean(paragraph.strip()), style="Quote")
    _labelled(document, "Consensus. ", consensus_sentence(entry))
    _labelled(document, "Positions. ", counts_sentence(entry))
    if entry.positions:
        _table(document, POSITION_COLUMNS, position_rows(entry))
    if entry.outcome:
        _labelled(document, f"Outcome: {entry.outcome}. ", entry.outcome_statement or "")


def _labelled(document: DocumentObject, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(clean(text))


def _table(document: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = clean(value)
