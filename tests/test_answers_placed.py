"""Answers stay with the action they were typed for: a block cut and pasted
among the actions, another cluster's answers pasted over this cluster's rows,
are named in an error; what cannot be told is said in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles.cell_style import StyleArray

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook

TRACKER = "Progress Tracker"


def answered_everywhere(plan: Any, outbox: Path, out: Path) -> tuple[Path, list[str]]:
    """The cluster's workbook with a progress text and a score typed for every action."""
    ids = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    typed = {i: {"progress": f"progress typed for {i}", "coordinator_score": 1 + n % 5} for n, i in enumerate(ids)}
    return fill_workbook(plan, outbox / plan.file_name, out, {TRACKER: typed}), ids


def cut_and_paste(path: Path, first: int, last: int, cols: range, by: int) -> None:
    """Cut rows first..last of the columns and paste them `by` rows away, as
    Excel and LibreOffice do: values and formats move, the cells left behind
    take the sheet's default format (locked)."""
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    moved = {(r, c): (ws.cell(r, c).value, ws.cell(r, c)._style) for r in range(first, last + 1) for c in cols}
    for r, c in moved:
        ws.cell(r, c).value = None
        ws.cell(r, c)._style = StyleArray()
    for (r, c), (value, style) in moved.items():
        ws.cell(r + by, c).value = value
        ws.cell(r + by, c)._style = style
    book.save(path)


def test_a_block_cut_and_pasted_among_the_actions_is_named_by_the_cells_it_left(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["SC"]
    header = plan.spec.main_table().table.header_row
    for by in (1, -1, 2):
        path, ids = answered_everywhere(plan, outbox, tmp_path / f"cut{by}.xlsx")
        first = header + 5
        cut_and_paste(path, first, first + 3, range(9, 19), by)  # I:R, four rows
        [ret] = check_returns(review, [path]).returns
        [cut] = [p for p in ret.problems if p.code == "answers-cut"]
        left = range(first, first + by) if by > 0 else range(first + 3 + by + 1, first + 4)
        assert cut.severity == "error" and cut.cell == f"I{left[0]}", (by, cut.cell)
        landed = [ids[r - header - 1] for r in range(first + by, first + 4 + by)]
        assert all(i in cut.message for i in landed), (by, cut.message)
        assert all(ids[r - header - 1] in cut.message for r in left)


def test_answers_left_unanswered_or_retyped_without_their_format_are_no_cut(review, plans, outbox: Path, tmp_path: Path) -> None:
    """An action left unanswered keeps its answer format; cells pasted from a
    plain sheet hold values: neither is a cut, and no error is raised."""
    plan = plans["SC"]
    header = plan.spec.main_table().table.header_row
    ids = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    typed = {i: {"progress": f"progress for {i}", "coordinator_score": 3} for i in ids if i != ids[4]}
    path = fill_workbook(plan, outbox / plan.file_name, tmp_path / "gap.xlsx", {TRACKER: typed})
    book = openpyxl.load_workbook(path)
    book[TRACKER].cell(header + 3, 9)._style = StyleArray()  # a value pasted from a plain sheet: no format, but typed
    book.save(path)
    [ret] = check_returns(review, [path]).returns
    assert not [p for p in ret.problems if p.code == "answers-cut"]
