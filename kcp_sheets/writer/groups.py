"""What runs across a table between its rows: a group's heading band, and a
group's total. On a sheet printed several pages wide each runs in the
repeated columns and then in each page's own columns, so every page shows it."""

from __future__ import annotations

import xlsxwriter.utility

from .. import pages
from ..pages import GROUP_ROW_HEIGHT, LINE_HEIGHT
from ..spec import Table
from ..values import score_formula
from .growing import GrowingSheet
from .styles import Book


def segments(ws: GrowingSheet, table: Table) -> list[tuple[int, int]]:
    """The runs of columns a row spans on paper: one run, or, on a sheet printed
    several pages wide, the repeated columns and then each page's own columns."""
    last = len(table.columns) - 1
    if not ws.vbreaks:
        return [(0, last)]
    starts = [0, table.repeat_columns, *ws.vbreaks]
    return [(a, b - 1) for a, b in zip(starts, [*starts[1:], last + 1], strict=True) if b > a]


def group_height(ws: GrowingSheet, table: Table, title: str) -> float:
    """A group's heading, wrapped in the columns that carry it on every page."""
    first, last = segments(ws, table)[0]
    width = sum(c.width for c in table.columns[first : last + 1])
    return max(GROUP_ROW_HEIGHT, (LINE_HEIGHT + 2) * pages.lines(title, width, 0.95) + 3)


def group_heading(book: Book, ws: GrowingSheet, table: Table, row: int, title: str, height: float) -> None:
    """A band across the table: on a sheet printed several pages wide the title sits
    in the repeated columns, so every page shows it whole, and the band stops at
    each page's last column rather than running past it."""
    for first, last in segments(ws, table):
        if last > first:
            # merge_range writes its text with write(), which would make '=...' a formula.
            ws.merge_range(row, first, row, last, "", book.formats["group"])
        else:
            ws.write_blank(row, first, None, book.formats["group"])
    ws.write_string(row, 0, title, book.formats["group"])
    ws.fit_row(row, height)


def total_row(book: Book, ws: GrowingSheet, table: Table, row: int, members: list[int]) -> None:
    """A group's total of its scores, as a formula over the group's rows."""
    target = table.index(table.total_of)
    for col in range(len(table.columns)):
        ws.write_blank(row, col, None, book.formats["total"])
    label_to = min(max(table.repeat_columns, 2), target) - 1  # the label's whole width, on every page
    if label_to > 0:
        ws.merge_range(row, 0, row, label_to, "", book.formats["total"])
    ws.write_string(row, 0, table.total_label, book.formats["total"])
    letter = xlsxwriter.utility.xl_col_to_name(target)
    # Each score read as the reader reads it ('Largely met', 'three', '4 - mostly'), so the
    # total here is the plan's; a score it cannot read shows a note, never a wrong total.
    labels = book.content.scales.get(table.column(table.total_of).scale, {})
    terms = ",".join(score_formula(f"{letter}{r + 1}", labels) for r in members)
    ws.write_formula(row, target, f'=IFERROR(SUM({terms}),"Check the scores")', book.formats["total"], 0)
