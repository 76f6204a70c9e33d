"""Reading a form: fields found by their label in the first column, the
value in the merged cell beside it, and the form's own table below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..cellref import cell_name
from ..spec import Column, Sheet
from ..values import as_text, is_blank, same_text
from .cells import report_value
from .table import find_header, read_table

if TYPE_CHECKING:
    from .reading import Reading


def read_form(reading: Reading, sheet_name: str, sheet: Sheet) -> None:
    grid = reading.grids[sheet_name]
    accounts = reading.accounts
    accounts.take(sheet_name, sheet.title_cells)
    values: dict[str, Any] = {}
    labels: dict[str, int] = {}  # the first row holding each label, as compared
    for r, row in enumerate(grid):
        if row and not is_blank(row[0]):
            labels.setdefault(as_text(row[0]).strip().casefold(), r)
    last_col = sheet.form_last_col()
    last_field = 0
    for f in sheet.fields:
        r = labels.get(f.label.strip().casefold())
        if r is None:
            reading.add("header-missing", sheet=sheet_name, detail=f.label)
            continue
        last_field = max(last_field, r)
        accounts.take(sheet_name, [(r, 0)])
        row = grid[r]
        # The value cell spans the columns of the form's table (merged); beyond is not the field.
        first = sheet.form_value_col
        typed = [(c, v) for c, v in enumerate(row[first : last_col + 1], start=first) if not is_blank(v)]
        raw = typed[0][1] if typed else None
        col = Column(key=f.key, header=f.label, width=0, kind=f.kind, stage=2)
        value, code, note = reading.parse(col, raw)
        report_value(
            reading,
            code,
            value,
            note,
            raw,
            {"sheet": sheet_name, "cell": cell_name(r + 1, typed[0][0] if typed else first), "column": f.label},
            col,
        )
        if typed[1:]:
            joined = "\n".join(as_text(v) for _, v in typed)
            value = joined
        accounts.take(sheet_name, ((r, c) for c, _ in typed))
        if value is not None:
            reading.result.answers += 1
        values[f.key] = value
    reading.result.fields[sheet.key] = values
    if sheet.table:
        _read_form_table(reading, sheet_name, sheet, last_field + 1)
    else:
        accounts.settle(sheet_name)


def _read_form_table(reading: Reading, sheet_name: str, sheet: Sheet, start: int) -> None:
    table = sheet.table
    assert table is not None
    grid = reading.grids[sheet_name]
    # Cells above the table that are not fields.
    reading.accounts.settle(sheet_name, 0, start)
    ids = [table.id.format(n=n) for n in range(1, table.rows + 1)]
    header_row, _ = find_header(grid, table, sheet.form_table_header_row() - 1, start)
    if header_row > 0 and not is_blank(grid[header_row - 1][0] if grid[header_row - 1] else None):
        title = as_text(grid[header_row - 1][0]).strip()
        if same_text(title, table.title):
            grid[header_row - 1][0] = None  # the table's own title is ours, not typed
    read_table(reading, sheet_name, sheet, table, [], start=start, fixed_ids=ids)
    rows = reading.result.rows.get(sheet.key, [])
    reading.result.rows[sheet.key] = [
        r for r in rows if any(v is not None for k, v in r.values.items() if k != "id") or r.extra
    ]
