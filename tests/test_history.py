"""History across years and records for analysts: `init --from` carries the
ledger's history forward, the plan shows each cluster's scores review by
review (the public copy too, without names), and the records come out as
pandas DataFrames and CSV files."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from kcp_sheets.carry import carry_forward
from kcp_sheets.check import check_returns
from kcp_sheets.cli import app
from kcp_sheets.consolidate import write_plan
from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import INBOX, OUTBOX, OUTPUT
from kcp_sheets.generate import generate
from kcp_sheets.history import frames
from kcp_sheets.settings import load_review
from kcp_sheets.workbooks import planned_workbooks

TRACKER = "Progress Tracker"


def return_et(folder: Path, score: int, words: str = "") -> None:
    review = load_review(folder)
    plan = next(p for p in planned_workbooks(review) if p.label == "ET")
    ids = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    rows = {
        i: {"progress": words or f"Progress on {i}", "coordinator_score": score, "agreed_score": score} for i in ids
    }
    rows[ids[0]]["progress"] = '=HYPERLINK("http://x")'  # typed text that looks like a formula
    fill_workbook(plan, folder / OUTBOX / plan.file_name, folder / INBOX / "et.xlsx", {TRACKER: rows})


def block(path: Path, sheet: str, first: str) -> list[dict[str, Any]]:
    grid = [list(r) for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]
    at = next(n for n, r in enumerate(grid) if r and r[0] == first)
    out = []
    for r in grid[at + 1 :]:
        if not r or r[0] is None:
            break
        out.append(dict(zip(grid[at], r, strict=True)))
    return out


def test_two_years_of_history_in_the_plan_and_for_analysts(folder: Path, tmp_path: Path) -> None:
    generate(load_review(folder))
    return_et(folder, 4)
    first = write_plan(check_returns(load_review(folder)))
    assert (
        openpyxl.load_workbook(first)["History"]["A1"].value == "Scores in this review"
    )  # never "the last three" of one

    carry_forward(folder, tmp_path / "2005")
    year_two = tmp_path / "2005"
    generate(load_review(year_two))
    return_et(year_two, 2)
    result = check_returns(load_review(year_two))
    plan = write_plan(result)
    public = write_plan(result, public=True)

    for path in (plan, public):
        assert openpyxl.load_workbook(path)["History"]["A1"].value == "Scores over the last two reviews"
        history = {r["Cluster and review"]: r for r in block(path, "History", "Cluster and review")}
        assert history["Environment and transport 2004"]["4 Largely achieved"] == 13
        assert history["Environment and transport 2005"]["2 Little progress"] == 13
        assert history["Health and well-being 2004"]["Unscored"] == 13 and "Health and well-being 2005" in history
        assert list(history).index("Environment and transport 2004") < list(history).index(
            "Environment and transport 2005"
        )
    officer = load_review(year_two).officer.name
    public_text = " ".join(
        str(c)
        for ws in openpyxl.load_workbook(public).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c
    )
    assert officer not in public_text

    actions = {r["ID"]: r for r in block(plan, "All Actions", "ID")}
    assert actions["ET-02"]["Agreed score 2004"] == 4 and actions["ET-02"]["Agreed score"] == 2

    tables = frames(year_two)
    et02 = tables["actions"].query("id == 'ET-02'").sort_values("year")
    assert list(et02["year"]) == [2004, 2005] and list(et02["agreed_score"]) == [4, 2]
    assert set(tables["actions"]["review"]) == {
        "kensington-and-chelsea-partnership-2004",
        "kensington-and-chelsea-partnership-2005",
    }
    assert len(tables["health"]) == 2 * len(load_review(year_two).criteria)
    assert set(tables["improvements"].columns) >= {"review", "year", "part", "action", "due"}

    result = CliRunner().invoke(app, ["export", str(year_two)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with (year_two / OUTPUT / "records - actions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(tables["actions"])
    et01 = next(r for r in rows if r["id"] == "ET-01" and r["year"] == "2005")
    assert et01["progress"] == '\'=HYPERLINK("http://x")'  # text, never a formula in a spreadsheet

    # The records are the ledger's: a mistake made in the settings since does not stop an export.
    actions_csv = year_two / "actions.csv"
    actions_csv.write_text(actions_csv.read_text(encoding="utf-8") + "ET-01,NOPE,,,,,,Maybe\n", encoding="utf-8")
    (year_two / OUTPUT / "records - actions.csv").unlink()
    result = CliRunner().invoke(app, ["export", str(year_two)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with (year_two / OUTPUT / "records - actions.csv").open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(tables["actions"])


def test_the_review_states_from_the_command_line(folder: Path) -> None:
    generate(load_review(folder))
    review = load_review(folder)
    plan = next(p for p in planned_workbooks(review) if p.label == "ET")
    fill_workbook(
        plan,
        folder / OUTBOX / plan.file_name,
        folder / INBOX / "et.xlsx",
        {TRACKER: {"ET-01": {"coordinator_score": 9}}},
    )
    hw = next(p for p in planned_workbooks(review) if p.label == "HW")
    fill_workbook(
        hw, folder / OUTBOX / hw.file_name, folder / INBOX / "hw.xlsx", {TRACKER: {"HW-01": {"coordinator_score": 3}}}
    )
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})

    assert run("check", str(folder)).exit_code == 1
    listed = run("returns", str(folder))
    assert "#1 et.xlsx: cluster-tracker ET edition 1; has problems" in listed.output
    shown = run("returns", str(folder), "1")
    key = next(line.split()[0] for line in shown.output.splitlines() if "outside the scale" in line)
    assert run("accept", str(folder), "et.xlsx").exit_code == 2  # a note is needed
    done = run("dealt-with", str(folder), "1", key, "--note", "Nine was a slip for four")
    assert done.exit_code == 0 and "dealt with (Nine was a slip for four)" in done.output
    assert "; new;" in run("returns", str(folder)).output
    assert "dealt with: " + key + ": Nine was a slip for four" in run("returns", str(folder), "1").output
    assert run("check", str(folder)).exit_code == 0  # nothing left to ask about
    assert run("reject", str(folder), "1", "--reason", "Wrong cluster").exit_code == 0
    consolidated = run("consolidate", str(folder))
    assert "#1 et.xlsx: rejected: Wrong cluster" in consolidated.output
    assert "; new;" in run("reopen", str(folder), "1").output.replace(": new.", "; new;")
    assert run("returns", str(folder), "99").exit_code == 2
    (folder / INBOX / "hw.xlsx").unlink()  # the officer took it out of the inbox: check reads it no more
    [hw] = [line for line in run("returns", str(folder)).output.splitlines() if " hw.xlsx:" in line]
    assert hw.endswith("; no longer in the inbox") and re.search(r"; received \d\d/\d\d/\d{4} \d\d:\d\d;", hw)


def test_export_before_any_consolidate_says_so_and_writes_nothing(folder: Path) -> None:
    """An officer trying export first is told to consolidate, rather than given
    empty CSV files and an empty ledger."""
    result = CliRunner().invoke(app, ["export", str(folder)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "No review's records are in" in result.output and "kcp-sheets consolidate first" in result.output
    assert not (folder / "ledger.sqlite").exists()
    assert not list((folder / OUTPUT).glob("records - *.csv"))
