"""A form sheet: labelled fields, each one value cell that grows with what is
typed, and the form's fixed table (numbered rows for actions) below them."""

from __future__ import annotations

from .. import pages
from ..pages import DEFAULT_ROW_HEIGHT, LINE_HEIGHT
from ..spec import Sheet
from . import cells, paper
from .growing import GrowingSheet
from .styles import Book

FORM_LABEL_WIDTH = 28


def form(book: Book, ws: GrowingSheet, sheet: Sheet) -> None:
    """The form's fields, then its table, printed from the first row the page header does not carry."""
    paper.title(book, ws, sheet)
    table = sheet.table
    last_col = sheet.form_last_col()
    widths = [column.width for column in table.columns] if table else [0.0] * (last_col + 1)
    widths[0] = FORM_LABEL_WIDTH
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    scale = paper.print_columns(book, ws, widths, 1)
    _fields(book, ws, sheet)
    last = max((r - 1 for r in sheet.field_rows().values()), default=0)
    if table:
        last = _form_table(book, ws, sheet, scale)
    first_printed = paper.title_when_across(ws, sheet)
    if first_printed and not sheet.officer:
        ws.print_area(first_printed, 0, max(last, first_printed), last_col)


def _fields(book: Book, ws: GrowingSheet, sheet: Sheet) -> None:
    for f in sheet.fields:
        row = sheet.field_rows()[f.key] - 1
        # One value cell, not merged: no program grows a row for a merged cell's text.
        ws.write_string(row, 0, f.label, book.formats["label"])
        value_col = sheet.form_value_col
        ws.write_blank(row, value_col, None, book.formats["stage2"])
        ws.fit_row(row, max(LINE_HEIGHT * f.lines + 2, pages.row_height([(f.label, FORM_LABEL_WIDTH)])))
        if f.help:
            ws.data_validation(row, value_col, row, value_col, {"validate": "any", **cells.prompt(f.label, f.help)})


def _form_table(book: Book, ws: GrowingSheet, sheet: Sheet, scale: float) -> int:
    """The form's table under its heading; its last row."""
    table = sheet.table
    assert table is not None
    header = sheet.form_table_header_row() - 1
    ws.write_string(header - 1, 0, table.title, book.formats["heading"])  # not merged: a form's rows all grow
    cells.headers(book, ws, table, header)
    ws.set_column(0, 0, FORM_LABEL_WIDTH)
    for n in range(1, table.rows + 1):
        cells.data_row(book, ws, table, header + n, {"id": table.id.format(n=n)}, False, lines=3)
    cells.validate(book, ws, table, header + 1, header + table.rows, spare=False)
    last = header + table.rows
    # A table that would run onto a second page without its header starts one, heading and header with it.
    if sum(ws.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(last + 1)) > pages.page_room(
        scale, book.spec.common.orientation
    ):
        ws.set_h_pagebreaks([header - 1])
    return last
