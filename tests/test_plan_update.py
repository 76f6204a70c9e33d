"""The plan's mid-year update round trip reads back every status and
current situation, against the plan as the steering group amended it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import write_plan
from kcp_sheets.demo import prepare_demo
from kcp_sheets.fill import fill_workbook
from kcp_sheets.plan_update import (
    UPDATE,
    collect_updates,
    read_plan,
    update_plans,
    write_updates,
)


def test_update_round_trip(tmp_path: Path) -> None:
    review = prepare_demo(tmp_path / "review")
    plan = write_plan(check_returns(review))
    # The steering group amends the plan: one action reworded at the meeting.
    book = openpyxl.load_workbook(plan)
    ws = book["Improvement Plan"]
    target = next(row for row in ws.iter_rows(min_row=5) if row[0].value == "ET-AI-01")
    target[1].value = "Bid for mainstream funding (amended by the steering group)"
    book.save(plan)

    items = read_plan(plan)
    assert any(i.action.endswith("(amended by the steering group)") for i in items)
    assert {i.group for i in items} >= {"Environment and transport", "1. Strategic"}
    paths = write_updates(review)
    plans = update_plans(review, items)
    assert len(paths) == len(plans) == len({i.group for i in items})

    first = plans[0]
    sheet = first.spec.main_table().name
    ids = [r["id"] for r in first.content.rows[sheet]]
    typed = {
        ids[0]: {"situation": "Bid submitted in July", "status": "on track"},
        ids[1]: {"situation": "Stalled", "status": "Late", "revised_date": "End March 2005"},
    }
    inbox = review.folder / UPDATE / "inbox"
    fill_workbook(first, paths[0], inbox / "reply.xlsx", {sheet: typed})
    result, progress = collect_updates(review)
    [ret] = result.used()
    assert not [p for p in ret.problems if p.severity == "error"]
    rows = {
        r[0]: r for r in openpyxl.load_workbook(progress)["Progress"].iter_rows(min_row=5, values_only=True) if r[0]
    }
    assert rows[ids[0]][4:6] == ("On track", "Bid submitted in July")
    assert rows[ids[1]][4:7] == ("Late", "Stalled", "End March 2005")
    assert rows[items[-1].id][4] == "No update"


def test_group_titles_typed_by_people_stay_text(review, tmp_path: Path) -> None:
    import zipfile

    from kcp_sheets.plan_update import PlanItem
    from kcp_sheets.writer import write_workbook

    items = [PlanItem("X-1", "=HYPERLINK('http://example.org')", "=1+1", "@lead", "+44 20 7361 3671")]
    [plan] = update_plans(review, items)
    path = write_workbook(plan.spec, plan.content, tmp_path / "update.xlsx")
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    values = [c for row in openpyxl.load_workbook(path)["Plan Update"].iter_rows(values_only=True) for c in row if c]
    assert "=1+1" in values and "@lead" in values
