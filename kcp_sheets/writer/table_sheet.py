"""A table sheet: its title, the header row repeated on every page, the rows
laid out page by page (group headings carried onto the pages a group runs on
to, totals, spare rows for new actions), their drop-downs, and an Excel table
or a filter over them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import pages
from ..content import shown_as_text
from ..pages import DEFAULT_ROW_HEIGHT, MARGIN_TOP
from ..spec import Sheet, Table
from . import cells, paper
from .groups import group_heading, group_height, total_row
from .growing import GrowingSheet
from .styles import Book

Entry = tuple[str, Any]  # what a line of the table is ("heading", "data", "total", "spare") and what it holds


def table_sheet(book: Book, ws: GrowingSheet, sheet: Sheet, table: Table) -> None:
    """The sheet's title, header and rows, laid out on pages."""
    paper.title(book, ws, sheet)
    rows = book.content.rows.get(sheet.key, [])
    table = _unbroken(book, table, rows)
    header = table.header_row - 1
    cells.headers(book, ws, table, header)
    ws.freeze_panes(header + 1, 1)
    ws.repeat_rows(header)
    empty = {
        n for n, c in enumerate(table.columns) if c.optional and not any(d.get(c.key) not in (None, "") for d in rows)
    }
    for n in empty:  # a column empty in every row is neither shown nor printed
        ws.set_column(n, n, table.columns[n].width, None, {"hidden": True})
    scale = paper.print_columns(
        book, ws, [0 if n in empty else c.width for n, c in enumerate(table.columns)], table.repeat_columns
    )
    first_printed = paper.title_when_across(ws, sheet)
    top = pages.MARGIN_TOP_TITLED if first_printed else MARGIN_TOP
    room = pages.page_room(scale, book.spec.common.orientation, top)
    above = sum(ws.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(first_printed, header + 1))
    entries, lines = _table_lines(book, ws, table, rows, pages.row_limit(room, above))  # a row fits under the title too
    if table.group_by and not book.streaming:
        widest = pages.continued(max((line.group for line in lines), key=len, default=""))
        order = pages.lay_out(lines, room, ws.heights[header], above, group_height(ws, table, widest))
    else:
        order = pages.tail_together(
            lines, table.spare_rows if not book.streaming else 0, room, ws.heights[header], above
        )
    row, first_spare, breaks = _place(book, ws, table, header + 1, order, entries, lines)
    _finish(book, ws, sheet, table, header, first_printed, row, first_spare, breaks)


def _place(
    book: Book,
    ws: GrowingSheet,
    table: Table,
    row: int,
    order: list[pages.Placed],
    entries: list[Entry],
    lines: list[pages.Line],
) -> tuple[int, int | None, list[int]]:
    """Each line written in its place from `row`: the row after the last, the first
    spare row (if any) and the rows that start a printed page."""
    first_spare = None
    breaks: list[int] = []
    members: list[int] = []
    for place in order:
        if place.new_page:
            breaks.append(row)
        kind, payload = entries[place.index] if place.index >= 0 else ("heading", place.title)
        if kind == "heading":
            group_heading(
                book,
                ws,
                table,
                row,
                str(payload),
                lines[place.index].height if place.index >= 0 else group_height(ws, table, str(payload)),
            )
            members = [] if place.index >= 0 else members
        elif kind == "total":
            total_row(book, ws, table, row, members)
        elif kind == "spare":
            first_spare = row if first_spare is None else first_spare
            cells.data_row(book, ws, table, row, payload, False, spare=True, height=lines[place.index].height)
        else:
            highlight = bool(table.highlight_when and payload.get(table.highlight_when))
            cells.data_row(book, ws, table, row, payload, highlight, height=lines[place.index].height)
            members.append(row)
        row += 1
    return row, first_spare, breaks


def _finish(
    book: Book,
    ws: GrowingSheet,
    sheet: Sheet,
    table: Table,
    header: int,
    first_printed: int,
    row: int,
    first_spare: int | None,
    breaks: list[int],
) -> None:
    """The rows' drop-downs, the print area and page breaks, and a table or a filter over them."""
    first_data = header + 1
    cells.validate(book, ws, table, first_data, (first_spare or row) - 1, spare=False)
    if first_spare is not None:
        cells.validate(book, ws, table, first_spare, row - 1, spare=True)
    last_col = len(table.columns) - 1
    if not sheet.officer:  # LibreOffice prints a hidden sheet that has a print area
        ws.print_area(first_printed, 0, max(row - 1, header), last_col)
    if breaks:
        ws.set_h_pagebreaks(breaks)
    if table.excel_table and not book.streaming:  # xlsxwriter cannot stream tables: a filter instead
        columns = [{"header": c.header, "header_format": book.formats["header"]} for c in table.columns]
        ws.add_table(
            header,
            0,
            max(row - 1, header + 1),
            last_col,
            {"name": table.excel_table, "columns": columns, "style": "Table Style Light 1"},
        )
    elif row > first_data:
        ws.autofilter(header, 0, row - 1, last_col)


def _unbroken(book: Book, table: Table, rows: list[dict[str, Any]]) -> Table:
    """The table with each column of fixed text ('HW-NEW-08', 'PCT Communications')
    widened, up to half as wide again, so that no word of it breaks on paper, unless
    that would print it on more pages across."""
    spare = [table.new_id.format(n=n, **book.content.identity) for n in range(1, table.spare_rows + 1)]
    columns = []
    for column in table.columns:
        texts = [shown_as_text(r.get(column.key)) for r in rows] + (spare if column.kind == "id" else [])
        need = (
            pages.longest_word(texts, whole=column.kind == "id") if not column.is_input and not column.turned else 0.0
        )
        columns.append(replace(column, width=min(need, column.width * 1.5)) if need > column.width else column)
    wider = replace(table, columns=tuple(columns))

    def pages_across(t: Table) -> int:
        return len(paper.fit(book, [c.width for c in t.columns], t.repeat_columns)[1])

    return wider if pages_across(wider) <= pages_across(table) else table  # never a page more across for it


def _table_lines(
    book: Book, ws: GrowingSheet, table: Table, rows: list[dict[str, Any]], limit: float
) -> tuple[list[Entry], list[pages.Line]]:
    """The table's rows in order (group headings, rows, totals, spare rows), each with
    its printed height and the title of its group, for laying out on pages; a row
    taller than `limit` (what a page holds under its header) goes on over continuation rows."""
    entries: list[Entry] = []
    lines: list[pages.Line] = []
    key: str | None = None
    title = ""
    for n, data in enumerate(rows):
        if table.group_by and str(data.get(table.group_by, "")) != key:
            key = str(data.get(table.group_by, ""))
            title = book.content.group_titles.get(key, key)
            entries.append(("heading", title))
            lines.append(pages.Line(group_height(ws, table, title), title, heading=True))
        for piece, height in _pieces(book, table, data, limit):
            entries.append(("data", piece))
            lines.append(pages.Line(height, title))
        last_of_group = n + 1 == len(rows) or not table.group_by or str(rows[n + 1].get(table.group_by, "")) != key
        if table.total_of and last_of_group:
            entries.append(("total", None))
            lines.append(pages.Line(DEFAULT_ROW_HEIGHT, title))
    for n in range(1, table.spare_rows + 1):
        spare = {"id": table.new_id.format(n=n, **book.content.identity)}
        entries.append(("spare", spare))
        lines.append(
            pages.Line(cells.data_height(book, table, spare, 1))
        )  # one line each, growing with what is typed: no page of a few empty rows
    return entries, lines


def _pieces(book: Book, table: Table, data: dict[str, Any], limit: float) -> list[tuple[dict[str, Any], float]]:
    """A row, with its height; or, if its text would be taller than a printed page,
    the row and its continuation rows ('2.1.1 (continued)'), each no taller than
    `limit`: a long answer prints whole, never cut at the page's foot. Only in what
    we write for reading (the plan, its reports), never in a workbook people return."""
    height = cells.data_height(book, table, data, 1)
    if book.spec.identity or table.excel_table or height <= limit:
        return [(data, height)]
    most = pages.lines_that_fit(limit)
    first, rest = dict(data), {"id": pages.continued(str(data.get("id", "")))}
    for key, width, _ in book.row_styles(table):
        text = data.get(key)
        if isinstance(text, str) and not pages.prints_whole(text, width, most):
            first[key], rest[key] = pages.cut(text, max(1.0, width * 1.1 - 1), most)
    if len(rest) == 1:  # nothing could be cut (a single word too long): printed as it is
        return [(data, height)]
    return [(first, cells.data_height(book, table, first, 1)), *_pieces(book, table, rest, limit)]
