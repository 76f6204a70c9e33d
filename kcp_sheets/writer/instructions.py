"""The instructions sheet: its paragraphs and contacts, printed on one page
where a page holds them legibly."""

from __future__ import annotations

from .. import pages
from ..content import instruction_cells
from ..pages import DEFAULT_ROW_HEIGHT
from ..spec import Sheet
from . import paper
from .growing import GrowingSheet
from .styles import Book


def instructions(book: Book, ws: GrowingSheet, sheet: Sheet) -> None:
    """Headings beside their paragraphs, each row as tall as its paragraph."""
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 90)
    paper.print_columns(book, ws, [22, 90], 1)
    paper.title(book, ws, sheet)
    cells = instruction_cells(book.spec, book.content, sheet)
    for row, col, text, style in cells:
        ws.write_string(row, col, text, book.formats[style])
    for para_row, para in enumerate(sheet.paragraphs, start=2):
        ws.fit_row(para_row, pages.row_height([(para.heading, 22), (para.text, 90)]))
    last = cells[-1][0] if cells else 1
    shown = bool(sheet.contacts_heading and book.content.contacts)
    last = last if shown else last + 2 + len(book.content.contacts)
    ws.print_area(0, 0, last, 1)
    # A page a little too short for the instructions is not left
    # to a few rows of contacts: all on one page, still legible.
    tall = sum(ws.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(last + 1))
    orientation, smallest = book.spec.common.orientation, book.spec.common.smallest_print_scale / 100
    if (
        pages.page_room(1.0, orientation) < tall <= pages.page_room(smallest, orientation) / 0.95
    ):  # the program scales it: no margin for error needed
        ws.fit_to_pages(1, 1)
