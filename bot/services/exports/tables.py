"""Flat tables (one per CSV file or sheet) and the cell rule that keeps spreadsheets from running text."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

Row = dict[str, Any]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def flatten(row: Mapping[str, Any]) -> Row:
    """Nested objects become `key_subkey` columns, lists one `; `-separated cell."""
    flat: Row = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            flat.update({f"{key}_{k}": v for k, v in value.items()})
        elif isinstance(value, list | tuple):
            flat[key] = "; ".join(str(v) for v in value)
        else:
            flat[key] = value
    return flat


def columns_of(rows: Sequence[Row]) -> list[str]:
    """Every key of every row, in first-seen order."""
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns


def write_csv_table(path: Path, rows: Sequence[Row]) -> Path:
    columns = columns_of(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise_cell(row.get(column)) for column in columns])
    return path
