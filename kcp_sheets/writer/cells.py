"""Cells and rows, as every sheet writes them: a value by its type (a string
always as a string), a table's header row, a data row sized to its text, and
one validation per column (drop-downs and input messages)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import pages
from ..content import scale_entries, shown_as_text
from ..pages import LINE_HEIGHT
from ..spec import Column, Table
from .growing import GrowingSheet
from .styles import Book


def value(book: Book, ws: GrowingSheet, row: int, col: int, data: Any, style: str) -> None:
    """One value in its cell: blank, Yes/No, a number, a date or text, never a formula."""
    fmt = book.formats[style]
    if data is None or data == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(data, bool):
        ws.write_string(row, col, "Yes" if data else "No", fmt)
    elif isinstance(data, (int, float)):  # centred when fixed: '1' never reads as one with 'error' beside it
        ws.write_number(row, col, data, book.formats["number"] if style == "fixed" else fmt)
    elif isinstance(data, dt.date):
        when = data if isinstance(data, dt.datetime) else dt.datetime.combine(data, dt.time())
        ws.write_datetime(row, col, when, book.date_formats[style])
    else:
        ws.write_string(row, col, str(data)[:32767], fmt)


def headers(book: Book, ws: GrowingSheet, table: Table, header: int) -> None:
    """A table's header row and its columns' widths; the row as tall as its longest header."""
    for col, column in enumerate(table.columns):
        ws.set_column(col, col, column.width)
        ws.write_string(header, col, column.header, book.formats["header_turned" if column.turned else "header"])
    ws.heights[header] = pages.header_height(
        [(c.header, c.width) for c in table.columns if not c.turned],
        [(c.header, c.width) for c in table.columns if c.turned],
    )
    ws.set_row(header, ws.heights[header])


def data_row(
    book: Book,
    ws: GrowingSheet,
    table: Table,
    row: int,
    data: dict[str, Any],
    highlight: bool,
    spare: bool = False,
    lines: int = 1,
    height: float | None = None,
) -> None:
    """A row sized to its pre-filled text (at least `lines` lines), free to grow with what is typed."""
    for col, (key, _, styles) in enumerate(book.row_styles(table)):
        value(book, ws, row, col, data.get(key), styles[2] if spare else styles[1] if highlight else styles[0])
    ws.fit_row(row, data_height(book, table, data, lines) if height is None else height)


def data_height(book: Book, table: Table, data: dict[str, Any], lines: int) -> float:
    """The height a row needs to show its pre-filled text whole, at least `lines` lines."""
    cells = [(shown_as_text(data.get(key)), width) for key, width, _ in book.row_styles(table)]
    return max(LINE_HEIGHT * lines + 2, pages.row_height(cells))


def validate(book: Book, ws: GrowingSheet, table: Table, first: int, last: int, spare: bool) -> None:
    """One validation per column over the rows: drop-downs and input messages."""
    if last < first:
        return
    for col, column in enumerate(table.columns):
        if column.is_input or (spare and column.kind != "id"):
            _validate_cells(book, ws, first, last, col, column)


def _validate_cells(book: Book, ws: GrowingSheet, first: int, last: int, col: int, column: Column) -> None:
    options: dict[str, Any] = prompt(column.header, column.help)
    if column.kind == "score":
        entries = scale_entries(book.content.scales.get(column.scale, {}))
        options.update(
            validate="list",
            source=entries,
            error_title="Pick a score",
            error_message=("Pick one of: " + "; ".join(entries))[:255],
        )
    elif column.kind in ("flag", "choice"):
        options.update(
            validate="list",
            source=list(column.choices),
            error_title="Pick from the list",
            error_message=("Pick one of: " + ", ".join(column.choices))[:255],
        )
    elif "input_message" not in options:
        return
    else:
        options["validate"] = "any"
    ws.data_validation(first, col, last, col, options)


def prompt(header: str, help_text: str) -> dict[str, str]:
    """The message shown on entering a cell. Its title holds 32 characters, so a
    longer header opens the message instead of being cut off."""
    if len(header) <= 32:
        return {"input_title": header, **({"input_message": help_text[:255]} if help_text else {})}
    return {"input_message": f"{header}: {help_text}"[:255] if help_text else header[:255]}


def counted(data: Any) -> bool:
    """A count or a score ('12', '3.92', '8 of 9'): centred in its column, so that it
    never reads as one with the text beside it ('12|none agreed')."""
    if isinstance(data, bool):
        return False
    return isinstance(data, (int, float)) or bool(re.fullmatch(r"\d+(?:\.\d+)?(?: of \d+)?", str(data)))
