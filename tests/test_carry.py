"""Two review years end to end: year one generated, filled, consolidated;
year two generated from it, showing last year's progress and scores."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from kcp_sheets.carry import carry_forward
from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import write_plan
from kcp_sheets.demo import prepare_demo
from kcp_sheets.generate import generate
from kcp_sheets.problems import ProblemError
from kcp_sheets.settings import load_review


def retire(folder: Path, ident: str) -> None:
    path = folder / "actions.csv"
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["retired"] = "Yes" if row["id"] == ident else ""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_two_review_years(tmp_path: Path) -> None:
    year_one = prepare_demo(tmp_path / "2004")
    first = check_returns(year_one)
    write_plan(first)
    et = next(r for r in first.used() if r.cluster == "ET")
    et_rows = {r.id: r for r in et.rows["Progress Tracker"]}
    retire(year_one.folder, "ET-05")

    carry_forward(year_one.folder, tmp_path / "2005")
    year_two = load_review(tmp_path / "2005")
    assert year_two.year == 2005 and year_two.earlier_years == (2003, 2004)
    assert str(year_two.stage1_deadline) == "2005-04-15"  # a year on is a Saturday: the Friday before
    dates = ("issued", "stage1_deadline", "stage2_deadline", "plan_due", "steering_group_meeting")
    assert all(getattr(year_two, d).weekday() < 5 for d in dates)
    assert year_two.scored_years == (2004,)
    ids = [a.id for a in year_two.actions_of("ET")]
    assert "ET-05" not in ids  # retired
    assert "ET-14" in ids  # the action ET's co-ordinators added, with a stable ID
    added = next(a for a in year_two.actions if a.id == "ET-14")
    assert (
        added.action == "Set up a youth forum to advise the cluster"
        and added.progress_in(2004) == "Forum met twice; 25 members."
    )
    assert (
        next(a for a in year_two.actions if a.id == "ET-01").score_in(2004) == et_rows["ET-01"].values["agreed_score"]
    )

    [tracker, *_] = generate(year_two)
    assert tracker.name == "2005 Environment and transport - progress tracker.xlsx"
    ws = openpyxl.load_workbook(tracker)["Progress Tracker"]
    headers = [c.value for c in ws[4]]
    assert (
        "Progress recorded 2003" in headers and "Progress recorded 2004" in headers and "Agreed score 2004" in headers
    )
    row = {c.value: n for n, c in enumerate(ws["A"], start=1)}
    progress = headers.index("Progress recorded 2004") + 1
    score = headers.index("Agreed score 2004") + 1
    assert ws.cell(row["ET-01"], progress).value == et_rows["ET-01"].values["progress"]
    assert ws.cell(row["ET-01"], score).value == et_rows["ET-01"].values["agreed_score"]
    assert ws.cell(row["ET-14"], progress).value == "Forum met twice; 25 members."
    assert ws.cell(row["ET-01"], progress).protection.locked  # read only

    accreditation = (tmp_path / "2005" / "accreditation_plan.csv").read_text(encoding="utf-8-sig")
    assert "Accreditation plan" in accreditation or "Health review" in accreditation


def test_carry_forward_never_overwrites_a_review(tmp_path: Path) -> None:
    year_one = prepare_demo(tmp_path / "2004")
    with pytest.raises(ProblemError):
        carry_forward(year_one.folder, year_one.folder)
