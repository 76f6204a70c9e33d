"""The writer: a resolved spec plus its content, rendered as an .xlsx file.

Every position comes from the spec; every string is written as a string, so
text that looks like a formula or a link stays text. The file is written to
a temporary name and moved into place, so an interrupted run leaves nothing
half-written, and document dates come from the review so the same inputs give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from . import pages, unfinished
from .content import (
    IDENTITY_MARK,
    Content,
    instruction_cells,
    scale_entries,
    shown_as_text,
)
from .pages import (
    DEFAULT_ROW_HEIGHT,
    GROUP_ROW_HEIGHT,
    LINE_HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_SIDE,
    MARGIN_TOP,
    MARGIN_TOP_TITLED,
    MAX_ROW_HEIGHT,
)
from .spec import Column, Sheet, Table, WorkbookSpec
from .values import score_formula

A4 = 9
HEADER_MARGIN = 0.3  # inches from the paper's top edge to the page header
HEADER_LIMIT = 255  # characters Excel allows in a page header, its codes included
FORM_LABEL_WIDTH = 28
STREAM_FROM_ROWS = 20_000  # larger workbooks are streamed row by row (xlsxwriter constant_memory)


class _Sheet(Worksheet):
    """A worksheet whose rows can be given a height and still grow.

    A row written with a height is marked as sized by hand (customHeight), and
    neither Excel nor LibreOffice ever resizes such a row, so what is typed
    into it is cut off. LibreOffice does not size rows when it opens a file,
    so a row with pre-filled text needs a height. Rows in `growing` get
    their height without the mark: shown whole when opened, and refitted by
    either program as soon as something is typed in them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.growing: set[int] = set()  # 1-based row numbers
        self.heights: dict[int, float] = {}  # 0-based row: points, of the rows given a height

    def fit_row(self, row: int, height: float) -> None:
        """Give a row (0-based) the height its pre-filled text needs, free to grow."""
        self.set_row(row, min(MAX_ROW_HEIGHT, height))
        self.heights[row] = min(MAX_ROW_HEIGHT, height)
        self.growing.add(row + 1)

    def _xml_start_tag_unencoded(self, tag: str, attributes: Any = None) -> None:
        super()._xml_start_tag_unencoded(tag, self._free(tag, attributes))

    def _xml_empty_tag_unencoded(self, tag: str, attributes: Any = None) -> None:
        super()._xml_empty_tag_unencoded(tag, self._free(tag, attributes))

    def _free(self, tag: str, attributes: Any) -> Any:
        if tag == "row" and attributes and attributes[0][1] in self.growing:
            return [a for a in attributes if a[0] != "customHeight"]
        return attributes


def write_workbook(spec: WorkbookSpec, content: Content, path: Path) -> Path:
    """Render the workbook atomically at `path`."""
    aside = write_aside(spec, content, path)
    os.replace(aside, path)
    return path


def write_aside(spec: WorkbookSpec, content: Content, path: Path) -> Path:
    """Render the workbook beside `path` under a name `unfinished.sweep` knows,
    to be renamed into place once what records it is committed; a run killed
    before then leaves a file the next run removes, never a half-written one."""
    tmp = unfinished.aside(path)
    try:
        large = sum(len(rows) for rows in content.rows.values()) > STREAM_FROM_ROWS
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        options.update({"constant_memory": True} if large else {"in_memory": True})
        workbook = xlsxwriter.Workbook(str(tmp), options)
        workbook.worksheet_class = _Sheet
        _Renderer(workbook, spec, content, streaming=large).render()
        workbook.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


class _Renderer:
    def __init__(self, workbook: Workbook, spec: WorkbookSpec, content: Content, streaming: bool = False) -> None:
        self.wb = workbook
        self.streaming = streaming
        self._styles: dict[int, tuple[Table, list[tuple[str, float, tuple[str, str, str]]]]] = {}  # by id, the table kept so its id is never reused
        self.spec = spec
        self.content = content
        common = spec.common
        base = {"font_name": common.font, "font_size": common.font_size}
        self.formats = {name: workbook.add_format({**base, **style}) for name, style in common.styles.items()}
        self.date_formats = {
            # Left, as text is: a column of due dates reads one way, "31/12/2004" beside "March 2005".
            name: workbook.add_format({**base, **style, "num_format": common.date_format, "align": "left"})
            for name, style in common.styles.items()
        }

    def render(self) -> None:
        created = dt.datetime.combine(self.content.created, dt.time(9, 0))
        self.wb.set_properties(
            {
                "title": self.spec.title,
                "subject": self.spec.template,
                "author": self.content.author,
                "company": self.content.company,
                "created": created,
                "keywords": f"{self.spec.template} v{self.spec.version}",
                "comments": "Made by kcp-sheets. Fill the coloured cells and e-mail the workbook back.",
            }
        )
        for sheet in self.spec.sheets:
            ws = self.wb.add_worksheet(sheet.name)
            self._page_setup(ws)
            if sheet.kind == "instructions":
                self._instructions(ws, sheet)
            elif sheet.kind == "table":
                assert sheet.table is not None
                self._table_sheet(ws, sheet, sheet.table)
            elif sheet.kind == "summary":
                self._summary(ws, sheet)
            else:
                self._form(ws, sheet)
            if sheet.officer:
                ws.hide()
            if self.spec.protect:
                ws.protect(self.content.password, {"autofilter": True, "format_columns": True, "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})
        if self.spec.identity:
            self._identity()

    # Page set-up shared by every sheet.
    def _page_setup(self, ws: _Sheet) -> None:
        if self.spec.common.orientation == "landscape":
            ws.set_landscape()
        ws.set_paper(A4)
        ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
        # &A, the sheet's name, so a loose page says where it belongs; 9 pt, so a long partnership's name still fits beside it.
        ws.set_footer(f"&L&9{pages.after_size(self.spec.footer_name)}&R&9&A, page &P of &N")

    def _fit(self, widths: list[float], repeat: int) -> tuple[float, list[int]]:
        common = self.spec.common
        return pages.print_fit(widths, repeat, common.orientation, common.smallest_print_scale, MARGIN_SIDE)

    def _print_columns(self, ws: _Sheet, widths: list[float], repeat: int) -> float:
        """Print at a scale that keeps text legible: one page wide if the columns fit at
        the smallest legible scale, else several pages wide at the largest scale that
        needs the fewest pages, with the first `repeat` columns (the row's ID) on each."""
        scale, breaks = self._fit(widths, repeat)
        if not breaks and scale < 1:
            ws.fit_to_pages(1, 0)
        elif breaks:
            ws.set_print_scale(round(scale * 100))
            ws.set_v_pagebreaks(breaks)
            ws.print_across()  # the pages of the same rows follow each other
            ws.repeat_columns(0, repeat - 1)
        return scale


    def _title(self, ws: _Sheet, sheet: Sheet) -> None:
        (title_row, title_col), (sub_row, sub_col) = sheet.title_cells
        ws.write_string(title_row, title_col, sheet.title, self.formats["title"])
        if sheet.subtitle:
            ws.write_string(sub_row, sub_col, sheet.subtitle, self.formats["subtitle"])

    def _title_when_across(self, ws: _Sheet, sheet: Sheet) -> int:
        """The first row to print. A sheet printed over several pages across
        would show its title cut off at the repeated columns' edge on all but
        the first: there every page's header carries the title (at its own
        size: a page header is not scaled), and the title's rows are not
        printed. A subtitle too long for Excel's limit on a header keeps its
        row, and prints as it did."""
        if not ws.vbreaks:
            return 0
        (title_row, _), (subtitle_row, _) = sheet.title_cells
        title = f'&L&"-,Bold"&12{pages.after_size(sheet.title)}'
        subtitle = f'  &"-,Italic"&9{pages.after_size(sheet.subtitle)}' if sheet.subtitle else ""
        for header, first in ((title + subtitle, max(title_row, subtitle_row) + 1), (title, subtitle_row)):
            if pages.header_units(header) <= HEADER_LIMIT:
                ws.set_header(header, {"margin": HEADER_MARGIN})
                ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP_TITLED, bottom=MARGIN_BOTTOM)
                return first
        return 0  # a title too long for any header: printed in its row, as it was

    def _instructions(self, ws: _Sheet, sheet: Sheet) -> None:
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 90)
        self._print_columns(ws, [22, 90], 1)
        self._title(ws, sheet)
        cells = instruction_cells(self.spec, self.content, sheet)
        for row, col, text, style in cells:
            ws.write_string(row, col, text, self.formats[style])
        for para_row, para in enumerate(sheet.paragraphs, start=2):
            ws.fit_row(para_row, pages.row_height([(para.heading, 22), (para.text, 90)]))
        last = cells[-1][0] if cells else 1
        shown = bool(sheet.contacts_heading and self.content.contacts)
        last = last if shown else last + 2 + len(self.content.contacts)
        ws.print_area(0, 0, last, 1)
        # A page a little too short for the instructions is not left to a few rows of contacts: all on one page, still legible.
        tall = sum(ws.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(last + 1))
        orientation, smallest = self.spec.common.orientation, self.spec.common.smallest_print_scale / 100
        if pages.page_room(1.0, orientation) < tall <= pages.page_room(smallest, orientation) / 0.95:  # the program scales it: no margin for error needed
            ws.fit_to_pages(1, 1)

    def _table_sheet(self, ws: _Sheet, sheet: Sheet, table: Table) -> None:
        self._title(ws, sheet)
        table = self._unbroken(table, self.content.rows.get(sheet.key, []))
        header = table.header_row - 1
        self._headers(ws, table, header)
        ws.freeze_panes(header + 1, 1)
        ws.repeat_rows(header)
        rows = self.content.rows.get(sheet.key, [])
        empty = {n for n, c in enumerate(table.columns) if c.optional and not any(d.get(c.key) not in (None, "") for d in rows)}
        for n in empty:  # a column empty in every row is neither shown nor printed
            ws.set_column(n, n, table.columns[n].width, None, {"hidden": True})
        scale = self._print_columns(ws, [0 if n in empty else c.width for n, c in enumerate(table.columns)], table.repeat_columns)
        first_printed = self._title_when_across(ws, sheet)
        top = MARGIN_TOP_TITLED if first_printed else MARGIN_TOP
        room = pages.page_room(scale, self.spec.common.orientation, top)
        above = sum(ws.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(first_printed, header + 1))
        entries, lines = self._table_lines(ws, table, rows, pages.row_limit(room, above))  # a row fits under the title too
        if table.group_by and not self.streaming:
            order = pages.lay_out(lines, room, ws.heights[header], above, self._group_height(ws, table, pages.continued(max((line.group for line in lines), key=len, default=""))))
        else:
            order = pages.tail_together(lines, table.spare_rows if not self.streaming else 0, room, ws.heights[header], above)
        row, first_data, first_spare = header + 1, header + 1, None
        breaks: list[int] = []
        members: list[int] = []
        for place in order:
            if place.new_page:
                breaks.append(row)
            kind, payload = entries[place.index] if place.index >= 0 else ("heading", place.title)
            if kind == "heading":
                self._group_heading(ws, table, row, str(payload), lines[place.index].height if place.index >= 0 else self._group_height(ws, table, str(payload)))
                members = [] if place.index >= 0 else members
            elif kind == "total":
                self._total_row(ws, table, row, members)
            elif kind == "spare":
                first_spare = row if first_spare is None else first_spare
                self._data_row(ws, table, row, payload, False, spare=True, height=lines[place.index].height)
            else:
                highlight = bool(table.highlight_when and payload.get(table.highlight_when))
                self._data_row(ws, table, row, payload, highlight, height=lines[place.index].height)
                members.append(row)
            row += 1
        self._validate(ws, table, first_data, (first_spare or row) - 1, spare=False)
        if first_spare is not None:
            self._validate(ws, table, first_spare, row - 1, spare=True)
        last_col = len(table.columns) - 1
        if not sheet.officer:  # LibreOffice prints a hidden sheet that has a print area
            ws.print_area(first_printed, 0, max(row - 1, header), last_col)
        if breaks:
            ws.set_h_pagebreaks(breaks)
        if table.excel_table and not self.streaming:  # xlsxwriter cannot stream tables: a filter instead
            columns = [{"header": c.header, "header_format": self.formats["header"]} for c in table.columns]
            ws.add_table(header, 0, max(row - 1, header + 1), last_col, {"name": table.excel_table, "columns": columns, "style": "Table Style Light 1"})
        elif row > first_data:
            ws.autofilter(header, 0, row - 1, last_col)

    def _unbroken(self, table: Table, rows: list[dict[str, Any]]) -> Table:
        """The table with each column of fixed text ('HW-NEW-08', 'PCT Communications')
        widened, up to half as wide again, so that no word of it breaks on paper, unless
        that would print it on more pages across."""
        spare = [table.new_id.format(n=n, **self.content.identity) for n in range(1, table.spare_rows + 1)]
        columns = []
        for column in table.columns:
            texts = [shown_as_text(r.get(column.key)) for r in rows] + (spare if column.kind == "id" else [])
            need = pages.longest_word(texts, whole=column.kind == "id") if not column.is_input and not column.turned else 0.0
            columns.append(replace(column, width=min(need, column.width * 1.5)) if need > column.width else column)
        wider = replace(table, columns=tuple(columns))
        pages_across = lambda t: len(self._fit([c.width for c in t.columns], t.repeat_columns)[1])
        return wider if pages_across(wider) <= pages_across(table) else table  # never a page more across for it

    def _table_lines(self, ws: _Sheet, table: Table, rows: list[dict[str, Any]], limit: float) -> tuple[list[tuple[str, Any]], list[pages.Line]]:
        """The table's rows in order (group headings, rows, totals, spare rows), each with
        its printed height and the title of its group, for laying out on pages; a row
        taller than `limit` (what a page holds under its header) goes on over continuation rows."""
        entries: list[tuple[str, Any]] = []
        lines: list[pages.Line] = []
        key: str | None = None
        title = ""
        for n, data in enumerate(rows):
            if table.group_by and str(data.get(table.group_by, "")) != key:
                key = str(data.get(table.group_by, ""))
                title = self.content.group_titles.get(key, key)
                entries.append(("heading", title))
                lines.append(pages.Line(self._group_height(ws, table, title), title, heading=True))
            for piece, height in self._pieces(table, data, limit):
                entries.append(("data", piece))
                lines.append(pages.Line(height, title))
            last_of_group = n + 1 == len(rows) or not table.group_by or str(rows[n + 1].get(table.group_by, "")) != key
            if table.total_of and last_of_group:
                entries.append(("total", None))
                lines.append(pages.Line(DEFAULT_ROW_HEIGHT, title))
        for n in range(1, table.spare_rows + 1):
            spare = {"id": table.new_id.format(n=n, **self.content.identity)}
            entries.append(("spare", spare))
            lines.append(pages.Line(self._data_height(table, spare, 1)))  # one line each, growing with what is typed: no page of a few empty rows
        return entries, lines

    def _segments(self, ws: _Sheet, table: Table) -> list[tuple[int, int]]:
        """The runs of columns a row spans on paper: one run, or, on a sheet printed
        several pages wide, the repeated columns and then each page's own columns."""
        last = len(table.columns) - 1
        if not ws.vbreaks:
            return [(0, last)]
        starts = [0, table.repeat_columns, *ws.vbreaks]
        return [(a, b - 1) for a, b in zip(starts, [*starts[1:], last + 1], strict=True) if b > a]

    def _group_height(self, ws: _Sheet, table: Table, title: str) -> float:
        """A group's heading, wrapped in the columns that carry it on every page."""
        first, last = self._segments(ws, table)[0]
        width = sum(c.width for c in table.columns[first : last + 1])
        return max(GROUP_ROW_HEIGHT, (LINE_HEIGHT + 2) * pages.lines(title, width, 0.95) + 3)

    def _group_heading(self, ws: _Sheet, table: Table, row: int, title: str, height: float) -> None:
        """A band across the table: on a sheet printed several pages wide the title sits
        in the repeated columns, so every page shows it whole, and the band stops at
        each page's last column rather than running past it."""
        for first, last in self._segments(ws, table):
            if last > first:
                # merge_range writes its text with write(), which would make '=...' a formula.
                ws.merge_range(row, first, row, last, "", self.formats["group"])
            else:
                ws.write_blank(row, first, None, self.formats["group"])
        ws.write_string(row, 0, title, self.formats["group"])
        ws.fit_row(row, height)

    def _summary(self, ws: _Sheet, sheet: Sheet) -> None:
        """Title, the chart, then each block as a small table the chart reads."""
        self._title(ws, sheet)
        widths: dict[int, float] = {}
        for block in sheet.blocks:
            for col, column in enumerate(block.columns):
                widths[col] = max(widths.get(col, 0), column.width)
        for col, width in widths.items():
            ws.set_column(col, col, width)
        scale = self._print_columns(ws, [widths[c] for c in sorted(widths)], 1)
        room = pages.page_room(scale, self.spec.common.orientation)
        page_rows = pages.page_rows(scale, self.spec.common.orientation)
        chart_rows = max(1, min(sheet.chart.height_rows, page_rows - 4)) if sheet.chart else 0  # below the title, on its page
        row = 3 + (chart_rows + 1 if sheet.chart else 0)
        used = row * DEFAULT_ROW_HEIGHT  # the title and the chart, on the first page
        breaks: list[int] = []
        placed: dict[str, tuple[int, int]] = {}
        for block in sheet.blocks:
            data = self.content.blocks.get(block.key, [])
            header = pages.header_height([(c.header, c.width) for c in block.columns])
            heights = [pages.row_height([(shown_as_text(values.get(c.key)), c.width) for c in block.columns]) for values in data]
            need = GROUP_ROW_HEIGHT + header + sum(heights)
            if used and used + need > room:  # a block that would run over the page's foot starts the next, heading and header with it
                breaks.append(row)
                used = 0
            used += need + 2 * DEFAULT_ROW_HEIGHT
            self._band(ws, row, len(block.columns) - 1, block.title)
            row += 1
            for col, column in enumerate(block.columns):
                ws.write_string(row, col, column.header, self.formats["header"])
            ws.set_row(row, header)
            placed[block.key] = (row + 1, row + len(data))
            for values, height in zip(data, heights, strict=True):
                row += 1
                for col, column in enumerate(block.columns):
                    value = values.get(column.key)
                    self._value(ws, row, col, value, "number" if _counted(value) else "fixed")
                ws.fit_row(row, height)
            row += 2
        if breaks:
            ws.set_h_pagebreaks(breaks)
        chart_spec = sheet.chart
        if chart_spec and placed.get(chart_spec.block, (0, -1))[1] >= placed[chart_spec.block][0]:
            block = next(b for b in sheet.blocks if b.key == chart_spec.block)
            first, last = placed[block.key]
            chart = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
            name = sheet.name.replace("'", "''")
            for n, key in enumerate(chart_spec.series):
                col = next(i for i, c in enumerate(block.columns) if c.key == key)
                series: dict[str, Any] = {
                    "name": [sheet.name, first - 1, col],
                    "categories": f"='{name}'!$A${first + 1}:$A${last + 1}",
                    "values": [sheet.name, first, col, last, col],
                    "data_labels": {"value": True, "num_format": "0;;;"},  # no label on an empty segment
                }
                if n < len(chart_spec.colours):
                    series["fill"] = {"color": chart_spec.colours[n]}
                    series["border"] = {"color": "#404040"}
                chart.add_series(series)
            chart.set_title({"name": chart_spec.title, "name_font": {"size": 11}})
            chart.set_y_axis({"reverse": True})
            chart.set_legend({"position": "bottom"})
            # As wide as the columns printed (no wider, or the page cuts it), as tall as the rows left for it.
            printed = sum(pages.column_pixels(w) for w in widths.values())
            chart.set_size({"width": min(900, printed), "height": chart_rows * 20})
            ws.insert_chart(3, 0, chart)
        ws.print_area(0, 0, row, max(widths, default=0))

    def _band(self, ws: _Sheet, row: int, last: int, title: str) -> None:
        """A table's title over the table's width: its grey band holds the whole title, and stops where the table does."""
        if last > 0:
            ws.merge_range(row, 0, row, last, "", self.formats["heading"])
        ws.write_string(row, 0, title, self.formats["heading"])  # as text, never a formula

    def _headers(self, ws: _Sheet, table: Table, header: int) -> None:
        for col, column in enumerate(table.columns):
            ws.set_column(col, col, column.width)
            ws.write_string(header, col, column.header, self.formats["header_turned" if column.turned else "header"])
        ws.heights[header] = pages.header_height([(c.header, c.width) for c in table.columns if not c.turned], [(c.header, c.width) for c in table.columns if c.turned])
        ws.set_row(header, ws.heights[header])

    def _data_row(self, ws: _Sheet, table: Table, row: int, data: dict[str, Any], highlight: bool, spare: bool = False, lines: int = 1, height: float | None = None) -> None:
        """A row sized to its pre-filled text (at least `lines` lines), free to grow with what is typed."""
        for col, (key, _, styles) in enumerate(self._row_styles(table)):
            self._value(ws, row, col, data.get(key), styles[2] if spare else styles[1] if highlight else styles[0])
        ws.fit_row(row, self._data_height(table, data, lines) if height is None else height)

    def _pieces(self, table: Table, data: dict[str, Any], limit: float) -> list[tuple[dict[str, Any], float]]:
        """A row, with its height; or, if its text would be taller than a printed page,
        the row and its continuation rows ('2.1.1 (continued)'), each no taller than
        `limit`: a long answer prints whole, never cut at the page's foot. Only in what
        we write for reading (the plan, its reports), never in a workbook people return."""
        height = self._data_height(table, data, 1)
        if self.spec.identity or table.excel_table or height <= limit:
            return [(data, height)]
        most = pages.lines_that_fit(limit)
        first, rest = dict(data), {"id": pages.continued(str(data.get("id", "")))}
        for key, width, _ in self._row_styles(table):
            text = data.get(key)
            if isinstance(text, str) and not pages.prints_whole(text, width, most):
                first[key], rest[key] = pages.cut(text, max(1.0, width * 1.1 - 1), most)
        if len(rest) == 1:  # nothing could be cut (a single word too long): printed as it is
            return [(data, height)]
        return [(first, self._data_height(table, first, 1)), *self._pieces(table, rest, limit)]

    def _data_height(self, table: Table, data: dict[str, Any], lines: int) -> float:
        """The height a row needs to show its pre-filled text whole, at least `lines` lines."""
        cells = [(shown_as_text(data.get(key)), width) for key, width, _ in self._row_styles(table)]
        return max(LINE_HEIGHT * lines + 2, pages.row_height(cells))

    def _row_styles(self, table: Table) -> list[tuple[str, float, tuple[str, str, str]]]:
        """Per column: key, width and its style in a plain, a highlighted and a spare row."""
        held, cached = self._styles.get(id(table), (None, None))
        if held is not table or cached is None:
            cached = []
            for column in table.columns:
                entry = "stage2" if column.stage == 2 else "stage1"
                if column.kind == "id":
                    styles = ("fixed", "fixed", "fixed")
                elif column.is_input:
                    styles = (entry, entry, entry)
                else:
                    styles = ("fixed", "highlight", entry)  # a spare row's every cell is typed in
                cached.append((column.key, column.width, styles))
            self._styles[id(table)] = (table, cached)
        return cached

    def _total_row(self, ws: _Sheet, table: Table, row: int, members: list[int]) -> None:
        target = table.index(table.total_of)
        for col in range(len(table.columns)):
            ws.write_blank(row, col, None, self.formats["total"])
        label_to = min(max(table.repeat_columns, 2), target) - 1  # the label's whole width, on every page
        if label_to > 0:
            ws.merge_range(row, 0, row, label_to, "", self.formats["total"])
        ws.write_string(row, 0, table.total_label, self.formats["total"])
        letter = xlsxwriter.utility.xl_col_to_name(target)
        # Each score read as the reader reads it ('Largely met', 'three', '4 - mostly'), so the
        # total here is the plan's; a score it cannot read shows a note, never a wrong total.
        labels = self.content.scales.get(table.column(table.total_of).scale, {})
        terms = ",".join(score_formula(f"{letter}{r + 1}", labels) for r in members)
        ws.write_formula(row, target, f'=IFERROR(SUM({terms}),"Check the scores")', self.formats["total"], 0)

    def _form(self, ws: _Sheet, sheet: Sheet) -> None:
        self._title(ws, sheet)
        table = sheet.table
        last_col = sheet.form_last_col()
        widths = [column.width for column in table.columns] if table else [0.0] * (last_col + 1)
        widths[0] = FORM_LABEL_WIDTH
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        scale = self._print_columns(ws, widths, 1)
        for f in sheet.fields:
            row = sheet.field_rows()[f.key] - 1
            # One value cell, not merged: no program grows a row for a merged cell's text.
            ws.write_string(row, 0, f.label, self.formats["label"])
            value_col = sheet.form_value_col
            ws.write_blank(row, value_col, None, self.formats["stage2"])
            ws.fit_row(row, max(LINE_HEIGHT * f.lines + 2, pages.row_height([(f.label, FORM_LABEL_WIDTH)])))
            if f.help:
                ws.data_validation(row, value_col, row, value_col, {"validate": "any", **_prompt(f.label, f.help)})
        last = max((r - 1 for r in sheet.field_rows().values()), default=0)
        if table:
            header = sheet.form_table_header_row() - 1
            ws.write_string(header - 1, 0, table.title, self.formats["heading"])  # not merged: a form's rows all grow
            self._headers(ws, table, header)
            ws.set_column(0, 0, FORM_LABEL_WIDTH)
            for n in range(1, table.rows + 1):
                self._data_row(ws, table, header + n, {"id": table.id.format(n=n)}, False, lines=3)
            self._validate(ws, table, header + 1, header + table.rows, spare=False)
            last = header + table.rows
            # A table that would run onto a second page without its header starts one, heading and header with it.
            if sum(ws.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(last + 1)) > pages.page_room(scale, self.spec.common.orientation):
                ws.set_h_pagebreaks([header - 1])
        first_printed = self._title_when_across(ws, sheet)
        if first_printed and not sheet.officer:
            ws.print_area(first_printed, 0, max(last, first_printed), last_col)

    def _value(self, ws: _Sheet, row: int, col: int, value: Any, style: str) -> None:
        fmt = self.formats[style]
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col, "Yes" if value else "No", fmt)
        elif isinstance(value, (int, float)):  # centred when fixed: '1' never reads as one with 'error' beside it
            ws.write_number(row, col, value, self.formats["number"] if style == "fixed" else fmt)
        elif isinstance(value, dt.date):
            when = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            ws.write_datetime(row, col, when, self.date_formats[style])
        else:
            ws.write_string(row, col, str(value)[:32767], fmt)

    def _validate(self, ws: _Sheet, table: Table, first: int, last: int, spare: bool) -> None:
        """One validation per column over the rows: drop-downs and input messages."""
        if last < first:
            return
        for col, column in enumerate(table.columns):
            if column.is_input or (spare and column.kind != "id"):
                self._validate_cells(ws, first, last, col, column)

    def _validate_cells(self, ws: _Sheet, first: int, last: int, col: int, column: Column) -> None:
        options: dict[str, Any] = _prompt(column.header, column.help)
        if column.kind == "score":
            entries = scale_entries(self.content.scales.get(column.scale, {}))
            options.update(validate="list", source=entries, error_title="Pick a score", error_message=("Pick one of: " + "; ".join(entries))[:255])
        elif column.kind in ("flag", "choice"):
            options.update(validate="list", source=list(column.choices), error_title="Pick from the list", error_message=("Pick one of: " + ", ".join(column.choices))[:255])
        elif "input_message" not in options:
            return
        else:
            options["validate"] = "any"
        ws.data_validation(first, col, last, col, options)

    def _identity(self) -> None:
        ws = self.wb.add_worksheet(self.spec.common.identity_sheet)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 60)
        ws.write_string(0, 0, IDENTITY_MARK)
        ws.write_string(0, 1, "Please do not edit or delete this sheet: it tells the officer which workbook this is.")
        for row, (key, value) in enumerate(self.content.identity.items(), start=1):
            ws.write_string(row, 0, key)
            ws.write_string(row, 1, value)
        ws.hide()
        ws.protect(self.content.password)




def _counted(value: Any) -> bool:
    """A count or a score ('12', '3.92', '8 of 9'): centred in its column, so that it
    never reads as one with the text beside it ('12|none agreed')."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or bool(re.fullmatch(r"\d+(?:\.\d+)?(?: of \d+)?", str(value)))


def _prompt(header: str, help_text: str) -> dict[str, str]:
    """The message shown on entering a cell. Its title holds 32 characters, so a
    longer header opens the message instead of being cut off."""
    if len(header) <= 32:
        return {"input_title": header, **({"input_message": help_text[:255]} if help_text else {})}
    return {"input_message": f"{header}: {help_text}"[:255] if help_text else header[:255]}
