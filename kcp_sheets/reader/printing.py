"""Answers too long to print whole in their cell: measured on the page the
writer lays the table out on, so the officer hears of it before printing."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .. import pages
from ..cellref import cell_name
from ..spec import Sheet, Table
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading

SHOWN_WORDS = 12  # of a long answer, in the problem's Found: enough to know it again


def too_long_to_print(
    reading: Reading, sheet_name: str, sheet: Sheet, table: Table, columns: dict[str, int], rows: list[Row]
) -> None:
    """Warn of each typed answer taller than a printed page allows its row: the
    printed tracker cuts it, and the plan prints it whole over continuation rows."""
    texts = [c for c in table.inputs if c.kind == "text"]
    if not texts or reading.result.sent is None:
        return
    common = reading.result.sent.spec.common
    title_rows = max(row for row, _ in sheet.title_cells) + 1
    most = _lines_that_fit(table, common.orientation, common.smallest_print_scale, title_rows)
    for row in rows:
        for col in texts:
            text = row.values.get(col.key)
            if not isinstance(text, str) or pages.prints_whole(text, col.width, most):
                continue
            fits = len(pages.cut(text, max(1.0, col.width * pages.TYPED - 1), most)[0].split()) - 1  # less the ' …'
            words = text.split()
            where = cell_name(row.cell_row, columns.get(col.key, table.index(col.key)))
            reading.add(
                "answer-too-long-to-print",
                sheet=sheet_name,
                cell=where,
                row_id=row.id,
                column=col.header,
                found=" ".join(words[:SHOWN_WORDS]) + " …",
                where=where,
                words=len(words),
                fits=fits,
            )


@lru_cache(maxsize=64)
def _lines_that_fit(table: Table, orientation: str, smallest: int, title_rows: int) -> int:
    """Lines of typed text a row of this table prints whole: the same for every
    return of a template, so worked out once rather than on every read."""
    header = pages.header_height(
        [(c.header, c.width) for c in table.columns if not c.turned],
        [(c.header, c.width) for c in table.columns if c.turned],
    )
    limit = pages.table_row_limit(
        [c.width for c in table.columns],
        table.repeat_columns,
        orientation,
        smallest,
        header,
        table.header_row - 1,
        title_rows,
    )
    return pages.lines_that_fit(limit)
