"""The second reader, for a workbook the first cannot read though Excel and
LibreOffice open it: an .xls saved with a code page it does not know (a
Mac's, "Codepage 272D not found"), or any .xls or .xlsx whose structure makes
it fail or panic. xlrd reads BIFF5 and BIFF8 with every code page Excel
writes; openpyxl reads .xlsx its own way. The sheets were measured by
formats.inspect before either reader saw a byte, so the grids are bounded as
any return's are."""

from __future__ import annotations

from typing import Any

Grid = list[list[Any]]


class Unread(Exception):
    """The second reader could not read the file either."""


def xls_grids(data: bytes, names: set[str]) -> dict[str, Grid]:
    """The named sheets of an .xls as grids of values, as the first reader gives them:
    '' where empty, numbers as float, dates as dates, errors as their text."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=_Silent())
    except Exception as exc:  # noqa: BLE001 - any failure of the second reader means the file is not readable
        raise Unread(type(exc).__name__) from None
    grids: dict[str, Grid] = {}
    try:
        for index, name in enumerate(book.sheet_names()):
            if name not in names:
                continue
            sheet = book.sheet_by_index(index)
            width = max((sheet.row_len(r) for r in range(sheet.nrows)), default=0)
            grids[name] = [_row(sheet, r, width, book.datemode) for r in range(sheet.nrows)]
            book.unload_sheet(index)
    except Exception as exc:  # noqa: BLE001
        raise Unread(type(exc).__name__) from None
    finally:
        book.release_resources()
    return grids


def _row(sheet: Any, r: int, width: int, datemode: int) -> list[Any]:
    import xlrd

    row: list[Any] = [""] * width
    for c, (kind, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r), strict=False)):
        if kind == xlrd.XL_CELL_NUMBER:
            row[c] = float(value)
        elif kind == xlrd.XL_CELL_TEXT:
            row[c] = value
        elif kind == xlrd.XL_CELL_DATE:
            try:
                when = xlrd.xldate_as_datetime(value, datemode)
                row[c] = when.date() if when.time().isoformat() == "00:00:00" else when
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                row[c] = float(value)
        elif kind == xlrd.XL_CELL_BOOLEAN:
            row[c] = bool(value)
        elif kind == xlrd.XL_CELL_ERROR:
            row[c] = xlrd.error_text_from_code.get(value, "#ERROR")
    return row


class _Silent:
    """xlrd writes its warnings to a file; they are not the officer's to read."""

    def write(self, text: str) -> int:
        return len(text)


def xlsx_grids(data: bytes, names: set[str]) -> dict[str, Grid]:
    """The named sheets of an .xlsx as grids of values, as the first reader gives them."""
    import io

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure of the second reader means the file is not readable
        raise Unread(type(exc).__name__) from None
    grids: dict[str, Grid] = {}
    try:
        for sheet in book.worksheets:
            if sheet.title in names:
                rows = [[_plain(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                width = max((len(r) for r in rows), default=0)
                grids[sheet.title] = [r + [""] * (width - len(r)) for r in rows]
    except Exception as exc:  # noqa: BLE001
        raise Unread(type(exc).__name__) from None
    finally:
        book.close()
    return grids


def _plain(value: Any) -> Any:
    """A value as the first reader gives it: numbers as float, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
