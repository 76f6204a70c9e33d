"""Filling a generated workbook as a co-ordinator would: used by the demo's
simulated returns and by the tests. Cells are found through the spec, like
the reader finds them, never by address."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

import openpyxl
from openpyxl.writer.excel import ExcelWriter

from .sent import SentWorkbook
from .spec import Sheet

Answers = dict[str, dict[str, dict[str, Any]]]  # sheet -> row ID -> column key -> value


def fill_workbook(
    plan: SentWorkbook,
    source: Path,
    dest: Path,
    rows: Answers | None = None,
    fields: dict[str, dict[str, Any]] | None = None,
    saved: dt.datetime | None = None,
) -> Path:
    """Type `rows` and `fields` into a copy of the generated workbook at `dest`,
    saved at `saved` (the workbook's own record of it) or now."""
    book = openpyxl.load_workbook(source)
    for sheet in plan.spec.sheets:
        if sheet.table is None:
            continue
        ws = book[sheet.name]
        header = sheet.table.header_row or sheet.form_table_header_row()
        columns = {c.key: i + 1 for i, c in enumerate(sheet.table.columns)}
        where = {}
        for r in range(header + 1, ws.max_row + 1):
            value = ws.cell(r, 1).value
            if value is not None:
                where[str(value)] = r
        for ident, values in (rows or {}).get(sheet.key, {}).items():
            r = where.get(ident)
            if r is None:  # a row typed below the table, with no ID
                r = ws.max_row + 1
                ws.cell(r, 1).value = None if ident.startswith("+") else ident
            for key, value in values.items():
                _set(ws.cell(r, columns[key]), value)
        if sheet.kind == "form":
            _fill_form(ws, sheet, (fields or {}).get(sheet.key, {}))
    dest.parent.mkdir(parents=True, exist_ok=True)
    if saved is None:
        book.save(dest)
    else:  # openpyxl's save() stamps "now"; its writer keeps the time given
        book.properties.modified = saved.replace(tzinfo=None)
        ExcelWriter(book, ZipFile(dest, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return dest


def _fill_form(ws: Any, sheet: Sheet, values: dict[str, Any]) -> None:
    rows = sheet.field_rows()
    for key, value in values.items():
        _set(ws.cell(rows[key], sheet.form_value_col + 1), value)


def _set(cell: Any, value: Any) -> None:
    """Type a value; text starting with '=' stays text, as it would in a typed cell."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, dt.datetime):
        cell.number_format = "dd/mm/yyyy"
