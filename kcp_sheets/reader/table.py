"""Reading a table: rows found by their ID, columns by their header, each
cell parsed by its column's kind; what does not fit is reported."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..cellref import cell_name
from ..spec import Column, Sheet, Table
from ..values import as_text, is_blank
from .cells import as_sent_text, parse_cell, row_values
from .elsewhere import other_clusters_row, others_id, pasted_over, spare_answers, spilled
from .moved import report_cut
from .opening import Grid
from .printing import too_long_to_print
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading

HEADER_SCAN_ROWS = 60
__all__ = ["find_header", "parse_cell", "read_table"]  # parse_cell: a cell read as the table reads it


Line = tuple[int, str, list[Any], list[int]]  # a row holding something: its index, ID, cells, and the columns typed in


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
        found = _Found.headed(reading, sheet_name, table, header_row, columns)
        if fixed_ids is None:
            reading.result.rows[sheet.key] = _read_sent_rows(found, {str(r["id"]): r for r in sent})
            too_long_to_print(reading, sheet_name, sheet, table, columns, reading.result.rows[sheet.key])
        else:
            reading.result.rows[sheet.key] = _read_fixed_rows(
                found, {str(r["id"]): r for r in sent} | {i: {"id": i} for i in fixed_ids}
            )
    reading.accounts.settle(sheet_name, start)


@dataclass
class _Found:
    """A table as found on its sheet: where its header is and what each column holds."""

    reading: Reading
    sheet_name: str
    table: Table
    header_row: int
    columns: dict[str, int]  # our columns' keys -> where they are
    extra: dict[int, str]  # columns someone added -> their headers
    headers: dict[int, str]
    id_col: int
    inputs: set[int]  # where the answers go
    fixed: list[Column]  # the columns we filled in and found, IDs aside

    @classmethod
    def headed(
        cls, reading: Reading, sheet_name: str, table: Table, header_row: int, columns: dict[str, int]
    ) -> _Found:
        """The header row read: our columns missing and the columns added are reported."""
        for col in table.columns:
            if col.key not in columns:
                reading.add("header-missing", sheet=sheet_name, cell=cell_name(header_row + 1, 0), detail=col.header)
        header = reading.grids[sheet_name][header_row]
        extra = {c: as_text(v).strip() for c, v in enumerate(header) if not is_blank(v) and c not in columns.values()}
        reading.accounts.take(sheet_name, ((header_row, c) for c, v in enumerate(header) if not is_blank(v)))
        for c, title in extra.items():
            reading.add("column-added", sheet=sheet_name, cell=cell_name(header_row + 1, c), found=title)
        headers = {c: col.header for col in table.columns for c in [columns.get(col.key)] if c is not None} | extra
        inputs = {columns[c.key] for c in table.inputs if c.key in columns}
        fixed = [c for c in table.columns if not c.is_input and c.kind != "id" and c.key in columns]
        return cls(reading, sheet_name, table, header_row, columns, extra, headers, columns.get("id", 0), inputs, fixed)

    @cached_property
    def spare(self) -> set[str]:
        """The IDs of the spare rows sent for new actions."""
        table = self.table
        return (
            {table.new_id.format(n=n, **self.reading.identity_facts()) for n in range(1, table.spare_rows + 1)}
            if table.new_id
            else set()
        )

    @cached_property
    def known(self) -> set[int]:
        """The columns with a header: ours and those added."""
        return set(self.columns.values()) | set(self.extra)

    @cached_property
    def order(self) -> list[tuple[Column, int | None, bool]]:
        """Each column to read, where it is and whether it takes answers: once per table, not per row."""
        return [(col, self.columns.get(col.key), col.is_input) for col in self.table.columns if col.kind != "id"]

    def typed(self, cells: list[Any], where: set[int]) -> str:
        """What was typed in those columns of a row, for a problem's message."""
        return "; ".join(
            f"{self.headers.get(c, '?')}: {as_text(cells[c])}"
            for c in sorted(where)
            if c < len(cells) and not is_blank(cells[c])
        )

    def lines(self) -> Iterator[tuple[Line, bool, bool]]:
        """Each row holding something besides our own marks (a total, a group
        title, a spare row's ID, all taken here), with whether it is the total
        row or a group title row."""
        grid, table, id_col = self.reading.grids[self.sheet_name], self.table, self.id_col
        group_titles = {as_text(t).strip() for t in self.reading.group_titles()}
        for r in range(self.header_row + 1, len(grid)):
            cells = grid[r]
            present = [
                c for c, v in enumerate(cells) if v != "" and v is not None and (v.__class__ is not str or v.strip())
            ]  # is_blank, written out
            if not present:
                continue
            ident = as_text(cells[id_col]).strip() if id_col < len(cells) else ""
            is_total = bool(table.total_label) and ident.casefold() == table.total_label.casefold()
            ours = {id_col, self.columns.get(table.total_of or "", -1)} if is_total else {id_col}
            if (is_total or ident in group_titles or ident in self.spare) and all(c in ours for c in present):
                self.reading.accounts.take(self.sheet_name, ((r, c) for c in present))
                continue
            yield (r, ident, cells, present), is_total, ident in group_titles

    def read_row(
        self,
        line: Line,
        read_as: str,
        sent_by_id: dict[str, dict[str, Any]],
        seen: dict[str, int],
        edited: list[tuple[Column, Any]],
    ) -> Row | None:
        """One row read as the row `read_as`; None (and a problem holding all
        it says) if that row was read already: a row is never read twice."""
        r, _, cells, present = line
        reading, sheet_name, known = self.reading, self.sheet_name, self.known
        if read_as in seen:
            text = self.typed(cells, set(present) - {self.id_col})
            reading.add(
                "row-duplicated",
                sheet=sheet_name,
                cell=cell_name(r + 1, self.id_col),
                row_id=read_as,
                found=text,
                detail=text or "nothing typed",
            )
            reading.accounts.take(sheet_name, ((r, c) for c in present))
            return None
        row = row_values(
            reading, sheet_name, self.order, self.extra, cells, r, read_as, sent_by_id.get(read_as), edited
        )
        reading.accounts.take(sheet_name, ((r, c) for c in present if c in known))
        for c in present:
            if c not in known:
                reading.add(
                    "cell-unread",
                    sheet=sheet_name,
                    cell=cell_name(r + 1, c),
                    row_id=read_as,
                    found=as_text(cells[c]),
                    detail=f"in a column with no header, on the row for {read_as or 'a row with no ID'}",
                )
        if read_as in sent_by_id:
            seen[read_as] = r
        return row

    def as_new(self, row: Row, r: int, ident: str, new_count: int) -> int:
        """A row that was not sent, made new: a spare row keeps its ID, an unknown
        ID is reported, a row with none is given the next. The new count after it."""
        row.new = True
        if not ident or ident not in self.spare:
            if ident:
                self.reading.add(
                    "row-unknown-id",
                    sheet=self.sheet_name,
                    cell=cell_name(r + 1, self.id_col),
                    row_id=ident,
                    detail=ident,
                )
            else:
                new_count += 1
                n = self.table.spare_rows + new_count
                ident = (
                    self.table.new_id.format(n=n, **self.reading.identity_facts())
                    if self.table.new_id
                    else f"NEW-{r + 1}"
                )
            row.id = row.values["id"] = ident
        return new_count


def _read_fixed_rows(found: _Found, fixed_by_id: dict[str, dict[str, Any]]) -> list[Row]:
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


def _read_sent_rows(found: _Found, sent_by_id: dict[str, dict[str, Any]]) -> list[Row]:
    """A table sent with rows: each row by its ID (or, where the ID was lost,
    by its text), new rows named, and what was cut, moved or deleted reported."""
    reading, sheet_name = found.reading, found.sheet_name
    lines, spills = _sorted_lines(found, sent_by_id)
    answered = {r for r, _, _, present in lines if not found.inputs.isdisjoint(present)}
    if spills:
        lines, spills = spare_answers(lines, spills, found.spare, sent_by_id, answered)
    assigned = (
        _match_by_text(reading, sheet_name, found.table, found.columns, found.fixed, sent_by_id, lines, found.id_col)
        if found.fixed
        else {}
    )
    rows: list[Row] = []
    seen: dict[str, int] = {}
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
                    reading,
                    sheet_name,
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
            reading.add(
                "new-action",
                sheet=sheet_name,
                cell=cell_name(r + 1, found.id_col),
                row_id=row.id,
                detail=what or "a row with no action text",
            )
            rows.append(row)
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


def _sorted_lines(found: _Found, sent_by_id: dict[str, dict[str, Any]]) -> tuple[list[Line], list[Line]]:
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


def _other_clusters(found: _Found, line: Line, row: Row) -> bool:
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


def _match_by_text(
    reading: Reading,
    sheet_name: str,
    table: Table,
    columns: dict[str, int],
    fixed: list[Column],
    sent_by_id: dict[str, dict[str, Any]],
    found: list[tuple[int, str, list[Any], list[int]]],
    id_col: int,
) -> dict[int, str]:
    """Which sent row each returned row is, by its ID and its fixed text together.

    A row whose fixed text is its ID's is that row. One whose text is another
    sent row's (the IDs were sorted apart from the rest, say) is read as that
    row, and the officer is told; if its text fits several rows as well as its
    own, that is an error and the row stays with its ID. A row is another's
    only if it has more than half of that row's fixed text, its longest text
    among it, and some text no other row has: a spare row where someone chose "NRF funded: Yes", or
    typed an issue or a partner other rows share, is a new action, as it
    looks."""

    def text(cells: list[Any], col: Column) -> str:
        c = columns[col.key]
        return _norm(
            as_sent_text(cells[c])
            if c < len(cells) and isinstance(cells[c], bool)
            else (cells[c] if c < len(cells) else "")
        )

    positions = [(col.key, columns[col.key]) for col in fixed]

    def as_sent(cells: list[Any], sent: dict[str, Any]) -> bool:  # the usual case, at its cheapest
        width = len(cells)
        for key, c in positions:
            if c >= width:
                return False
            raw, old = cells[c], sent.get(key)
            if raw != old and raw != as_sent_text(old):
                return False
        return True

    sent_text: dict[str, list[str]] = {}
    shared: list[Counter[str]] = []  # per fixed column: how many sent rows hold each text
    assigned: dict[int, str] = {}
    for r, ident, cells, _ in found:
        if ident in sent_by_id and as_sent(cells, sent_by_id[ident]):
            continue
        mine = [text(cells, col) for col in fixed]
        if not sent_text:
            sent_text = {i: [_norm(as_sent_text(row.get(col.key))) for col in fixed] for i, row in sent_by_id.items()}
            shared = [Counter(theirs[n] for theirs in sent_text.values()) for n in range(len(fixed))]
        if ident in sent_text and sent_text[ident] == mine:
            continue
        fits = {i: _fit(theirs, mine, shared) for i, theirs in sent_text.items()}
        best = max(fits.values(), default=0)
        own = fits.get(ident, 0)
        if best == 0 or own >= best:
            continue  # its text was edited, or fits nothing better than its own ID
        winners = [i for i, n in fits.items() if n == best]
        where = {"sheet": sheet_name, "cell": cell_name(r + 1, id_col)}
        if len(winners) == 1:
            assigned[r] = winners[0]
            reading.add("row-moved", **where, row_id=winners[0], found=ident or "no ID", detail=f"row {r + 1}")
        else:
            reading.add(
                "row-text-ambiguous",
                **where,
                row_id=ident,
                found=ident or "no ID",
                detail=", ".join(winners[:6]) + (" ..." if len(winners) > 6 else ""),
            )
    return assigned


def _fit(theirs: list[str], mine: list[str], shared: list[Counter[str]]) -> int:
    """How much of a sent row's fixed text a returned row has (0 when it is not
    enough to say it is that row: half or less of it, none of it its own, or
    not its longest text, which says what the row is)."""
    same = [n for n, (a, b) in enumerate(zip(theirs, mine, strict=True)) if a == b and a != ""]
    longest = max(range(len(theirs)), key=lambda n: len(theirs[n]), default=-1)
    if (
        2 * len(same) <= sum(a != "" for a in theirs)
        or longest not in same
        or not any(shared[n][theirs[n]] == 1 for n in same)
    ):
        return 0
    return len(same)


def _norm(text: Any) -> str:
    """Text as compared: runs of whitespace as one space, case folded (split() and
    a regex on whitespace agree on what whitespace is; split() is the faster)."""
    return " ".join(as_text(text).split()).casefold()


def find_header(grid: Grid, table: Table, expected: int = -1, start: int = 0) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and the column of each key found in it.

    The row the template puts it on is tried first; only if most headers are
    not there are the rows around it searched (rows inserted above, say)."""
    wanted = {_norm(old): c.key for c in table.columns for old in c.formerly} | {
        _norm(c.header): c.key for c in table.columns
    }

    def match(r: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        for c, v in enumerate(grid[r]):
            if isinstance(v, str) and v:
                key = wanted.get(_norm(v))
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
