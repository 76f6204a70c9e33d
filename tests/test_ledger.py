"""The ledger: what was sent, what came back, what was decided.

Whatever the officer changes after sending (a typo corrected, an action added,
a newer kcp-sheets with changed templates), every return is read against what
its cluster was sent and the co-ordinators are asked only about what they did;
decisions about returns survive re-reading; a folder without a ledger keeps
working; two commands on one folder take turns; a failed command changes
nothing."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kcp_sheets import spec as spec_module
from kcp_sheets.check import check_returns
from kcp_sheets.consolidate import write_plan
from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import INBOX, OUTBOX
from kcp_sheets.generate import generate
from kcp_sheets.ledger import LEDGER_FILE, SCHEMA_VERSION, Ledger
from kcp_sheets.problems import ProblemError
from kcp_sheets.review_states import (
    list_returns,
    mark_dealt_with,
    problems_of,
    set_state,
)
from kcp_sheets.settings import ACTIONS_FILE, load_review
from kcp_sheets.workbooks import planned_workbooks

TRACKER = "Progress Tracker"


def plan_of(folder: Path, label: str):  # noqa: ANN201
    return next(p for p in planned_workbooks(load_review(folder)) if p.label == label)


def fill(folder: Path, label: str, name: str, rows: dict[str, Any]) -> Path:
    plan = plan_of(folder, label)
    return fill_workbook(plan, folder / OUTBOX / plan.file_name, folder / INBOX / name, {TRACKER: rows})


def scored(folder: Path, label: str = "ET", score: Any = 4) -> dict[str, Any]:
    ids = [str(r["id"]) for r in plan_of(folder, label).content.rows[TRACKER]]
    return {i: {"progress": f"Progress on {i}", "coordinator_score": score} for i in ids}


def edit_actions(folder: Path, change: dict[str, dict[str, str]], add: list[dict[str, str]] = ()) -> None:
    path = folder / ACTIONS_FILE
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        row.update(change.get(row["id"], {}))
    rows += [{**{k: "" for k in header}, **a} for a in add]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    grid = [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]
    at = next(n for n, r in enumerate(grid) if r and r[0] in ("ID", "No."))
    return [dict(zip(grid[at], r, strict=True)) for r in grid[at + 1 :] if any(v is not None for v in r)]


@pytest.fixture()
def sent(folder: Path) -> Path:
    generate(load_review(folder))
    return folder


def test_a_typo_corrected_and_an_action_added_after_sending_are_the_officers_changes(sent: Path) -> None:
    fill(sent, "ET", "et.xlsx", scored(sent))
    old_text = next(r["action"] for r in plan_of(sent, "ET").content.rows[TRACKER] if r["id"] == "ET-03")
    edit_actions(
        sent,
        {"ET-03": {"action": old_text + " (corrected)"}},
        [
            {
                "id": "ET-99",
                "cluster": "ET",
                "issue": "Air quality",
                "outcome": "Fewer bad-air days",
                "action": "Monitor air on Golborne Road",
                "nrf": "No",
            }
        ],
    )

    for regenerated in (False, True):
        if regenerated:
            generate(load_review(sent))
        result = check_returns(load_review(sent))
        [ret] = result.returns
        found = {(p.code, p.row_id): p for p in ret.problems}
        assert ret.sent.edition == 1  # read against what ET was sent, whatever was generated since
        assert not [p for p in ret.problems if p.code in ("row-deleted", "fixed-edited") or p.severity == "error"], (
            ret.problems
        )
        added = found[("row-added-since", "ET-99")]
        assert "added after this workbook was sent" in added.message and "ET-99" in added.ask
        assert "corrected after this workbook was sent" in found[("row-changed-since", "ET-03")].message
        assert ret.state == "new" and result.merged() == [ret]

    with Ledger(sent) as ledger:
        editions = {(r.cluster, r.edition) for r in ledger.sent_rows(load_review(sent).review_id)}
    assert ("ET", 2) in editions and ("ET", 1) in editions and ("HW", 2) not in editions  # only ET changed

    # The plan shows the corrected text and asks for the action ET was never sent.
    path = write_plan(check_returns(load_review(sent)))
    actions = {r["ID"]: r for r in sheet(path, "All Actions")}
    assert (
        actions["ET-03"]["Action required"] == old_text + " (corrected)"
        and actions["ET-03"]["Co-ordinator's score"] == 4
    )
    assert actions["ET-99"]["Co-ordinator's score"] is None and actions["ET-99"]["From file"] == "et.xlsx"

    # A return of the new edition is read with it: nothing changed since.
    fill(sent, "ET", "et-new.xlsx", scored(sent))
    newest = next(r for r in check_returns(load_review(sent)).returns if r.source.name == "et-new.xlsx")
    assert newest.sent.edition == 2 and not [p for p in newest.problems if p.code.endswith("-since")]


def test_sent_rows_the_settings_still_make_are_held_once(sent: Path) -> None:
    """A national review's sent rows are 200,000 copies of the settings' text: where
    nothing changed, the sent workbook holds the settings' rows; where the officer
    changed something, it keeps its own, and the change is reported."""
    fill(sent, "ET", "et.xlsx", scored(sent))
    fill(sent, "HW", "hw.xlsx", scored(sent, "HW"))
    result = check_returns(load_review(sent))
    by_cluster = {r.cluster: r for r in result.returns}
    assert by_cluster["ET"].sent.content.rows[TRACKER] is result.rows_now["ET"]
    old_text = next(r["action"] for r in result.rows_now["ET"] if r["id"] == "ET-03")
    edit_actions(sent, {"ET-03": {"action": old_text + " (corrected)"}})
    result = check_returns(load_review(sent))
    by_cluster = {r.cluster: r for r in result.returns}
    et = by_cluster["ET"]
    assert et.sent.content.rows[TRACKER] is not result.rows_now["ET"]
    assert (
        next(r["action"] for r in et.sent.content.rows[TRACKER] if r["id"] == "ET-03") == old_text
    )  # what was sent stays as sent
    assert "row-changed-since" in {p.code for p in et.problems}
    assert by_cluster["HW"].sent.content.rows[TRACKER] is result.rows_now["HW"]


def test_score_words_changed_after_sending(sent: Path) -> None:
    fill(sent, "ET", "et.xlsx", scored(sent, score="Largely achieved"))  # words from the drop-down the cluster was sent
    settings = sent / "review.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "Largely achieved" in text
    settings.write_text(text.replace("Largely achieved", "Mostly done"), encoding="utf-8")
    [ret] = check_returns(load_review(sent)).returns
    assert ret.errors == 0 and {r.values["coordinator_score"] for r in ret.rows[TRACKER]} == {4}


def test_templates_changed_between_sending_and_reading(sent: Path, tmp_path: Path) -> None:
    fill(sent, "ET", "et.xlsx", scored(sent, score=3))
    newer = tmp_path / "templates"
    shutil.copytree(spec_module.templates_dir(), newer)
    tracker = newer / "cluster_tracker.yaml"
    text = tracker.read_text(encoding="utf-8")
    assert '"Progress this year"' in text and "version: 1" in text
    tracker.write_text(
        text.replace('"Progress this year"', '"Progress in the year"').replace("version: 1", "version: 2"),
        encoding="utf-8",
    )
    review = replace(load_review(sent), templates=newer)  # what a newer kcp-sheets would make
    assert next(p for p in planned_workbooks(review) if p.label == "ET").spec.version == 2
    [ret] = check_returns(review).returns
    assert [
        p
        for p in ret.problems
        if p.severity == "error" or p.code in ("other-version", "header-missing", "fixed-edited")
    ] == []
    assert ret.sent.spec.version == 1 and {r.values["coordinator_score"] for r in ret.rows[TRACKER]} == {3}
    assert all(r.values["progress"] == f"Progress on {r.id}" for r in ret.rows[TRACKER])


def test_review_states_and_dealt_with_problems_survive_a_re_read(sent: Path) -> None:
    rows = scored(sent)
    rows["ET-01"]["coordinator_score"] = 7
    fill(sent, "ET", "et.xlsx", rows)
    fill(sent, "HW", "hw.xlsx", scored(sent, "HW"))
    result = check_returns(load_review(sent))
    states = {r.source.name: r.state for r in result.returns}
    assert states == {"et.xlsx": "has problems", "hw.xlsx": "new"}
    assert [r.source.name for r in result.merged()] == ["hw.xlsx"]
    assert [(r.source.name, why) for r, why in result.left_out()] == [
        ("et.xlsx", "1 error not dealt with: accept it or deal with them")
    ]
    path = write_plan(result)
    sources = {r["File"]: r["Status"] for r in sheet_by_first(path, "Sources", "File")}
    assert sources["et.xlsx"].startswith("left out: 1 error not dealt with") and sources["hw.xlsx"].startswith("used")
    summary = {r["File"]: (r["Used"], r["Why"]) for r in sheet_by_first(path, "Summary", "File")}
    assert summary == {
        "et.xlsx": ("Left out", "1 error not dealt with: accept it or deal with them"),
        "hw.xlsx": ("Used", None),
    }

    et = next(r for r in list_returns(sent) if r.name == "et.xlsx")
    [error] = [p for p in problems_of(sent, et.id) if p.severity == "error"]
    with pytest.raises(ProblemError):
        mark_dealt_with(sent, et.id, error.key, "  ")
    assert (
        mark_dealt_with(sent, "et.xlsx", error.key, "Confirmed 4 by telephone").dealt_with == "Confirmed 4 by telephone"
    )
    assert next(r for r in list_returns(sent) if r.id == et.id).state == "new"
    with pytest.raises(ProblemError):
        set_state(sent, et.id, "rejected")  # a reason is required
    assert set_state(sent, et.id, "accepted", "Score confirmed by telephone").state == "accepted"

    again = {r.source.name: r for r in check_returns(load_review(sent)).returns}
    et_again = again["et.xlsx"]
    assert (et_again.state, et_again.note, et_again.errors) == ("accepted", "Score confirmed by telephone", 0)
    assert [p.dealt_with for p in et_again.problems if p.severity == "error"] == ["Confirmed 4 by telephone"]

    set_state(sent, "hw.xlsx", "rejected", "The wrong cluster filled it in")
    result = check_returns(load_review(sent))
    assert {r.source.name: r.state for r in result.returns} == {"et.xlsx": "accepted", "hw.xlsx": "rejected"}
    assert [r.source.name for r in result.merged()] == ["et.xlsx"]

    # A newer copy supersedes the accepted one; the older stays listed.
    v2 = fill(sent, "ET", "et v2.xlsx", scored(sent, score=5))
    later_time = (
        sent / INBOX / "et.xlsx"
    ).stat().st_mtime + 60  # saved a minute later, whatever the clock's resolution
    os.utime(v2, (later_time, later_time))
    later = {r.source.name: r.state for r in check_returns(load_review(sent)).returns}
    assert later["et.xlsx"] == "superseded" and later["et v2.xlsx"] == "new"


def sheet_by_first(path: Path, name: str, first: str) -> list[dict[str, Any]]:
    grid = [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]
    at = next(n for n, r in enumerate(grid) if first in r)
    return [dict(zip(grid[at], r, strict=True)) for r in grid[at + 1 :] if any(v is not None for v in r)]


def _without_edition(path: Path) -> None:
    """The return as the previous release made it: no edition on its identity sheet."""
    book = openpyxl.load_workbook(path)
    ws = book["KCP identity"]
    for row in ws.iter_rows():
        if row[0].value == "edition":
            ws.delete_rows(row[0].row)
    book.save(path)


def test_a_folder_from_the_previous_release_gets_a_ledger_on_first_use(sent: Path) -> None:
    path = fill(sent, "ET", "et.xlsx", scored(sent))
    _without_edition(path)
    (sent / LEDGER_FILE).unlink()
    result = check_returns(load_review(sent))
    assert result.notices and "new ledger" in result.notices[0]
    [ret] = result.returns
    assert ret.sent.edition == 1 and ret.errors == 0 and ret.state == "new"
    with Ledger(sent) as ledger:
        assert {r.how for r in ledger.sent_rows(load_review(sent).review_id)} == {"rebuilt from the folder"}
    assert check_returns(load_review(sent)).notices == []  # only the first time


def test_a_deleted_ledger_is_rebuilt_and_the_officer_is_told(sent: Path) -> None:
    fill(sent, "ET", "et.xlsx", scored(sent))
    check_returns(load_review(sent))
    set_state(sent, "et.xlsx", "accepted", "Fine")
    for leftover in sent.glob(LEDGER_FILE + "*"):
        leftover.unlink()
    result = check_returns(load_review(sent))
    assert "was not found" in result.notices[0]
    [ret] = result.returns
    assert ret.sent is not None and ret.errors == 0 and ret.state == "new"  # the decision went with the old ledger
    assert not [p for p in ret.problems if p.code in ("sent-unknown", "identity-edited")]


def test_a_return_of_an_edition_the_rebuilt_ledger_lacks_says_so(sent: Path) -> None:
    fill(sent, "ET", "et.xlsx", scored(sent))
    edit_actions(sent, {"ET-03": {"action": "Corrected after sending"}})
    for leftover in sent.glob(LEDGER_FILE + "*"):
        leftover.unlink()
    [ret] = check_returns(load_review(sent)).returns
    codes = {p.code for p in ret.problems}
    assert "sent-unknown" in codes and "identity-edited" not in codes


def test_a_damaged_ledger_is_a_clear_message(sent: Path) -> None:
    for leftover in sent.glob(LEDGER_FILE + "*"):
        leftover.unlink()
    (sent / LEDGER_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(ProblemError) as caught:
        check_returns(load_review(sent))
    assert (
        caught.value.problems[0].code == "ledger-unreadable"
        and "Keep a copy of ledger.sqlite" in caught.value.problems[0].ask
    )


def test_a_ledger_from_a_newer_release_is_refused(sent: Path) -> None:
    db = sqlite3.connect(sent / LEDGER_FILE)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(ProblemError) as caught:
        Ledger(sent)
    assert caught.value.problems[0].code == "ledger-newer"


def test_a_ledger_of_the_first_schema_is_brought_up_to_date_and_keeps_its_records(sent: Path) -> None:
    with Ledger(sent) as ledger, ledger.transaction():
        ledger.replace_records(
            "kcp-2003",
            2003,
            "Kensington",
            "Review 2003",
            {"actions": [{"id": "ET-01", "cluster": "ET", "agreed_score": 4}]},
        )
    db = sqlite3.connect(sent / LEDGER_FILE)
    db.execute("DROP INDEX records_by_kind_year")
    db.execute("ALTER TABLE records DROP COLUMN seq")
    db.execute("ALTER TABLE returns DROP COLUMN copy_rank")
    db.execute("PRAGMA user_version = 1")  # as 0.1 and the first 0.2 left it
    db.close()
    with Ledger(sent) as ledger:
        assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        plan = " ".join(
            str(tuple(r))
            for r in ledger.db.execute(
                "EXPLAIN QUERY PLAN SELECT data FROM records WHERE kind = 'actions' AND year < 2004"
            )
        )
        assert "records_by_kind_year" in plan  # earlier years found without reading this year's records
        assert [r["agreed_score"] for r in ledger.records("actions", before=2004)] == [4]


def test_records_replaced_keep_the_plans_order_and_only_what_changed_is_written(sent: Path) -> None:
    def actions(*pairs: tuple[str, int]) -> dict[str, list[dict[str, object]]]:
        return {
            "actions": [{"id": i, "cluster": i[:2], "agreed_score": n} for i, n in pairs],
            "health": [{"id": "1.1.1", "score": 3}],
        }

    def stored(ledger: Ledger) -> list[tuple[str, int]]:
        return [
            (r["id"], r.get("agreed_score", r.get("score")))
            for kind in ("actions", "health")
            for r in ledger.records(kind)
        ]

    with Ledger(sent) as ledger, ledger.transaction():
        ledger.replace_records("kcp-2003", 2003, "K", "Review 2003", actions(("ET-01", 4), ("ET-02", 2), ("HW-01", 5)))
    with Ledger(sent) as ledger:
        assert stored(ledger) == [("ET-01", 4), ("ET-02", 2), ("HW-01", 5), ("1.1.1", 3)]
        with ledger.transaction():  # ET-01 retired, ET-02 rescored, ET-03 added before HW-01
            ledger.replace_records(
                "kcp-2003", 2003, "K", "Review 2003", actions(("ET-02", 3), ("ET-03", 1), ("HW-01", 5))
            )
        assert stored(ledger) == [("ET-02", 3), ("ET-03", 1), ("HW-01", 5), ("1.1.1", 3)]
        before = ledger.db.total_changes
        with ledger.transaction():
            ledger.replace_records(
                "kcp-2003", 2003, "K", "Review 2003", actions(("ET-02", 3), ("ET-03", 1), ("HW-01", 5))
            )
        assert ledger.db.total_changes - before == 1  # the review's own row; no record rewritten
        assert stored(ledger) == [("ET-02", 3), ("ET-03", 1), ("HW-01", 5), ("1.1.1", 3)]


def test_a_record_given_twice_is_the_later_one_however_often_replaced(sent: Path) -> None:
    """Two records under one key: each write leaves the later, even when what
    the ledger held beside the first is the later one as written last time."""
    twice = {
        "actions": [
            {"id": "ET-01", "cluster": "ET", "agreed_score": 1},
            {"id": "ET-01", "cluster": "ET", "agreed_score": 5},
        ]
    }
    with Ledger(sent) as ledger:
        for _ in range(3):
            with ledger.transaction():
                ledger.replace_records("kcp-2003", 2003, "K", "Review 2003", twice)
            assert [r["agreed_score"] for r in ledger.records("actions")] == [5]


def test_reviews_of_one_year_are_listed_in_the_order_they_were_last_consolidated(sent: Path) -> None:
    def consolidated(ledger: Ledger, review: str) -> None:
        with ledger.transaction():
            ledger.replace_records(
                review,
                2003,
                "K",
                review,
                {"actions": [{"id": f"{review}-1", "cluster": "ET"}, {"id": f"{review}-2", "cluster": "ET"}]},
            )

    with Ledger(sent) as ledger:
        consolidated(ledger, "b-2003")
        consolidated(ledger, "a-2003")
        assert [r["id"] for r in ledger.records("actions")] == ["b-2003-1", "b-2003-2", "a-2003-1", "a-2003-2"]
        consolidated(ledger, "b-2003")
        assert [r["id"] for r in ledger.records("actions")] == ["a-2003-1", "a-2003-2", "b-2003-1", "b-2003-2"]


def test_the_collector_is_on_again_after_builds_that_overlap_in_two_threads() -> None:
    """The desk loads reviews in two threads at once; the collector, paused while
    either builds, must be on again when both are done."""
    import gc
    import threading

    from kcp_sheets.bulk import building

    inside, leave = threading.Event(), threading.Event()

    def slow() -> None:
        with building():
            inside.set()
            leave.wait(5)

    assert gc.isenabled()
    other = threading.Thread(target=slow)
    other.start()
    inside.wait(5)
    with building():
        assert not gc.isenabled()
        leave.set()
        other.join(5)
        assert not gc.isenabled()  # still building here
    assert gc.isenabled()


def _files_agree_with_ledger(folder: Path) -> None:
    """Every workbook the outbox holds is the last edition the ledger recorded,
    byte for byte, and nothing is left written aside."""
    review = load_review(folder)
    with Ledger(folder) as ledger:
        latest = {r.file_name: r.sha256 for r in ledger.sent_rows(review.review_id)}
    assert not [p.name for p in (folder / OUTBOX).iterdir() if p.name.startswith(".kcp-")]
    for plan in planned_workbooks(review):
        path = folder / OUTBOX / plan.file_name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == latest[plan.file_name], plan.file_name


def killed_after(command: list[str], seconds: float) -> None:
    """The command as typed, stopped with kill -9 after `seconds` if it has not finished."""
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        running.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        running.kill()
        running.wait()


@pytest.mark.parametrize("after", [0.4, 0.8, 1.2, 1.6, 2.0])
def test_generate_killed_at_any_moment_then_run_again_leaves_files_and_ledger_agreeing(
    sent: Path, after: float
) -> None:
    edit_actions(sent, {c: {"partners": f"Changed {after}"} for c in ("ET-01", "HW-01", "HH-01")})
    run = [sys.executable, "-m", "kcp_sheets", "generate", str(sent)]
    killed_after(run, after)
    assert subprocess.run(run, capture_output=True, check=False).returncode == 0
    _files_agree_with_ledger(sent)


def test_consolidate_killed_then_run_again_records_the_plan_it_leaves(sent: Path) -> None:
    fill(sent, "ET", "ET.xlsx", scored(sent, "ET"))
    run = [sys.executable, "-m", "kcp_sheets", "consolidate", str(sent)]
    for after in (0.8, 1.6, 2.4):
        killed_after(run, after)
    assert subprocess.run(run, capture_output=True, check=False).returncode == 0
    output = sent / "output"
    assert not [p.name for p in output.iterdir() if p.name.startswith(".kcp-")]
    plan = next(output.glob("* Improvement Action Plan.xlsx"))
    with Ledger(sent) as ledger:
        recorded = ledger.db.execute(
            "SELECT output_sha256 FROM consolidations WHERE output = ? ORDER BY id DESC", (plan.name,)
        ).fetchone()[0]
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == recorded


def test_a_file_written_aside_by_a_running_command_is_left_alone(sent: Path) -> None:
    from kcp_sheets import unfinished

    mine = sent / OUTBOX / f"{unfinished.prefix()}being-written.xlsx"  # this process is alive: its file is in use
    gone = sent / OUTBOX / ".kcp-999999999-left-by-a-killed-run.xlsx"
    for path in (mine, gone):
        path.write_bytes(b"half")
    assert unfinished.sweep(sent / OUTBOX) == [gone]
    assert mine.exists() and not gone.exists()


def test_two_commands_at_once_on_one_folder(sent: Path) -> None:
    for label in ("ET", "HW", "HH"):
        fill(sent, label, f"{label}.xlsx", scored(sent, label))
    edit_actions(sent, {"SC-01": {"action": "Changed while checking"}})
    run = [sys.executable, "-m", "kcp_sheets"]
    jobs = [
        subprocess.Popen([*run, command, str(sent)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for command in ("check", "generate", "check", "consolidate")
    ]
    for job in jobs:
        out, err = job.communicate(timeout=300)
        assert job.returncode in (0, 1), (out, err)
        assert b"Traceback" not in err and b"locked" not in err
    returns = list_returns(sent)
    assert sorted(r.name for r in returns) == ["ET.xlsx", "HH.xlsx", "HW.xlsx"]  # each once, whoever read it first
    with Ledger(sent) as ledger:
        sc = [r.edition for r in ledger.sent_rows(load_review(sent).review_id) if r.cluster == "SC"]
    assert sc == [1, 2]


FREEZE_PROBE = """
import gc, sys
from kcp_sheets.bulk import building, for_one_run
for_one_run()  # as every command starts
if sys.argv[1] == "desk":
    for_one_run(False)  # as serve does
with building():
    built = [[n] for n in range(10_000)]
print(gc.get_freeze_count() >= 10_000, gc.isenabled())
"""


@pytest.mark.parametrize(("how", "frozen"), [("command", "True"), ("desk", "False")])
def test_a_command_freezes_what_it_built_and_the_desk_does_not(how: str, frozen: str) -> None:
    """A command's process ends with its run, so the collector need never walk
    what it built again; the desk runs for days and must let a request's
    objects go."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FREEZE_PROBE, how], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [frozen, "True"]


def test_records_are_written_as_the_json_encoder_writes_them() -> None:
    import datetime as dt

    from kcp_sheets.ledger.records import _RECORD_JSON, _encode_record

    records = [
        {"id": "ET-01", "cluster": "ET", "agreed_score": 4, "nrf": True, "new": None, "ratio": 0.1 + 0.2},
        {"id": "Å-02", "action": 'Quote " and \\ and \n and \u2028 and 😀', "due": dt.date(2004, 3, 31)},
        {"id": 3, "at": dt.datetime(2004, 4, 24, 9, 30), "nested": {"a": [1, 2.5, float("inf")]}, "big": 10**20},
        {"id": "x", "odd": Path("a/b"), "empty": "", "list": []},
    ]
    for record in records:
        assert _encode_record(record) == _RECORD_JSON.encode(record)
