"""The CSV export's tables as one workbook (openpyxl): typed cells, formula-safe text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from bot.services.exports.tables import Row, columns_of, neutralise_cell

_DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"


def write_xlsx(tables: Mapping[str, Sequence[Row]], out: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(title=name[:31])
        columns = columns_of(rows)
        sheet.append(columns)
        for header in sheet[1]:
            header.font = Font(bold=True)
        for row in rows:
            sheet.append([typed_cell(row.get(column)) for column in columns])
        for index, column in enumerate(columns, start=1):
            if any(isinstance(row.get(column), datetime) or _is_timestamp(row.get(column)) for row in rows):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = _DATE_FORMAT
        sheet.freeze_panes = "A2"
    workbook.save(str(out))
    return out


def typed_cell(value: object) -> Any:
    """Numbers stay numbers, ISO timestamps become dates (UTC, as Excel has no zones), the rest text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime):
        return _naive_utc(value)
    if _is_timestamp(value):
        return _naive_utc(datetime.fromisoformat(str(value)))
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise_cell(value))


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str) or len(value) < 19 or value[10:11] != "T":
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
