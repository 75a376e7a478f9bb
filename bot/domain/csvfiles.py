"""Reading CSV files people prepare in spreadsheets (BOM, `;` or `,` separators)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from bot.domain.errors import CsvRowError


def read_rows(
    path: Path, columns: Sequence[str], required: Sequence[str]
) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers as an editor shows them (header = line 1)."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvRowError(1, "-", "the file is not UTF-8; save it as 'CSV UTF-8' and try again") from exc
    try:
        dialect = csv.Sniffer().sniff(content.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise CsvRowError(1, "-", "the file is empty; it needs the header " + ",".join(columns)) from None
    missing = [column for column in required if column not in header]
    if missing:
        raise CsvRowError(1, missing[0], "is missing from the header; expected " + ",".join(columns))
    unknown = [column for column in header if column not in columns]
    if unknown:
        raise CsvRowError(1, unknown[0], "is not a known column; expected " + ",".join(columns))
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CsvRowError(line, "-", f"cannot be read as CSV ({exc})") from exc
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise CsvRowError(
                line, f"#{len(header) + 1}", f"has {len(cells)} cells; the header has {len(header)}"
            )
        rows.append((line, dict(zip(header, cells, strict=False))))
    return rows
