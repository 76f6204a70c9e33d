"""One story about every return: the demo's folder driven through the commands
and the desk in turn, each surface asked what it says of the same returns.

A rejected return is received and rejected (never missing); a problem dealt
with counts as an error nowhere; a return left out says why; dates come from
the ledger once recorded; the desk answers while another program holds the
ledger."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from starlette.testclient import TestClient

from kcp_sheets.demo import prepare_demo
from kcp_sheets.desk.app import create_app
from kcp_sheets.desk.guard import Keys
from kcp_sheets.ledger import LEDGER_FILE

REASON = "Stage 1 only; asked the champions for the agreed scores"


def kcp(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "kcp_sheets", *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


def number_of(folder: Path, name: str) -> str:
    line = next(line for line in kcp("returns", str(folder)).stdout.splitlines() if f" {name}:" in line)
    return line.split()[0]  # "#7"


@pytest.fixture(scope="module")
def told(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The demo, then: SC rejected with a reason; LL's error dealt with but LL left
    undecided (so it is left out); each surface's words captured."""
    folder = tmp_path_factory.mktemp("story") / "demo"
    prepare_demo(folder)
    assert kcp("check", str(folder)).returncode == 1
    sc = number_of(folder, "SC return 2004.xlsx")
    assert kcp("reject", str(folder), sc, "--reason", REASON).returncode == 0  # "#7", as check shows it
    ll = number_of(folder, "LL return 2004.xlsx")
    [key] = [line.split()[0] for line in kcp("returns", str(folder), ll).stdout.splitlines() if "  error " in line]
    assert kcp("dealt-with", str(folder), ll, key, "--note", "LL-02 agreed as 4 by phone").returncode == 0
    check = kcp("check", str(folder))
    status = kcp("status", str(folder))
    returns = kcp("returns", str(folder))
    remind = kcp("remind", str(folder))
    consolidate = kcp("consolidate", str(folder))
    client = TestClient(create_app(folder, keys := Keys()), base_url="http://127.0.0.1:8040", follow_redirects=False)
    assert client.get(f"/?token={keys.token}").status_code == 303
    overview = client.get("/").text
    inbox = client.get("/inbox").text
    return {
        "folder": folder,
        "check": check,
        "status": status,
        "returns": returns,
        "remind": remind,
        "consolidate": consolidate,
        "overview": overview,
        "inbox": inbox,
    }


def test_a_rejected_return_is_received_and_rejected_everywhere_never_missing(told: dict) -> None:
    status = told["status"].stdout
    [sc] = [line for line in status.splitlines() if line.startswith("SC Safe communities")]
    assert "received 24/04/2004" in sc and f"rejected: {REASON}" in sc and "not yet received" not in sc
    assert "Chase: rejected" in sc and "missing" not in sc
    [checked] = [line for line in told["check"].stdout.splitlines() if "SC return 2004.xlsx" in line]
    assert f"rejected: {REASON}" in checked and "older copy" not in checked
    assert f"rejected: {REASON}" in next(
        line for line in told["returns"].stdout.splitlines() if "SC return 2004.xlsx" in line
    )
    overview = told["overview"]
    assert f"rejected: {REASON}" in overview and "not returned" in overview  # CD alone is not returned
    assert overview.count("not returned") == 1
    inbox = told["inbox"]
    listed = inbox[inbox.index(">SC return 2004.xlsx") :].split("</tr>")[0]  # its row on the desk's inbox
    assert f"rejected: {REASON}" in listed and "older copy" not in listed


def test_the_reminder_quotes_the_reason_and_attaches_the_senders_own_return(told: dict) -> None:
    folder: Path = told["folder"]
    message = email.message_from_bytes(
        (folder / "outbox/reminders/2004 Safe communities - reminder.eml").read_bytes(), policy=email.policy.default
    )
    text = message.get_body(("plain",)).get_content()
    assert "have not yet received" not in text
    assert "received on Saturday 24 April 2004" in text and REASON in text
    assert text.count("Thank you for your return") == 1
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == "SC return 2004.xlsx"
    assert attached.get_payload(decode=True) == (folder / "inbox/SC return 2004.xlsx").read_bytes()


def test_the_public_copy_says_a_return_was_not_used_and_never_the_officers_reason(told: dict, tmp_path: Path) -> None:
    folder = tmp_path / "public"
    shutil.copytree(told["folder"], folder)
    assert kcp("consolidate", str(folder), "--public").returncode == 0
    book = openpyxl.load_workbook(folder / "output/2004 Improvement Action Plan (public).xlsx", read_only=True)
    said = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "received 24/04/2004, not used in this plan" in said
    assert not [text for text in said if REASON in text or "rejected" in text or "accept it" in text]


def test_a_problem_dealt_with_counts_as_an_error_nowhere(told: dict) -> None:
    check = told["check"].stdout
    [ll] = [line for line in check.splitlines() if "LL return 2004.xlsx" in line]
    assert "0 errors" in ll and "1 dealt with" in ll and "LL-02" not in told["check"].stderr
    said = check.strip().splitlines()[-1]
    overview = told["overview"]
    errors = int(said.split(" error")[0])
    assert f"<strong>{errors}</strong> error" in overview  # the desk's header says what check says
    assert "1 dealt with" in said and "1 dealt with" in overview


def test_the_plan_says_received_and_left_out_and_why(told: dict) -> None:
    folder: Path = told["folder"]
    assert "left out" in told["consolidate"].stdout
    book = openpyxl.load_workbook(folder / "output/2004 Improvement Action Plan.xlsx", read_only=True)
    summary = [[c for c in row if c is not None] for row in book["Summary"].iter_rows(values_only=True)]
    subtitle = summary[1][0]
    assert "8 of 9 returns received, 7 used" in subtitle
    returned = {row[0]: row[1] for row in summary if len(row) > 1 and isinstance(row[1], str) and "received" in row[1]}
    assert returned["Safe communities"] == f"received 24/04/2004, left out: rejected: {REASON}"
    assert returned["Learning and leisure"] == "received 25/04/2004, stage 2"  # its only error was dealt with: used
    assert returned["Community development"] == "not received"
    outstanding = [
        row
        for row in book["Outstanding"].iter_rows(values_only=True)
        if row and isinstance(row[0], str) and row[0].startswith("SC-")
    ]
    assert outstanding == []  # a return left out is not padded into Outstanding as unscored
    [sc] = [row for row in summary if row and row[0] == "Safe communities"]
    assert sc[-1] == "not counted: return not used"  # ...nor said to have nothing outstanding
    part1 = [str(c) for row in book["Improvement Plan"].iter_rows(values_only=True) for c in row if c]
    for cluster in (
        "Environment and transport",
        "Health and well-being",
        "Homes and housing",
        "Learning and leisure",
        "Safe communities",
        "Work and business",
        "Community development",
    ):
        assert cluster in part1  # every cluster is in Part 1, and one with no action says why
    assert "No action for improvement yet: the cluster's return was not received." in part1
    assert f"No action for improvement yet: the return was received 24/04/2004, left out: rejected: {REASON}." in part1
    reviews = {
        row[0]: row for row in book["Cluster Reviews"].iter_rows(values_only=True) if row and row[0] in ("SC", "CD")
    }
    assert f"rejected: {REASON}" in reviews["SC"][2] and reviews["CD"][2] == "not received"


def test_a_copied_folder_keeps_the_dates_the_ledger_recorded(told: dict, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(told["folder"], copy)  # every file's time is now today
    for path in (copy / "inbox").iterdir():
        os.utime(path)
    status = kcp("status", str(copy)).stdout
    assert "received 25/04/2004" in status and f"/{time.localtime().tm_year}" not in status


def test_every_page_answers_while_another_program_holds_the_ledger(told: dict, tmp_path: Path) -> None:
    folder = tmp_path / "held"
    shutil.copytree(told["folder"], folder)
    client = TestClient(
        create_app(folder, keys := Keys(), page_wait=1), base_url="http://127.0.0.1:8040", follow_redirects=False
    )
    assert client.get(f"/?token={keys.token}").status_code == 303
    holder = sqlite3.connect(folder / LEDGER_FILE, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")  # a program that locks readers out too
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for page in ("/", "/inbox", "/downloads", "/settings", "/static/desk.css"):
            started = time.monotonic()
            answer = client.get(page)
            assert time.monotonic() - started < 10, page
            assert answer.status_code in (200, 503), page
            if answer.status_code == 503:
                assert "busy" in answer.text and "Traceback" not in answer.text
        assert client.get("/").status_code == 503
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.get("/").status_code == 200


def test_a_command_that_finds_the_ledger_held_says_it_is_busy(told: dict, tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    shutil.copytree(told["folder"], folder)
    holder = sqlite3.connect(folder / LEDGER_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = (
            "import sys; from pathlib import Path; from kcp_sheets.review_states import set_state; "
            "from kcp_sheets.problems import ProblemError\n"
            "try:\n    set_state(Path(sys.argv[1]), 1, 'accepted', 'fine', busy_seconds=0.5)\n"
            "except ProblemError as exc:\n    print(exc.problems[0].code)"
        )
        said = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert said.stdout.strip() == "ledger-busy" and "Traceback" not in said.stderr


def test_demo_refuses_an_existing_review_unless_forced(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    prepare_demo(folder)
    (folder / "review.yaml").write_text((folder / "review.yaml").read_text() + "\n# my edits\n")
    refused = kcp("demo", str(folder))
    assert refused.returncode == 2 and "already holds a demo review" in refused.stderr
    assert "# my edits" in (folder / "review.yaml").read_text()
    real = tmp_path / "real"
    assert kcp("init", str(real)).returncode == 0
    assert kcp("demo", str(real), "--force").returncode == 2  # a real review is never the demo's


def test_an_undated_email_says_so_and_keeps_the_time_it_was_first_seen(told: dict, tmp_path: Path) -> None:
    from email.message import EmailMessage

    folder = tmp_path / "undated"
    shutil.copytree(told["folder"], folder)
    message = EmailMessage()
    message["From"] = "jo.fisher@example.org"
    message["Subject"] = "SC again"
    message.set_content("Attached.")
    blank = next((folder / "outbox").glob("* Environment and transport - progress tracker.xlsx"))
    message.add_attachment(blank.read_bytes(), maintype="application", subtype="octet-stream", filename="ET.xlsx")
    mail = folder / "inbox/undated.eml"
    mail.write_bytes(message.as_bytes())
    first_seen = time.mktime((2004, 4, 26, 9, 30, 0, 0, 0, -1))
    os.utime(mail, (first_seen, first_seen))
    kcp("check", str(folder))
    os.utime(mail)  # the file is touched (copied, opened): the ledger keeps the first time
    kcp("check", str(folder))
    line = next(line for line in kcp("returns", str(folder)).stdout.splitlines() if "undated.eml" in line)
    assert "received 26/04/2004" in line
    problems = kcp("returns", str(folder), line.split()[0]).stdout
    assert (
        "The e-mail has no date, so when it was received is taken as the time it was first checked (26/04/2004"
        in problems
    )


def test_a_decision_restates_the_other_copies_of_the_same_workbook(told: dict, tmp_path: Path) -> None:
    """Rejecting the newer copy makes the older one current at once,
    as the next check would; undoing it supersedes it again."""
    folder = tmp_path / "copies"
    shutil.copytree(told["folder"], folder)

    def state(name: str) -> str:
        line = next(line for line in kcp("returns", str(folder)).stdout.splitlines() if f" {name}:" in line)
        return line.split("; ")[1]

    assert state("WB draft.xlsx").startswith("superseded")
    newer = number_of(folder, "WB return 2004.xlsx")
    assert kcp("reject", str(folder), newer, "--reason", "sent by mistake").returncode == 0
    current = state("WB draft.xlsx")
    assert current in ("new", "has problems") and state("WB return 2004.xlsx").startswith("rejected")
    checked = next(line for line in kcp("check", str(folder)).stdout.splitlines() if "WB draft.xlsx" in line)
    assert checked.endswith(f", {current}")  # the next check agrees
    assert kcp("reopen", str(folder), newer).returncode == 0
    assert state("WB draft.xlsx").startswith("superseded")


def test_an_older_copy_is_not_accepted_and_is_never_called_left_out(told: dict, tmp_path: Path) -> None:
    """Accepting a copy already merged into the newer would change nothing: it is refused,
    saying which to decide on; consolidate lists it as merged, not as left out."""
    folder = tmp_path / "older"
    shutil.copytree(told["folder"], folder)
    older = number_of(folder, "WB draft.xlsx")
    refused = kcp("accept", str(folder), older, "--note", "use this one")
    assert refused.returncode == 2 and "older copy" in refused.stderr and "newer copy" in refused.stderr
    said = kcp("consolidate", str(folder)).stdout
    assert "WB draft.xlsx" not in said.split("left out", 1)[-1]


def _states(folder: Path) -> dict[str, str]:
    """Each return's state as `returns` (the ledger) says it."""
    found = {}
    for line in kcp("returns", str(folder)).stdout.splitlines():
        if line.startswith("#") and ": " in line:
            name, rest = line.split(" ", 1)[1].split(": ", 1)
            found[name] = rest.split("; ")[1].split(":")[0]  # "accepted: the note" is accepted
    return found


def test_a_decision_orders_the_copies_as_a_check_does_by_the_time_each_was_saved(tmp_path: Path) -> None:
    """The draft's file is dated after the return's, but the return says it was
    saved later: a check takes the return as the newer, and so does the ledger
    when a decision restates the copies."""
    folder = tmp_path / "saved"
    prepare_demo(folder)
    later = (folder / "inbox" / "WB return 2004.xlsx").stat().st_mtime + 3600
    os.utime(folder / "inbox" / "WB draft.xlsx", (later, later))
    kcp("check", str(folder))
    assert _states(folder)["WB draft.xlsx"] == "superseded"
    newer = number_of(folder, "WB return 2004.xlsx")
    assert kcp("reject", str(folder), newer, "--reason", "sent by mistake").returncode == 0
    assert _states(folder)["WB draft.xlsx"] != "superseded"
    assert kcp("reopen", str(folder), newer).returncode == 0
    assert _states(folder)["WB draft.xlsx"] == "superseded"  # as the next check says
    checked = next(line for line in kcp("check", str(folder)).stdout.splitlines() if "WB draft.xlsx" in line)
    assert checked.endswith(", superseded by WB return 2004.xlsx")


def test_a_copy_taken_out_of_the_inbox_supersedes_nothing_when_a_decision_is_made(tmp_path: Path) -> None:
    """The newer copy moved out of the inbox: the check uses the draft, and
    accepting the draft accepts it on every surface (it had been said to be
    superseded by the copy no longer there)."""
    folder = tmp_path / "moved"
    prepare_demo(folder)
    kcp("check", str(folder))
    (folder / "inbox" / "WB return 2004.xlsx").rename(tmp_path / "WB return 2004.xlsx")
    kcp("check", str(folder))
    accepted = kcp("accept", str(folder), "WB draft.xlsx", "--note", "the draft is the one")
    assert accepted.returncode == 0 and accepted.stdout.strip().endswith("WB draft.xlsx: accepted.")
    assert _states(folder)["WB draft.xlsx"] == "accepted"
    assert (
        "WB Work and business: received 19/04/2004 (WB draft.xlsx), stage 2, accepted"
        in kcp("status", str(folder)).stdout
    )


def test_the_steering_groups_amended_plan_and_report_are_never_written_over(tmp_path: Path) -> None:
    """A late return consolidated after the meeting: the plan the steering
    group amended stays as they left it, and the officer is told how to keep it."""
    folder = tmp_path / "amended"
    prepare_demo(folder)
    assert kcp("consolidate", str(folder)).returncode == 0
    assert kcp("report", str(folder)).returncode == 0
    [plan] = (folder / "output").glob("*Improvement Action Plan.xlsx")
    [report] = (folder / "output").glob("*Annual review report.docx")
    assert kcp("consolidate", str(folder)).returncode == 0  # as written: written again
    book = openpyxl.load_workbook(plan)
    book.worksheets[0]["A1"] = "Amended at the steering group, 12 May"
    book.save(plan)
    amended = plan.read_bytes()
    refused = kcp("consolidate", str(folder))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"output/{plan.name} has been changed since kcp-sheets wrote it" in refused.stderr
    assert "rename it" in refused.stderr and plan.read_bytes() == amended
    report.write_bytes(report.read_bytes() + b"\0")  # saved again in Word, say
    said = kcp("report", str(folder))
    assert said.returncode == 2 and f"output/{report.name} has been changed since kcp-sheets wrote it" in said.stderr
    plan.rename(plan.with_name("Plan as amended.xlsx"))
    assert kcp("consolidate", str(folder)).returncode == 0 and (folder / "output" / "Plan as amended.xlsx").is_file()


def test_a_plan_the_ledger_has_no_record_of_writing_is_not_written_over(tmp_path: Path) -> None:
    folder = tmp_path / "unrecorded"
    prepare_demo(folder)
    assert kcp("consolidate", str(folder)).returncode == 0
    [plan] = (folder / "output").glob("*Improvement Action Plan.xlsx")
    (folder / LEDGER_FILE).unlink()  # a ledger begun again
    refused = kcp("consolidate", str(folder))
    assert refused.returncode == 2 and "is not a file kcp-sheets wrote" in refused.stderr


def test_an_action_added_after_sending_is_unscored_alike_in_status_the_plan_and_the_reminder(tmp_path: Path) -> None:
    """The officer adds ET-14 to the master list once the workbooks are out: the
    return cannot have scored it, so every surface counts it unscored, and the
    reminder asks for it."""
    from kcp_sheets.chase import chase_list
    from kcp_sheets.check import check_returns
    from kcp_sheets.consolidate import consolidate
    from kcp_sheets.settings import load_review

    folder = tmp_path / "added"
    prepare_demo(folder)
    with (folder / "actions.csv").open("a", encoding="utf-8") as f:
        f.write("ET-14,ET,Litter,Cleaner streets,Add ten litter bins by March 2005,RBKC,RBKC,No,\n")
    result = check_returns(load_review(folder))
    [et] = [c for c in chase_list(result) if c.label == "ET"]
    [row] = [r for r in consolidate(result)[1].blocks["clusters"] if r["cluster"] == "Environment and transport"]
    assert et.unscored == row["unscored"] >= 1
    assert "ET-14" in {p.row_id for p in et.problems}
    status = next(line for line in kcp("status", str(folder)).stdout.splitlines() if line.startswith("ET "))
    assert f"{row['unscored']} unscored" in status
    assert kcp("remind", str(folder)).returncode == 0
    [draft] = (folder / "outbox" / "reminders").glob("*Environment and transport*")
    text = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    assert "row ET-14: added to the strategy after your workbook was sent (Add ten litter bins" in text
