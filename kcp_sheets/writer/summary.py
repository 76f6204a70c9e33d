"""The summary sheet: its title, a chart, then each block as a small table
the chart reads; a block that would run over a page's foot starts the next."""

from __future__ import annotations

from typing import Any

from .. import pages
from ..content import shown_as_text
from ..pages import DEFAULT_ROW_HEIGHT, GROUP_ROW_HEIGHT
from ..spec import Sheet
from . import cells, paper
from .growing import GrowingSheet
from .styles import Book

Placed = dict[str, tuple[int, int]]  # a block's key: its first and last data row (0-based)


def summary(book: Book, ws: GrowingSheet, sheet: Sheet) -> None:
    """Title, the chart, then each block as a small table the chart reads."""
    paper.title(book, ws, sheet)
    widths: dict[int, float] = {}
    for block in sheet.blocks:
        for col, column in enumerate(block.columns):
            widths[col] = max(widths.get(col, 0), column.width)
    for col, width in widths.items():
        ws.set_column(col, col, width)
    scale = paper.print_columns(book, ws, [widths[c] for c in sorted(widths)], 1)
    page_rows = pages.page_rows(scale, book.spec.common.orientation)
    chart_rows = (
        max(1, min(sheet.chart.height_rows, page_rows - 4)) if sheet.chart else 0
    )  # below the title, on its page
    row, placed = _blocks(book, ws, sheet, scale, 3 + (chart_rows + 1 if sheet.chart else 0))
    chart_spec = sheet.chart
    if chart_spec and placed.get(chart_spec.block, (0, -1))[1] >= placed[chart_spec.block][0]:
        _chart(book, ws, sheet, placed, chart_rows, sum(pages.column_pixels(w) for w in widths.values()))
    ws.print_area(0, 0, row, max(widths, default=0))


def _blocks(book: Book, ws: GrowingSheet, sheet: Sheet, scale: float, row: int) -> tuple[int, Placed]:
    """Each block from `row` down, under its band and header; the row after the last, and where each block's data is."""
    room = pages.page_room(scale, book.spec.common.orientation)
    used = row * DEFAULT_ROW_HEIGHT  # the title and the chart, on the first page
    breaks: list[int] = []
    placed: Placed = {}
    for block in sheet.blocks:
        data = book.content.blocks.get(block.key, [])
        header = pages.header_height([(c.header, c.width) for c in block.columns])
        heights = [
            pages.row_height([(shown_as_text(values.get(c.key)), c.width) for c in block.columns]) for values in data
        ]
        need = GROUP_ROW_HEIGHT + header + sum(heights)
        if (
            used and used + need > room
        ):  # a block that would run over the page's foot starts the next, heading and header with it
            breaks.append(row)
            used = 0
        used += need + 2 * DEFAULT_ROW_HEIGHT
        _band(book, ws, row, len(block.columns) - 1, block.title)
        row += 1
        for col, column in enumerate(block.columns):
            ws.write_string(row, col, column.header, book.formats["header"])
        ws.set_row(row, header)
        placed[block.key] = (row + 1, row + len(data))
        for values, height in zip(data, heights, strict=True):
            row += 1
            for col, column in enumerate(block.columns):
                value = values.get(column.key)
                cells.value(book, ws, row, col, value, "number" if cells.counted(value) else "fixed")
            ws.fit_row(row, height)
        row += 2
    if breaks:
        ws.set_h_pagebreaks(breaks)
    return row, placed


def _chart(book: Book, ws: GrowingSheet, sheet: Sheet, placed: Placed, chart_rows: int, printed: int) -> None:
    """A stacked bar chart of the chart's block, as wide as the columns printed (`printed` pixels)."""
    chart_spec = sheet.chart
    assert chart_spec is not None
    block = next(b for b in sheet.blocks if b.key == chart_spec.block)
    first, last = placed[block.key]
    chart = book.wb.add_chart({"type": "bar", "subtype": "stacked"})
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
    chart.set_size({"width": min(900, printed), "height": chart_rows * 20})
    ws.insert_chart(3, 0, chart)


def _band(book: Book, ws: GrowingSheet, row: int, last: int, title: str) -> None:
    """A table's title over the table's width: its grey band holds the whole title, and stops where the table does."""
    if last > 0:
        ws.merge_range(row, 0, row, last, "", book.formats["heading"])
    ws.write_string(row, 0, title, book.formats["heading"])  # as text, never a formula
