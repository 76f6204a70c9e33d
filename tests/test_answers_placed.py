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
from kcp_sheets.values import as_text

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


def test_a_block_cut_and_pasted_among_the_actions_is_named_by_the_cells_it_left(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
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


def test_answers_left_unanswered_or_retyped_without_their_format_are_no_cut(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
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


def paste_rows(path: Path, source: Path, rows: list[tuple[int, int]], cols: range) -> None:
    """Copy cells of `source`'s tracker rows over `path`'s (source row, target row), as a paste does."""
    theirs = openpyxl.load_workbook(source)[TRACKER]
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    for src, dst in rows:
        for c in cols:
            ws.cell(dst, c).value = theirs.cell(src, c).value
    book.save(path)


def test_another_clusters_rows_pasted_over_this_clusters_keep_its_ids_but_not_its_text(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    """Environment and transport's rows, all but the ID (or from the last
    fixed column on: the earlier years' progress, then the answers), pasted
    over Safe communities' rows: each is an error naming both clusters and
    both rows, with the answers on it."""
    plan, et = plans["SC"], plans["ET"]
    header = plan.spec.main_table().table.header_row
    theirs, _ = answered_everywhere(et, outbox, tmp_path / "et.xlsx")
    mine = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    their_ids = [str(r["id"]) for r in et.content.rows[TRACKER]]
    for name, cols in (("all-but-id", range(2, 19)), ("from-earlier-progress", range(8, 19))):
        path = fill_workbook(plan, outbox / plan.file_name, tmp_path / f"{name}.xlsx", {TRACKER: {}})
        paste_rows(path, theirs, [(header + 1 + n, header + 1 + n) for n in range(3)], cols)
        [ret] = check_returns(review, [path]).returns
        named = {p.row_id: p for p in ret.problems if p.code == "row-other-clusters-text"}
        assert sorted(named) == mine[:3], name
        for n, ident in enumerate(mine[:3]):
            p = named[ident]
            assert (
                p.severity == "error"
                and their_ids[n] in p.message
                and "Environment and transport" in p.message
                and "Safe communities" in p.message
            ), (name, p.message)
            assert f"progress typed for {their_ids[n]}" in p.found, name


def test_another_clusters_answers_pasted_over_this_clusters_rows_are_named_when_its_return_is_read(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    """Only the answers (Progress this year to the flags) of Environment and
    transport's return, pasted over Safe communities' rows: IDs and fixed text
    are Safe communities' own, so the words give them away, on both returns."""
    plan, et = plans["SC"], plans["ET"]
    header = plan.spec.main_table().table.header_row
    theirs, their_ids = answered_everywhere(et, outbox, tmp_path / "et.xlsx")
    mine = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    path = fill_workbook(plan, outbox / plan.file_name, tmp_path / "sc.xlsx", {TRACKER: {}})
    paste_rows(path, theirs, [(header + 1 + n, header + 1 + n) for n in range(4)], range(9, 19))
    result = check_returns(review, [path, theirs])
    said = {ret.cluster: [p for p in ret.problems if p.code == "answers-other-return"] for ret in result.returns}
    [here], [there] = said["SC"], said["ET"]
    assert (
        here.severity == "error"
        and all(i in here.message for i in mine[:4] + their_ids[:4])
        and "Environment and transport" in here.message
    )
    assert all(i in there.message for i in mine[:4] + their_ids[:4]) and "Safe communities" in there.message
    assert f"progress typed for {their_ids[0]}" in here.found
    # Without the other return there is nothing to compare the words with (the README says so).
    [alone] = check_returns(review, [path]).returns
    assert not [p for p in alone.problems if p.code == "answers-other-return"]


def test_stock_answers_shared_by_two_clusters_are_no_paste(review, plans, outbox: Path, tmp_path: Path) -> None:
    """The same stock progress on one row of each, or on rows not in the same order: no error."""
    sc, et = plans["SC"], plans["ET"]
    sc_ids = [str(r["id"]) for r in sc.content.rows[TRACKER]]
    et_ids = [str(r["id"]) for r in et.content.rows[TRACKER]]
    stock = [
        (
            "Partly achieved: started, but delayed by staff changes and by the late agreement of the budget with "
            "the council."
        ),
        "Delayed: the site has not been secured.",
    ]
    a = fill_workbook(
        sc,
        outbox / sc.file_name,
        tmp_path / "sc.xlsx",
        {TRACKER: {sc_ids[0]: {"progress": stock[0]}, sc_ids[1]: {"progress": stock[1]}}},
    )
    b = fill_workbook(
        et,
        outbox / et.file_name,
        tmp_path / "et.xlsx",
        {TRACKER: {et_ids[3]: {"progress": stock[0]}, et_ids[1]: {"progress": stock[1]}}},
    )
    result = check_returns(review, [a, b])
    assert not [p for ret in result.returns for p in ret.problems if p.code == "answers-other-return"]


def test_notes_on_cells_reach_the_problems_workbook_with_their_cell_and_full_text(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    from openpyxl.comments import Comment

    from kcp_sheets.check import write_problems

    plan = plans["SC"]
    path = fill_workbook(plan, outbox / plan.file_name, tmp_path / "noted.xlsx", {TRACKER: {}})
    book = openpyxl.load_workbook(path)
    book[TRACKER]["J6"].comment = Comment("4 - agreed by phone\nwith both champions", "Jo Fisher")
    book.save(path)
    written = write_problems(check_returns(review, [path]), tmp_path)
    rows = [
        [as_text(v) for v in row]
        for ws in openpyxl.load_workbook(written).worksheets
        for row in ws.iter_rows(values_only=True)
    ]
    [row] = [r for r in rows if any("agreed by phone\nwith both champions" in v for v in r)]
    assert "J6" in row and any("note" in v for v in row)


def test_answers_alone_on_a_spare_row_are_a_new_action_unless_against_the_answered_actions(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    """Progress or a score, with no text of an action, on a spare row away from
    the actions: a new action, as the spare row offers. The same right under
    the answered actions is where a block pasted one row too far lands: an error."""
    plan = plans["SC"]
    ids = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    typed = {
        ids[-1]: {"progress": "the last action's progress"},
        "SC-NEW-03": {"progress": "a new action's progress"},
        "SC-NEW-05": {"coordinator_score": 2},
    }
    [ret] = check_returns(
        review, [fill_workbook(plan, outbox / plan.file_name, tmp_path / "spare.xlsx", {TRACKER: typed})]
    ).returns
    assert not [p.message for p in ret.problems if p.severity == "error"]
    new = {r.id: r.values for r in ret.rows[TRACKER] if r.new}
    assert new["SC-NEW-03"]["progress"] == "a new action's progress" and new["SC-NEW-05"]["coordinator_score"] == 2
    typed["SC-NEW-01"] = {"progress": "below the last action"}
    [ret] = check_returns(
        review, [fill_workbook(plan, outbox / plan.file_name, tmp_path / "below.xlsx", {TRACKER: typed})]
    ).returns
    [shifted] = [p for p in ret.problems if p.code == "answers-shifted"]
    assert ids[-1] in shifted.message and "below the last action" in shifted.found
    assert "SC-NEW-01" not in {r.id for r in ret.rows[TRACKER] if r.new}


def test_another_clusters_id_with_answers_alone_in_a_spare_row_is_named_as_that_clusters(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    plan, et = plans["SC"], plans["ET"]
    theirs = str(et.content.rows[TRACKER][2]["id"])
    typed = {"SC-NEW-04": {"id": theirs, "progress": "typed against ET's ID", "coordinator_score": 4}}
    [ret] = check_returns(
        review, [fill_workbook(plan, outbox / plan.file_name, tmp_path / "id.xlsx", {TRACKER: typed})]
    ).returns
    [named] = [p for p in ret.problems if p.code == "row-other-cluster"]
    assert (
        named.row_id == theirs
        and "typed against ET's ID" in named.found
        and "Environment and transport" in named.message
    )
    assert not [r for r in ret.rows[TRACKER] if r.new]
