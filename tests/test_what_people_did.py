"""Regression tests for issue 10, each named for what a person did to a
return: whatever it was, every value typed reaches the officer, against the
action it was typed for, or is in a problem with its cell and full text."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kcp_sheets.cli import app
from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import INBOX
from kcp_sheets.generate import generate
from kcp_sheets.settings import load_review
from kcp_sheets.workbooks import planned_workbooks

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
        assert result.exit_code in (0, 1, 2), (command, result.output)  # 2: consolidate has no return free of errors
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
from kcp_sheets.review_states import set_state  # noqa: E402
from kcp_sheets.values import as_text  # noqa: E402


@pytest.fixture()
def sent(folder: Path) -> Path:
    generate(load_review(folder), folder / "outbox")
    return folder


def plan_of(folder: Path, label: str):  # noqa: ANN201
    return next(p for p in planned_workbooks(load_review(folder)) if p.label == label)


def fill(
    folder: Path, label: str, name: str, rows: dict[str, Any] | None = None, fields: dict[str, Any] | None = None
) -> Path:
    plan = plan_of(folder, label)
    return fill_workbook(plan, folder / "outbox" / plan.file_name, folder / INBOX / name, rows, fields)


def consolidated(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """The plan's tables as rows by header, and every problem. A return with
    errors is merged only once accepted, so the officer accepts each here."""
    result = check_returns(load_review(folder))
    for ret in result.returns:
        if ret.state == "has problems" and ret.sent is not None:
            set_state(folder, ret.ledger_id, "accepted", "Accepted to see what it holds")
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
        tables[ws.title] = [
            dict(zip(header, r, strict=True)) for r in grid[header_at + 1 :] if any(v is not None for v in r)
        ]
    return tables, result.all_problems()


def row(table: list[dict[str, Any]], ident: str, key: str = "ID") -> dict[str, Any]:
    return next(r for r in table if r.get(key) == ident)


def test_a_co_ordinator_typed_words_after_a_score_and_they_reach_the_plan_beside_it(sent: Path) -> None:
    fill(
        sent,
        "ET",
        "et.xlsx",
        {
            TRACKER: {
                "ET-01": {"coordinator_score": "4 - mostly, see TOKEN"},
                "ET-02": {"agreed_score": "Little progress, bridge closed"},
            }
        },
    )
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
    fill(
        sent,
        "ET",
        "et.xlsx",
        {TRACKER: {"ET-01": {"case_study": "maybe", "mainstream": "N/A"}, "ET-02": {"case_study": "Yes"}}},
    )
    tables, problems = consolidated(sent)
    et01 = row(tables["All Actions"], "ET-01")
    assert (et01["Case study"], et01["Could be mainstreamed"]) == ("maybe", "N/A")
    assert {r["ID"] for r in tables["Flagged Projects"] if r.get("Cluster")} == {
        "ET-02"
    }  # 'maybe' is shown, not counted as flagged
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
    fill(
        sent,
        "partnership-health",
        "health.xlsx",
        {
            "Partnership Health": {
                "2.1.1": {"score": "Largely met", "key_contact": "Helen Kay", "due": dt.date(2004, 9, 21)},
                "2.1.2": {"score": "three", "due": "Ongoing"},
            }
        },
    )
    tables, _ = consolidated(sent)
    health = tables["Partnership Health"]
    assert (
        row(health, "2.1.1", "Ref")["Key contact"] == "Helen Kay"
        and row(health, "2.1.2", "Ref")["Date to be completed"] == "Ongoing"
    )
    part2 = {r["Ref"]: r for r in tables["Partnership Plan"]}
    assert part2["2.1.1"]["Lead contact/organisation"] == "Helen Kay" and part2["2.1.2"]["Due date"] == "Ongoing"


def _text_everywhere(folder: Path) -> tuple[set[str], list[Problem]]:
    """Every text in the consolidated workbook, and every problem."""
    result = check_returns(load_review(folder))
    book = openpyxl.load_workbook(write_plan(result))
    seen = {as_text(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None}
    return seen, result.all_problems()


def test_a_co_ordinator_typed_beside_the_table_on_the_total_row_on_the_instructions_and_on_a_sheet_of_their_own(
    sent: Path,
) -> None:
    long_text = "A long account of the year. " * 80
    path = fill(
        sent,
        "ET",
        "et.xlsx",
        {TRACKER: {"ET-01": {"progress": long_text}}, SUMMARY: {"AI-01": {"action": "Agree bridge works"}}},
    )
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
    for typed in (
        "beside ET-01, no header",
        "beyond the actions table",
        "typed on the instructions",
        "typed on the total row",
    ):
        assert any(typed in f for f in found), typed
    on_notes = [p.found for p in problems if p.sheet == "Our notes"]
    assert all(f"note {n}" in on_notes or any(f": note {n} |" in f"{found} |" for found in on_notes) for n in range(70))


def test_every_cell_of_every_sheet_is_accounted_for_after_a_read(sent: Path) -> None:
    from kcp_sheets.intake import gather
    from kcp_sheets.reader.reading import Reading
    from kcp_sheets.reader.records import Return
    from kcp_sheets.sent import SentWorkbooks

    path = fill(
        sent,
        "ET",
        "et.xlsx",
        {
            TRACKER: {
                "ET-01": {"coordinator_score": "4 - mostly", "progress": "done"},
                "+1": {"action": "New", "coordinator_score": 9},
            }
        },
    )
    book = openpyxl.load_workbook(path)
    book["Progress Tracker"]["Z3"] = "far away"
    book.create_sheet("Mine")["C9"] = "mine"
    book.save(path)
    review = load_review(sent)
    [source], _ = gather([path], 10**8)
    reading = Reading(Return(source), review, SentWorkbooks(planned_workbooks(review)))
    reading.run()
    assert reading.result.sent is not None
    for name in reading.grids:
        assert reading.accounts.unaccounted(name) == [], name
    assert {"far away", "mine"} <= {p.found for p in reading.result.problems}


def _input_columns(table) -> list[int]:  # noqa: ANN001
    return [n + 1 for n, c in enumerate(table.columns) if c.is_input]


def test_a_co_ordinator_sorted_the_tracker_by_action_without_the_id_column(sent: Path) -> None:
    plan = plan_of(sent, "HW")
    ids = [str(r["id"]) for r in plan.content.rows[plan.spec.main_table().key]]
    typed = {ident: {"progress": f"progress of {ident}", "coordinator_score": 1 + n % 5} for n, ident in enumerate(ids)}
    path = fill(sent, "HW", "hw.xlsx", {TRACKER: typed})
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    first = plan.spec.main_table().table.header_row + 1
    last = first + len(ids) - 1
    width = len(plan.spec.main_table().table.columns)
    rows = [[ws.cell(r, c).value for c in range(2, width + 1)] for r in range(first, last + 1)]
    rows.sort(key=lambda cells: str(cells[2]), reverse=True)  # by "Action required", column A left where it was
    for r, cells in enumerate(rows, start=first):
        for c, value in enumerate(cells, start=2):
            ws.cell(r, c).value = value
    book.save(path)
    tables, problems = consolidated(sent)
    actions = {r["ID"]: r for r in tables["All Actions"] if r.get("Cluster") == "HW"}
    assert list(actions) == ids  # the papers keep the master list's order, however the tracker was sorted
    for ident in ids:
        assert actions[ident]["Progress this year"] == f"progress of {ident}", ident
        assert actions[ident]["Action required"] == next(
            str(r["action"]) for r in plan.content.rows[plan.spec.main_table().key] if str(r["id"]) == ident
        )
    assert [p for p in problems if p.severity == "error"] == []
    moved = [p for p in problems if p.code == "row-moved"]
    assert moved and all(p.severity == "warning" for p in moved)


def test_a_co_ordinator_pasted_the_answers_one_row_down_onto_a_spare_row(sent: Path) -> None:
    plan = plan_of(sent, "CD")
    sheet = plan.spec.main_table()
    ids = [str(r["id"]) for r in plan.content.rows[sheet.key]]
    typed = {ident: {"progress": f"progress of {ident}", "coordinator_score": 3} for ident in ids[-3:]}
    path = fill(sent, "CD", "cd.xlsx", {TRACKER: typed})
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    first = sheet.table.header_row + len(ids) - 2  # the first of the last three rows
    for c in _input_columns(sheet.table):
        for r in range(first + 3, first, -1):
            ws.cell(r, c).value = ws.cell(r - 1, c).value
        ws.cell(first, c).value = None
    book.save(path)
    tables, problems = consolidated(sent)
    assert not any(r["ID"].startswith("CD-NEW") for r in tables["All Actions"] if r.get("ID"))  # no action invented
    [shifted] = [p for p in problems if p.code == "answers-shifted"]
    assert shifted.severity == "error" and f"rows {first + 1}-{first + 3}" in shifted.message
    assert all(ident in shifted.message for ident in ids[-3:])
    assert f"progress of {ids[-1]}" in shifted.found  # what landed on the spare row is kept, in full


def test_the_steering_group_pasted_a_criterion_s_answers_one_row_down_onto_its_total(sent: Path) -> None:
    plan = plan_of(sent, "partnership-health")
    sheet = plan.spec.main_table()
    strategic = [str(r["id"]) for r in plan.content.rows[sheet.key] if r["criterion"] == "Strategic"]
    path = fill(
        sent,
        "partnership-health",
        "health.xlsx",
        {sheet.name: {ident: {"score": 4, "evidence": f"evidence for {ident}"} for ident in strategic}},
    )
    book = openpyxl.load_workbook(path)
    ws = book[sheet.name]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    first, last = rows[strategic[0]], rows[strategic[-1]]
    for c in _input_columns(sheet.table):
        for r in range(last + 1, first, -1):
            ws.cell(r, c).value = ws.cell(r - 1, c).value
        ws.cell(first, c).value = None
    book.save(path)
    _, problems = consolidated(sent)
    [shifted] = [p for p in problems if p.code == "answers-shifted"]
    assert shifted.severity == "error" and all(ident in shifted.message for ident in strategic)
    assert f"evidence for {strategic[-1]}" in shifted.found
    assert not [p for p in problems if p.code == "new-action"]


def _email(path: Path, attachment: Path, date: str, sender: str = "Anne Reeves <anne.reeves@example.org>") -> Path:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Date"] = (
        sender,
        "officer@example.org",
        "Our return",
        date,
    )
    message.set_content("Attached.")
    message.add_attachment(
        attachment.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=attachment.name,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(message))
    attachment.unlink()
    return path


def test_a_cluster_sent_its_workbook_twice_with_different_edits(sent: Path) -> None:
    import os

    inbox = sent / INBOX
    first = fill(
        sent,
        "ET",
        "first/ET tracker.xlsx",
        {
            TRACKER: {
                "ET-01": {"coordinator_score": 2, "progress": "only in the first"},
                "ET-02": {"coordinator_score": 3},
            }
        },
        {SUMMARY: {"barriers": "Railtrack"}},
    )
    second = fill(
        sent,
        "ET",
        "second/ET tracker.xlsx",
        {TRACKER: {"ET-02": {"coordinator_score": 4}, "ET-03": {"progress": "only in the second"}}},
    )
    # The first was e-mailed later than the second, though its file is older: the e-mail's Date decides.
    os.utime(second, (2_000_000_000, 2_000_000_000))
    _email(inbox / "first" / "ET tracker.eml", first, "Tue, 20 Apr 2004 10:00:00 +0100")
    _email(inbox / "second" / "ET tracker.eml", second, "Mon, 19 Apr 2004 09:00:00 +0100")
    tables, problems = consolidated(sent)
    actions = {r["ID"]: r for r in tables["All Actions"] if r.get("Cluster") == "ET"}
    assert (
        actions["ET-01"]["Progress this year"] == "only in the first" and actions["ET-01"]["Co-ordinator's score"] == 2
    )
    assert actions["ET-03"]["Progress this year"] == "only in the second"
    assert actions["ET-02"]["Co-ordinator's score"] == 3  # both typed: the one e-mailed later wins...
    [differ] = [p for p in problems if p.code == "returns-differ"]
    assert differ.row_id == "ET-02" and ": 3" in differ.found and "4" in differ.message  # ...and both values are shown
    assert (
        differ.file == "first/ET tracker.eml > ET tracker.xlsx" and "second/ET tracker.eml" in differ.message
    )  # told apart by their path
    assert row(tables["Cluster Reviews"], "ET", "Cluster")["Barriers"] == "Railtrack"
    assert not [p for p in problems if p.code == "score-unscored" and p.row_id in ("ET-01", "ET-02")]


def test_words_in_the_newer_copy_are_not_replaced_by_the_older_copys_score(sent: Path) -> None:
    """'3 or 4' in the newer copy is no score, but it is what the cluster said last:
    the older copy's 4 is not put in its place; both are shown, and the score is asked for."""
    import os

    older = fill(sent, "ET", "older/ET tracker.xlsx", {TRACKER: {"ET-02": {"coordinator_score": 4}}})
    newer = fill(sent, "ET", "newer/ET tracker.xlsx", {TRACKER: {"ET-02": {"coordinator_score": "3 or 4"}}})
    os.utime(older, (1_000_000_000, 1_000_000_000))
    os.utime(newer, (2_000_000_000, 2_000_000_000))
    tables, problems = consolidated(sent)
    actions = {r["ID"]: r for r in tables["All Actions"] if r.get("Cluster") == "ET"}
    assert actions["ET-02"]["Co-ordinator's score"] in (None, "")
    [differ] = [p for p in problems if p.code == "returns-differ" and p.row_id == "ET-02"]
    assert "3 or 4" in differ.found and "4" in differ.message


def test_a_co_ordinator_inserted_a_column_and_a_missing_score_is_asked_for_where_it_now_is(sent: Path) -> None:
    plan = plan_of(sent, "HW")
    table = plan.spec.main_table().table
    ids = [str(r["id"]) for r in plan.content.rows[plan.spec.main_table().key]]
    typed = {ident: {"coordinator_score": 3, "agreed_score": 3} for ident in ids[1:]}
    typed[ids[0]] = {"progress": "Started", "coordinator_score": 4}  # stage 2, but no agreed score
    path = fill(sent, "HW", "hw.xlsx", {TRACKER: typed})
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    ws.insert_cols(table.index("progress") + 2)  # a column of notes, right of Progress
    ws.cell(table.header_row, table.index("progress") + 2).value = "Notes"
    book.save(path)
    result = check_returns(load_review(sent))
    missing = next(p for p in result.all_problems() if p.code == "agreed-missing" and p.row_id == ids[0])
    moved = openpyxl.utils.get_column_letter(table.index("agreed_score") + 2)  # one to the right of where it was sent
    assert missing.cell == f"{moved}{table.header_row + 1}"


def test_the_health_review_left_unscored_asks_the_steering_group_not_a_cluster(sent: Path) -> None:
    fill(sent, "partnership-health", "health.xlsx", {})
    result = check_returns(load_review(sent))
    unscored = [p for p in result.all_problems() if p.file == "health.xlsx" and p.message == "No score given."]
    assert unscored and all(
        p.code == "score-unscored-review" and "steering group" in p.ask and "co-ordinator" not in p.ask
        for p in unscored
    )
