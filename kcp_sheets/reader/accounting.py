"""Accounting: every non-empty cell of every sheet is either taken (into a
record, or as a header, a title or other text we wrote) or reported in a
problem that carries its full text.

The readers of tables and forms `take` the cells they use; a problem that
names a cell accounts for it; `settle` reports whatever is left. After a read,
`unaccounted` is empty for every sheet: a test can assert it for any sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..cellref import a1, cell_name
from ..content import instruction_cells
from ..sent import SentWorkbook
from ..values import as_text, is_blank
from .opening import Grid, Report

ADDED_SHEET_CELLS = 50  # cells of an added sheet reported one by one; beyond, one problem per row


class Accounts:
    """Which sheets belong to the workbook, and what became of each cell."""

    def __init__(self, grids: dict[str, Grid], report: Report) -> None:
        self.grids = grids
        self.report = report
        self.claimed: set[str] = set()
        self.taken: dict[str, set[tuple[int, int]]] = {}
        self.reported: dict[str, set[tuple[int, int]]] = {}
        self.settled: dict[str, int] = {}  # rows [0, n) of a sheet settled already: nothing there is open

    def claim(self, name: str) -> None:
        """The sheet is one of the workbook's own."""
        self.claimed.add(name)

    def take(self, sheet: str, cells: Iterable[tuple[int, int]]) -> None:
        """These cells (0-based row, column) went into a record or were ours."""
        self.taken.setdefault(sheet, set()).update(cells)

    def noted(self, sheet: str, cell: str) -> None:
        """A problem names this cell (as 'B7'); it carries what was typed there."""
        where = a1(cell)
        if where is not None:
            self.reported.setdefault(sheet, set()).add(where)

    def settle(self, sheet: str, start: int = 0, end: int | None = None, detail: str = "outside the table") -> None:
        """Report every non-empty cell in rows [start, end) not yet taken or reported."""
        for r, c, v in self._open_cells(sheet, start, end):
            self.report("cell-unread", sheet=sheet, cell=cell_name(r + 1, c), found=as_text(v), detail=detail)
        if start <= self.settled.get(sheet, 0):
            stop = len(self.grids[sheet]) if end is None else min(end, len(self.grids[sheet]))
            self.settled[sheet] = max(self.settled.get(sheet, 0), stop)

    def settle_all(self) -> None:
        """The last step of a read: anything typed anywhere that is still open is reported.
        A sheet a person added is listed cell by cell, then a row to a problem."""
        for name in self.grids:
            if name in self.claimed:  # from the first row not settled yet (a table's and a form's were)
                self.settle(name, self.settled.get(name, 0))
                continue
            cells = self._open_cells(name)
            for r, c, v in cells[:ADDED_SHEET_CELLS]:
                self.report(
                    "cell-unread",
                    sheet=name,
                    cell=cell_name(r + 1, c),
                    found=as_text(v),
                    detail="on a sheet that was added",
                )
            rest: dict[int, list[tuple[int, Any]]] = {}
            for r, c, v in cells[ADDED_SHEET_CELLS:]:
                rest.setdefault(r, []).append((c, v))
            for r, row in rest.items():
                text = " | ".join(f"{cell_name(r + 1, c)}: {as_text(v)}" for c, v in row)
                first = cell_name(r + 1, row[0][0])
                self.report(
                    "cell-unread", sheet=name, cell=first, found=text, detail=f"on a sheet that was added (row {r + 1})"
                )
                self.reported.setdefault(name, set()).update((r, c) for c, _ in row)

    def unaccounted(self, sheet: str) -> list[tuple[int, int, Any]]:
        """Non-empty cells neither taken nor reported: empty after a read."""
        return self._open_cells(sheet)

    def _open_cells(self, sheet: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, Any]]:
        grid = self.grids[sheet]
        done = self.taken.get(sheet, set()) | self.reported.get(sheet, set())
        stop = len(grid) if end is None else min(end, len(grid))
        # is_blank written out: this is every cell of every sheet.
        return [
            (r, c, v)
            for r in range(start, stop)
            for c, v in enumerate(grid[r])
            if v != "" and v is not None and (v.__class__ is not str or v.strip()) and (r, c) not in done
        ]


def take_sent_text(accounts: Accounts, sheet: str, plan: SentWorkbook, sent_name: str) -> None:
    """Take the cells of a sheet we only wrote to (the instructions) whose text
    is what we sent, wherever it now is; what a person typed there stays open."""
    spec_sheet = next(s for s in plan.spec.sheets if s.name == sent_name)
    texts = [
        spec_sheet.title,
        spec_sheet.subtitle,
        *(text for _, _, text, _ in instruction_cells(plan.spec, plan.content, spec_sheet)),
    ]
    exact = {t for t in texts if t and t.strip()}
    plain: set[str] | None = None  # the texts as compared, made only if a cell is not exactly as written
    grid = accounts.grids[sheet]
    taken: list[tuple[int, int]] = []
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v in exact:  # as written, the usual case
                taken.append((r, c))
            elif not is_blank(v):
                if plain is None:
                    plain = {_plain(t) for t in exact}
                if _plain(as_text(v)) in plain:
                    taken.append((r, c))
    accounts.take(sheet, taken)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()
