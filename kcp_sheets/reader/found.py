"""A table as found on its sheet: where its header is, what each column
holds, and each row read once, as the row it is taken to be."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..cellref import cell_name
from ..spec import Column, Table
from ..values import as_text, is_blank
from .cells import row_values
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading

Line = tuple[int, str, list[Any], list[int]]  # a row holding something: its index, ID, cells, and the columns typed in


@dataclass
class Found:
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
    def headed(cls, reading: Reading, sheet_name: str, table: Table, header_row: int, columns: dict[str, int]) -> Found:
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
