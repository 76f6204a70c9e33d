"""Accounting: every non-empty cell of every sheet is either taken (into a
record, or as a header, a title or a label we wrote) or reported.

The readers of tables and forms `take` the cells they use; `settle` then
reports every other non-empty cell, with its full text, so a test can assert
for any sheet that nothing typed went nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..spec import cell_name
from ..values import as_text, is_blank
from .opening import Grid, Report

ADDED_SHEET_CELLS = 50  # cells listed one by one from a sheet that was added


class Accounts:
    """Which sheets belong to the workbook, and which cells of them were taken."""

    def __init__(self, grids: dict[str, Grid], report: Report) -> None:
        self.grids = grids
        self.report = report
        self.claimed: set[str] = set()
        self.taken: dict[str, set[tuple[int, int]]] = {}

    def claim(self, name: str) -> None:
        """The sheet is one of the workbook's own (read, or ours and not read)."""
        self.claimed.add(name)

    def take(self, sheet: str, cells: Iterable[tuple[int, int]]) -> None:
        """These cells (0-based row, column) went into a record or were ours."""
        self.taken.setdefault(sheet, set()).update(cells)

    def settle(self, sheet: str, start: int = 0, end: int | None = None) -> None:
        """Report every non-empty cell in rows [start, end) that was not taken."""
        grid = self.grids[sheet]
        taken = self.taken.get(sheet, set())
        for r in range(start, len(grid) if end is None else min(end, len(grid))):
            for c, v in enumerate(grid[r]):
                if not is_blank(v) and (r, c) not in taken:
                    self.report("cell-unread", sheet=sheet, cell=cell_name(r + 1, c), found=as_text(v), detail="outside the table")

    def settle_added_sheets(self) -> None:
        """Sheets a person added: what they typed there is reported too."""
        for name, grid in self.grids.items():
            if name in self.claimed:
                continue
            cells = [(r, c, v) for r, row in enumerate(grid) for c, v in enumerate(row) if not is_blank(v)]
            for r, c, v in cells[:ADDED_SHEET_CELLS]:
                self.report("cell-unread", sheet=name, cell=cell_name(r + 1, c), found=as_text(v), detail="a sheet that was added")


def typed_cells(grid: Grid) -> list[tuple[int, int, Any]]:
    """Every non-empty cell of a grid, 0-based."""
    return [(r, c, v) for r, row in enumerate(grid) for c, v in enumerate(row) if not is_blank(v)]
