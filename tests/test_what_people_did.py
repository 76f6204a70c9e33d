"""Regression tests for issue 10, each named for what a person did to a
return: whatever it was, every value typed reaches the officer, against the
action it was typed for, or is in a problem with its cell and full text."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kcp_sheets.cli import app
from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import INBOX
from kcp_sheets.generate import generate, planned_workbooks
from kcp_sheets.settings import load_review

TRACKER = "Progress Tracker"
SUMMARY = "Review Summary"


def _cli(*args: str):  # noqa: ANN202
    return CliRunner().invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def test_a_score_typed_as_brackets_and_a_file_named_with_brackets_are_printed_as_typed(folder: Path) -> None:
    review = load_review(folder)
    outbox = folder / "outbox"
    generate(review, outbox)
    plan = next(p for p in planned_workbooks(review) if p.cluster == "SC")
    typed = {"SC-01": {"coordinator_score": "[/]", "progress": "[tbc]"}, "SC-02": {"coordinator_score": "[bold]4?"}}
    fill_workbook(plan, outbox / plan.file_name, folder / INBOX / "SC tracker [final].xlsx", {TRACKER: typed})
    for command in ("check", "status", "consolidate"):
        result = _cli(command, str(folder))
        assert result.exit_code in (0, 1), (command, result.output)
        assert "SC tracker [final].xlsx" in result.output or command != "check", result.output
    check = _cli("check", str(folder))
    assert "'[/]'" in check.output and "'[bold]4?'" in check.output


# Helpers: a review folder with its workbooks sent, returns typed into its inbox.

import datetime as dt  # noqa: E402
from typing import Any  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from kcp_sheets.check import check_returns  # noqa: E402
from kcp_sheets.consolidate import write_plan  # noqa: E402
from kcp_sheets.problems import Problem  # noqa: E402
from kcp_sheets.values import as_text  # noqa: E402


@pytest.fixture()
def sent(folder: Path) -> Path:
    generate(load_review(folder), folder / "outbox")
    return folder


def plan_of(folder: Path, label: str):  # noqa: ANN201
    return next(p for p in planned_workbooks(load_review(folder)) if p.label == label)


def fill(folder: Path, label: str, name: str, rows: dict[str, Any] | None = None, fields: dict[str, Any] | None = None) -> Path:
    plan = plan_of(folder, label)
    return fill_workbook(plan, folder / "outbox" / plan.file_name, folder / INBOX / name, rows, fields)


def consolidated(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """The plan's tables as rows by header, and every problem."""
    result = check_returns(load_review(folder))
    path = write_plan(result)
    book = openpyxl.load_workbook(path)
    tables = {}
    for ws in book.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        header_at = next((n for n, r in enumerate(grid) if r and r[0] in ("ID", "No.", "Ref", "Cluster")), None)
        if header_at is None:
            continue
        header = grid[header_at]
        tables[ws.title] = [dict(zip(header, r)) for r in grid[header_at + 1 :] if any(v is not None for v in r)]
    return tables, result.all_problems()


def row(table: list[dict[str, Any]], ident: str, key: str = "ID") -> dict[str, Any]:
    return next(r for r in table if r.get(key) == ident)


def test_a_co_ordinator_typed_words_after_a_score_and_they_reach_the_plan_beside_it(sent: Path) -> None:
    fill(sent, "ET", "et.xlsx", {TRACKER: {"ET-01": {"coordinator_score": "4 - mostly, see TOKEN"}, "ET-02": {"agreed_score": "Little progress, bridge closed"}}})
    tables, problems = consolidated(sent)
    et01, et02 = row(tables["All Actions"], "ET-01"), row(tables["All Actions"], "ET-02")
    assert et01["Co-ordinator's score"] == 4 and "mostly, see TOKEN" in et01["Words typed with the scores"]
    assert et02["Agreed score"] == 2 and "bridge closed" in et02["Words typed with the scores"]
    notes = {(p.row_id, p.found) for p in problems if p.code == "score-note" and p.severity == "warning"}
    assert notes == {("ET-01", "4 - mostly, see TOKEN"), ("ET-02", "Little progress, bridge closed")}


@pytest.mark.parametrize("typed", ["3/4", "3 or 4", "4?"])
def test_a_co_ordinator_typed_a_score_that_reads_two_ways(sent: Path, typed: str) -> None:
    fill(sent, "ET", "et.xlsx", {TRACKER: {"ET-01": {"coordinator_score": typed}}})
    tables, problems = consolidated(sent)
    et01 = row(tables["All Actions"], "ET-01")
    assert et01["Co-ordinator's score"] is None and typed in et01["Words typed with the scores"]
    [ambiguous] = [p for p in problems if p.code == "score-ambiguous"]
    assert ambiguous.severity == "error" and ambiguous.found == typed and ambiguous.row_id == "ET-01"
    assert "4" in ambiguous.message and ("3" in ambiguous.message or "not yet decided" in ambiguous.message)


def test_a_co_ordinator_typed_maybe_and_n_a_as_flags(sent: Path) -> None:
    fill(sent, "ET", "et.xlsx", {TRACKER: {"ET-01": {"case_study": "maybe", "mainstream": "N/A"}, "ET-02": {"case_study": "Yes"}}})
    tables, problems = consolidated(sent)
    et01 = row(tables["All Actions"], "ET-01")
    assert (et01["Case study"], et01["Could be mainstreamed"]) == ("maybe", "N/A")
    assert {r["ID"] for r in tables["Flagged Projects"] if r.get("Cluster")} == {"ET-02"}  # 'maybe' is shown, not counted as flagged
    assert {(p.row_id, p.found) for p in problems if p.code == "flag-invalid"} == {("ET-01", "maybe"), ("ET-01", "N/A")}


def test_a_co_ordinator_added_a_notes_column_to_the_actions_for_improvement(sent: Path) -> None:
    path = fill(sent, "ET", "et.xlsx", {SUMMARY: {"AI-01": {"action": "Agree bridge works"}}})
    plan = plan_of(sent, "ET")
    form = next(s for s in plan.spec.sheets if s.kind == "form")
    book = openpyxl.load_workbook(path)
    ws = book[form.name]
    header = form.form_table_header_row()
    extra_col = len(form.table.columns) + 1
    ws.cell(header, extra_col).value = "Notes added by the cluster"
    ws.cell(header + 1, extra_col).value = "Network Rail to confirm"
    book.save(path)
    tables, problems = consolidated(sent)
    ai = row(tables["Improvement Plan"], "ET-AI-01", "No.")
    assert ai["Columns added by the cluster"] == "Notes added by the cluster: Network Rail to confirm"
    assert any(p.code == "column-added" and p.found == "Notes added by the cluster" for p in problems)


def test_the_steering_group_gave_a_key_contact_and_date_without_an_action(sent: Path) -> None:
    fill(sent, "partnership-health", "health.xlsx", {"Partnership Health": {
        "2.1.1": {"score": "Largely met", "key_contact": "Helen Kay", "due": dt.date(2004, 9, 21)},
        "2.1.2": {"score": "three", "due": "Ongoing"},
    }})
    tables, _ = consolidated(sent)
    health = tables["Partnership Health"]
    assert row(health, "2.1.1", "Ref")["Key contact"] == "Helen Kay" and row(health, "2.1.2", "Ref")["Date to be completed"] == "Ongoing"
    part2 = {r["Ref"]: r for r in tables["Partnership Plan"]}
    assert part2["2.1.1"]["Lead contact/organisation"] == "Helen Kay" and part2["2.1.2"]["Due date"] == "Ongoing"


def _text_everywhere(folder: Path) -> tuple[set[str], list[Problem]]:
    """Every text in the consolidated workbook, and every problem."""
    result = check_returns(load_review(folder))
    book = openpyxl.load_workbook(write_plan(result))
    seen = {as_text(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None}
    return seen, result.all_problems()


def test_a_co_ordinator_typed_beside_the_table_on_the_total_row_on_the_instructions_and_on_a_sheet_of_their_own(sent: Path) -> None:
    long_text = "A long account of the year. " * 80
    path = fill(sent, "ET", "et.xlsx", {TRACKER: {"ET-01": {"progress": long_text}}, SUMMARY: {"AI-01": {"action": "Agree bridge works"}}})
    book = openpyxl.load_workbook(path)
    plan = plan_of(sent, "ET")
    tracker, form = plan.spec.sheets[1], plan.spec.sheets[2]
    ws = book[tracker.name]
    header = tracker.table.header_row
    ws.cell(header + 1, len(tracker.table.columns) + 2).value = "beside ET-01, no header"
    summary = book[form.name]
    summary.cell(form.form_table_header_row() + 1, len(form.table.columns) + 1).value = "beyond the actions table"
    book[plan.spec.sheets[0].name].cell(40, 2).value = "typed on the instructions"
    notes = book.create_sheet("Our notes")
    for n in range(70):
        notes.cell(n // 7 + 1, n % 7 + 1).value = f"note {n}"
    book.save(path)
    health = fill(sent, "partnership-health", "health.xlsx", {"Partnership Health": {"2.1.1": {"score": 4}}})
    book = openpyxl.load_workbook(health)
    ws = book["Partnership Health"]
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Total score")
    ws.cell(total_row, 5).value = "typed on the total row"
    book.save(health)
    seen, problems = _text_everywhere(sent)
    found = {p.found for p in problems}
    assert long_text.strip() in {s.strip() for s in seen}  # the plan keeps the whole text
    for typed in ("beside ET-01, no header", "beyond the actions table", "typed on the instructions", "typed on the total row"):
        assert typed in found, typed
    on_notes = [p.found for p in problems if p.sheet == "Our notes"]
    assert all(f"note {n}" in on_notes or any(f": note {n} |" in f"{found} |" for found in on_notes) for n in range(70))


def test_every_cell_of_every_sheet_is_accounted_for_after_a_read(sent: Path) -> None:
    from kcp_sheets.generate import Plans
    from kcp_sheets.intake import gather
    from kcp_sheets.reader.reading import Reading
    from kcp_sheets.reader.records import Return

    path = fill(sent, "ET", "et.xlsx", {TRACKER: {"ET-01": {"coordinator_score": "4 - mostly", "progress": "done"}, "+1": {"action": "New", "coordinator_score": 9}}})
    book = openpyxl.load_workbook(path)
    book["Progress Tracker"]["Z3"] = "far away"
    book.create_sheet("Mine")["C9"] = "mine"
    book.save(path)
    review = load_review(sent)
    [source], _ = gather([path], 10**8)
    reading = Reading(Return(source), review, Plans(planned_workbooks(review)))
    reading.run()
    assert reading.result.plan is not None
    for name in reading.grids:
        assert reading.accounts.unaccounted(name) == [], name
    assert {"far away", "mine"} <= {p.found for p in reading.result.problems}
