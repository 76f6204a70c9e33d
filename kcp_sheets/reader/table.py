"""Reading a table: rows found by their ID, columns by their header, each
cell parsed by its column's kind; what does not fit is reported."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..cellref import cell_name
from ..spec import Column, Sheet, Table
from ..values import as_text
from .by_text import match_by_text, norm
from .cells import parse_cell
from .elsewhere import other_clusters_row, others_id, pasted_over, spare_answers, spilled
from .found import Found, Line
from .moved import report_cut
from .opening import Grid
from .printing import too_long_to_print
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading

HEADER_SCAN_ROWS = 60
__all__ = ["find_header", "parse_cell", "read_table"]  # parse_cell: a cell read as the table reads it


def read_table(
    reading: Reading,
    sheet_name: str,
    sheet: Sheet,
    table: Table,
    sent: list[dict[str, Any]],
    start: int = 0,
    fixed_ids: list[str] | None = None,
) -> None:
    """Read the table found on `sheet_name` into the Return's rows for `sheet`.

    `sent` are the rows the workbook was sent with; `fixed_ids` are the
    row IDs of a form's fixed-size table (no rows sent, none new)."""
    expected_at = (table.header_row - 1) if table.header_row else (sheet.form_table_header_row() - 1)
    header_row, columns = find_header(reading.grids[sheet_name], table, expected_at, start)
    reading.result.columns[sheet.key] = columns
    if start == 0:
        reading.accounts.take(sheet_name, sheet.title_cells)
    if header_row < 0:
        reading.add("header-missing", sheet=sheet_name, detail=", ".join(c.header for c in table.columns[:3]) + " ...")
    else:
        found = Found.headed(reading, sheet_name, table, header_row, columns)
        if fixed_ids is None:
            reading.result.rows[sheet.key] = _read_sent_rows(found, {str(r["id"]): r for r in sent})
            too_long_to_print(reading, sheet_name, sheet, table, columns, reading.result.rows[sheet.key])
        else:
            reading.result.rows[sheet.key] = _read_fixed_rows(
                found, {str(r["id"]): r for r in sent} | {i: {"id": i} for i in fixed_ids}
            )
    reading.accounts.settle(sheet_name, start)


def _read_fixed_rows(found: Found, fixed_by_id: dict[str, dict[str, Any]]) -> list[Row]:
    """A form's fixed table: its rows by their IDs, a row holding its ID alone taken as ours."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    new_count = 0
    for line, _, _ in found.lines():
        r, ident, _, present = line
        if ident in fixed_by_id and present == [found.id_col]:
            found.reading.accounts.take(found.sheet_name, [(r, found.id_col)])
            continue
        row = found.read_row(line, ident, fixed_by_id, seen, [])
        if row is None:
            continue
        if ident not in fixed_by_id:
            new_count = found.as_new(row, r, ident, new_count)
        rows.append(row)
    return rows


def _read_sent_rows(found: Found, sent_by_id: dict[str, dict[str, Any]]) -> list[Row]:
    """A table sent with rows: each row by its ID (or, where the ID was lost,
    by its text), new rows named, and what was cut, moved or deleted reported."""
    reading, sheet_name = found.reading, found.sheet_name
    lines, spills = _sorted_lines(found, sent_by_id)
    answered = {r for r, _, _, present in lines if not found.inputs.isdisjoint(present)}
    if spills:
        lines, spills = spare_answers(lines, spills, found.spare, sent_by_id, answered)
    assigned = match_by_text(found, sent_by_id, lines) if found.fixed else {}
    seen: dict[str, int] = {}
    rows = _read_lines(found, lines, assigned, sent_by_id, seen)
    by_row = {
        r: (assigned.get(r, ident), cells) for r, ident, cells, _ in lines
    }  # each row by the action it was read as
    for r, ident, cells, present in spills:
        spilled(
            reading,
            sheet_name,
            r,
            cells,
            present,
            ident,
            by_row,
            answered,
            found.typed(cells, set(present) - {found.id_col}),
            found.id_col,
        )
        reading.accounts.take(sheet_name, ((r, c) for c in present))
    report_cut(
        reading,
        sheet_name,
        {r: i for r, (i, _) in by_row.items() if i in sent_by_id},
        answered,
        sorted(found.inputs),
        {r for r, *_ in spills},
    )
    for ident in sent_by_id:
        if ident not in seen:
            reading.add("row-deleted", sheet=sheet_name, row_id=ident)
    return rows


def _read_lines(
    found: Found,
    lines: list[Line],
    assigned: dict[int, str],
    sent_by_id: dict[str, dict[str, Any]],
    seen: dict[str, int],
) -> list[Row]:
    """Each row read as the sent row it is (answers pasted over its fixed text
    reported), or as a new action unless it is another cluster's."""
    rows: list[Row] = []
    new_count = 0
    for line in lines:
        r, ident, cells, present = line
        read_as = assigned.get(r, ident)
        edited: list[tuple[Column, Any]] = []
        row = found.read_row(line, read_as, sent_by_id, seen, edited)
        if row is None:
            continue
        if read_as in sent_by_id:
            rows.append(row)
            if edited:
                pasted_over(
                    found.reading,
                    found.sheet_name,
                    cell_name(r + 1, found.id_col),
                    read_as,
                    edited,
                    found.typed(cells, found.inputs & set(present)),
                )
        elif not _other_clusters(found, line, row):
            new_count = found.as_new(row, r, ident, new_count)
            what = next(
                (as_text(row.values[k]) for k in ("action", "outcome", "issue", "title") if row.values.get(k)), ""
            )
            found.reading.add(
                "new-action",
                sheet=found.sheet_name,
                cell=cell_name(r + 1, found.id_col),
                row_id=row.id,
                detail=what or "a row with no action text",
            )
            rows.append(row)
    return rows


def _sorted_lines(found: Found, sent_by_id: dict[str, dict[str, Any]]) -> tuple[list[Line], list[Line]]:
    """The rows of a sent table, and apart from them the answers on a row with
    no action (a total or group title row, or a row whose action is gone)."""
    lines: list[Line] = []
    spills: list[Line] = []
    for line, is_total, is_group in found.lines():
        _, ident, _, present = line
        no_action = (
            found.fixed
            and ident not in sent_by_id
            and not any(c in present for c in (found.columns[f.key] for f in found.fixed))
            and not others_id(found.reading, ident)
        )
        (spills if is_total or is_group or no_action else lines).append(line)
    return lines, spills


def _other_clusters(found: Found, line: Line, row: Row) -> bool:
    """Whether the row is another cluster's, pasted here: its answers are that
    cluster's, never this one's, so it is reported and taken whole."""
    elsewhere = other_clusters_row(found.reading, found.table, line[1], row) if found.table.new_id else None
    if elsewhere is None:
        return False
    r, _, cells, present = line
    other, their = elsewhere
    text = found.typed(cells, set(present) - {found.id_col})
    found.reading.add(
        "row-other-cluster",
        sheet=found.sheet_name,
        cell=cell_name(r + 1, found.id_col),
        row_id=str(their["id"]),
        found=text,
        detail=f"{other.content.identity.get('cluster_name', other.cluster)} ({other.cluster})",
        here=found.reading.identity_facts().get("cluster_name", ""),
    )
    found.reading.accounts.take(found.sheet_name, ((r, c) for c in present))
    return True


@lru_cache(maxsize=64)
def _headers(table: Table) -> dict[str, str]:
    """Each header a table's columns have or had, as compared, to its column's
    key: the same for every return of a template, so made once."""
    return {norm(old): c.key for c in table.columns for old in c.formerly} | {
        norm(c.header): c.key for c in table.columns
    }


def find_header(grid: Grid, table: Table, expected: int = -1, start: int = 0) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and the column of each key found in it.

    The row the template puts it on is tried first; only if most headers are
    not there are the rows around it searched (rows inserted above, say)."""
    wanted = _headers(table)

    def match(r: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        for c, v in enumerate(grid[r]):
            if isinstance(v, str) and v:
                key = wanted.get(norm(v))
                if key and key not in columns:
                    columns[key] = c
        return columns

    if start <= expected < len(grid):
        found = match(expected)
        if len(found) * 2 > len(wanted):
            return expected, found
    best: tuple[int, dict[str, int]] = (-1, {})
    for r in range(start, min(len(grid), max(start, expected) + HEADER_SCAN_ROWS)):
        columns = match(r)
        if len(columns) >= 2 and len(columns) > len(best[1]):
            best = (r, columns)
    return best
