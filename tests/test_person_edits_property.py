"""A property: whatever a person does to a filled return (sort with and
without the ID column, insert columns with and without a header, move a block
of answers, add a sheet, merge cells, type anywhere, long and odd text), every
non-empty cell they typed is in the consolidated plan or in a problem with its
full text, and no answer shows against an action it was not typed for unless
an error names that action. Notes on cells count as typed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import consolidate
from kcp_sheets.values import as_text

EXAMPLES = int(os.environ.get("KCP_PROPERTY_EXAMPLES", "20"))  # more for a longer hunt
MARK = re.compile(r"t\d{3}~")  # every text typed here carries a unique mark: t017~

ODD = st.sampled_from(
    ["", " [tbc]", " [/]", " =SUM(A1)", " 4 - mostly", " ü中文", "\nsecond line", " 'quoted'", " " + "long " * 150]
)
SCORE = st.sampled_from(
    [1, 2, 3, 4, 5, "4 - Largely achieved", "three", "4 - mostly", "3/4", "4?", "Largely achieved", "9"]
)
EDIT = st.one_of(
    st.tuples(st.just("sort"), st.booleans(), st.booleans()),  # with the ID column?, descending?
    st.tuples(st.just("insert column"), st.integers(1, 20), st.booleans()),  # before column n, with a header?
    st.tuples(st.just("move block"), st.integers(1, 4)),  # the last rows' answers pasted one row down
    st.tuples(st.just("add sheet"), st.integers(1, 80)),
    st.tuples(st.just("merge"), st.integers(0, 11), st.integers(1, 3)),  # row, how many input cells
    st.tuples(st.just("type"), st.integers(1, 40), st.integers(1, 30), ODD),
    st.tuples(
        st.just("cut block"), st.integers(0, 9), st.integers(1, 3), st.sampled_from([-2, -1, 1, 2])
    ),  # first row, rows, how far: formats move too
    st.tuples(
        st.just("spare row"),
        st.integers(0, 11),
        st.sets(
            st.sampled_from(["nrf", "issue", "partners", "lead_partner", "progress", "coordinator_score"]), min_size=1
        ),
    ),
    st.tuples(
        st.just("their rows"), st.integers(0, 11), st.integers(1, 3)
    ),  # another cluster's whole rows into the spare rows
    st.tuples(
        st.just("their answers"), st.integers(0, 9), st.integers(1, 3)
    ),  # another cluster's earlier progress and answers over ours
    st.tuples(st.just("note"), st.integers(1, 40), st.integers(1, 20)),
)


class Typist:
    """Types marked text into a workbook and remembers which action each was typed against."""

    def __init__(self) -> None:
        self.n = 0
        self.against: dict[str, str] = {}  # mark -> the action ID it was typed beside ("" if none)

    def text(self, tail: str, action: str = "") -> str:
        self.n += 1
        mark = f"t{self.n:03d}~"
        self.against[mark] = action
        return f"{mark}{tail}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=st.lists(st.tuples(ODD, SCORE), min_size=3, max_size=12), edits=st.lists(EDIT, max_size=4))
def test_whatever_a_person_does_nothing_typed_is_lost_or_misplaced(
    review, plans, outbox: Path, tmp_path: Path, answers: list[tuple[str, Any]], edits: list[tuple]
) -> None:
    plan = plans["SC"]
    sheet = plan.spec.main_table()
    table = sheet.table
    book = openpyxl.load_workbook(outbox / plan.file_name)
    ws = book[sheet.name]
    ws.protection.sheet = False
    header = table.header_row
    col = {c.key: n + 1 for n, c in enumerate(table.columns)}
    ids = [str(r["id"]) for r in plan.content.rows[sheet.key]]
    first = header + 1
    typist = Typist()
    for n, (odd, score) in enumerate(answers):
        ident = ids[n % len(ids)]
        ws.cell(first + n % len(ids), col["progress"]).value = typist.text(odd, ident)
        ws.cell(first + n % len(ids), col["coordinator_score"]).value = score
    width = len(table.columns)
    inputs = [col[c.key] for c in table.inputs]
    theirs = plans["ET"].content.rows[sheet.key]
    for edit in edits:
        _apply(book, ws, edit, first, len(ids), width, inputs, typist, theirs, col)
    path = tmp_path / "sc.xlsx"
    book.save(path)

    # What is in the file now, typed by the person: every cell with a mark.
    final = openpyxl.load_workbook(path)
    typed = {
        (w.title, c.coordinate): as_text(c.value)
        for w in final.worksheets
        for row in w.iter_rows()
        for c in row
        if isinstance(c.value, str) and MARK.search(c.value)
    }
    typed |= {
        (w.title, f"note on {c.coordinate}"): c.comment.text
        for w in final.worksheets
        for row in w.iter_rows()
        for c in row
        if c.comment and MARK.search(c.comment.text)
    }

    result = check_returns(review, [path])
    for ret in result.returns:
        ret.state = "accepted"  # the officer accepts it, errors and all, to see it in the plan
    spec, content = consolidate(result)
    problems = result.all_problems()
    shown = [
        as_text(v) for rows in (*content.rows.values(), *content.blocks.values()) for r in rows for v in r.values()
    ]
    said = [p.found for p in problems] + [p.message for p in problems]
    for where, text in typed.items():
        text = text.strip()
        assert any(text in s for s in shown) or any(text in s for s in said), (
            f"{where}: {text[:80]!r} is neither in the plan nor in a problem"
        )

    errors = [p for p in problems if p.severity == "error"]
    for row in content.rows["all_actions"]:
        for mark in MARK.findall(as_text(row.get("progress"))):
            meant = typist.against[mark]
            if meant and meant != row["id"]:
                assert any(
                    p.row_id in (meant, row["id"]) or row["id"] in p.message or meant in p.message for p in errors
                ), f"{mark} typed for {meant} shows under {row['id']} with no error naming it"


def _apply(
    book: Any,
    ws: Any,
    edit: tuple,
    first: int,
    count: int,
    width: int,
    inputs: list[int],
    typist: Typist,
    theirs: list[dict[str, Any]],
    col: dict[str, int],
) -> None:
    kind = edit[0]
    last = first + count - 1
    if ws.merged_cells.ranges and kind in ("sort", "insert column", "move block", "cut block"):
        return  # Excel and LibreOffice refuse to sort or cut across merged cells

    if kind == "sort":
        _, with_id, descending = edit
        start = 1 if with_id else 2
        rows = [
            [(ws.cell(r, c).value, ws.cell(r, c)._style) for c in range(start, width + 1)]
            for r in range(first, last + 1)
        ]
        rows.sort(key=lambda cells: as_text(cells[3 - start + 1][0]), reverse=descending)  # by the action's text
        for r, cells in enumerate(rows, start=first):
            for c, (value, style) in enumerate(cells, start=start):
                ws.cell(r, c).value, ws.cell(r, c)._style = value, style  # formats move with their cells, as in Excel
    elif kind == "insert column":
        _, before, with_header = edit
        ws.insert_cols(before)
        if with_header:
            ws.cell(first - 1, before).value = typist.text(" notes")
        ws.cell(first, before).value = typist.text(" in the new column")
        inputs[:] = [c + 1 if c >= before else c for c in inputs]
    elif kind == "move block":
        # Values moved without their formats (copied, not cut) that land only on other
        # actions' rows cannot be told from answers typed there (README); a block that
        # runs onto a row with no action can, and must be. A cut is "cut block".
        _, rows = edit
        block = list(range(last - rows + 1, last + 1))
        if all(ws.cell(last, c).value is None for c in inputs):
            return  # nothing lands beyond the actions: the same as answers typed one row lower
        moved = {(r, c): ws.cell(r, c).value for r in block for c in inputs}
        for r, c in moved:
            ws.cell(r, c).value = None
        for (r, c), value in moved.items():
            ws.cell(r + 1, c).value = value  # a cut and paste: what was there is overwritten, as in Excel
    elif kind == "add sheet":
        _, cells = edit
        extra = book.create_sheet(f"Notes {len(book.worksheets)}")
        for n in range(cells):
            extra.cell(1 + n // 9, 1 + n % 9).value = typist.text(" on a sheet of our own")
    elif kind == "merge":
        _, at, span = edit
        r = first + at % count
        c = inputs[0]
        ws.merge_cells(
            start_row=r, start_column=c, end_row=r, end_column=c + span
        )  # only the first cell's value is kept, as in Excel
    elif kind == "type":
        _, r, c, odd = edit
        if ws.cell(r, c).value is None and not isinstance(ws.cell(r, c), openpyxl.cell.cell.MergedCell):
            ws.cell(r, c).value = typist.text(odd)
    elif kind in ("cut block", "spare row", "their rows", "their answers", "note"):
        _apply_more(ws, edit, first, count, inputs, typist, theirs, col)


def _apply_more(
    ws: Any,
    edit: tuple,
    first: int,
    count: int,
    inputs: list[int],
    typist: Typist,
    theirs: list[dict[str, Any]],
    col: dict[str, int],
) -> None:
    """The edits of answers put where they were not typed: cut and pasted,
    another cluster's pasted in, a spare row filled, a note written."""
    from openpyxl.comments import Comment
    from openpyxl.styles.cell_style import StyleArray

    kind = edit[0]
    spare = first + count  # the first spare row
    if kind == "cut block":  # values and formats move; the cells left take the default format, as in Excel
        _, start, rows, by = edit
        block = [first + (start + n) % count for n in range(rows)]
        if (
            sorted(block) != list(range(min(block), max(block) + 1))
            or not first <= min(block) + by
            or max(block) + by >= spare + 12
        ):
            return
        moved = {(r, c): (ws.cell(r, c).value, ws.cell(r, c)._style) for r in block for c in inputs}
        for r, c in moved:
            ws.cell(r, c).value = None
            ws.cell(r, c)._style = StyleArray()
        for (r, c), (value, style) in moved.items():
            ws.cell(r + by, c).value, ws.cell(r + by, c)._style = value, style
    elif kind == "spare row":  # any of the cells a spare row offers: a new action of this cluster
        _, n, cells = edit
        r = spare + n
        if any(ws.cell(r, c).value is not None for c in range(2, len(col) + 1)):
            return
        offered = {
            "nrf": "Yes",
            "coordinator_score": 3,
            "progress": typist.text(" new"),
        }  # the rest as the first action has it (text other rows share)
        for key in sorted(cells):
            ws.cell(r, col[key]).value = offered.get(key, ws.cell(first, col[key]).value)
    elif kind == "their rows":  # whole rows of another cluster's, ID and all, into the spare rows
        _, n, rows = edit
        for k in range(rows):
            r, row = spare + (n + k) % 12, theirs[k]
            for key in ("id", "issue", "outcome", "action", "partners", "lead_partner"):
                ws.cell(r, col[key]).value = row[key]
            ws.cell(r, col["progress"]).value = typist.text(" their progress", str(row["id"]))
    elif kind == "their answers":  # another cluster's earlier progress and answers over this cluster's rows
        _, start, rows = edit
        for k in range(rows):
            r = first + (start + k) % count
            ws.cell(r, col["progress_2003"]).value = theirs[(start + k) % len(theirs)]["progress_2003"]
            ws.cell(r, col["progress"]).value = typist.text(
                " their progress", str(theirs[(start + k) % len(theirs)]["id"])
            )
    elif kind == "note":
        _, r, c = edit
        ws.cell(r, c).comment = Comment(typist.text(" written as a note"), "Jo Fisher")
