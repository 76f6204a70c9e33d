"""Reading returns back: exactly what was typed, whatever was done to the
workbook, and a problem with file, sheet and cell for what cannot be read."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

import openpyxl

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook
from kcp_sheets.reader import Return

TRACKER = "Progress Tracker"
SUMMARY = "Review Summary"


def read_one(review, path: Path) -> Return:
    result = check_returns(review, [path])
    assert len(result.returns) == 1, result.problems
    return result.returns[0]


def codes(ret: Return, *ignore: str) -> list[str]:
    skip = {"score-unscored", "score-unscored-review", "agreed-missing", *ignore}
    return [p.code for p in ret.problems if p.code not in skip]


def by_id(ret: Return, sheet: str = TRACKER) -> dict[str, Any]:
    return {r.id: r for r in ret.rows[sheet]}


def test_tracker_round_trip_reads_exactly_what_was_typed(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["ET"]
    typed = {
        "ET-01": {
            "progress": "Protocol in place since\nSeptember 2003.",
            "coordinator_score": "4 - Largely achieved",
            "agreed_score": 4,
            "appropriateness": "5 - Highly appropriate",
            "why_not_met": "",
            "case_study": "Yes",
            "mainstream": "No",
        },
        "ET-02": {
            "progress": "Lighting installed; cladding dropped.",
            "coordinator_score": 3,
            "agreed_score": "2 - Little progress",
            "why_not_met": "Structural survey of the bridge delayed the work.",
        },
    }
    fields = {
        "attendance": "Both champions and both co-ordinators",
        "review_date": dt.date(2004, 4, 21),
        "achievements": "Street closures agreed",
        "barriers": "Railtrack",
        "solutions": "Meet Network Rail",
    }
    actions = {
        "AI-01": {
            "action": "Agree bridge works with Network Rail",
            "due": "End March 2005",
            "key_contact": "Miles Watson",
            "support_needed": "Engineer's time",
            "support_how": "Seconded from RBKC",
        }
    }
    path = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "et.xlsx", {TRACKER: typed, SUMMARY: actions}, {SUMMARY: fields}
    )
    ret = read_one(review, path)
    assert ret.cluster == "ET" and ret.stage == 2
    rows = by_id(ret)
    assert rows["ET-01"].values["progress"] == "Protocol in place since\nSeptember 2003."
    assert (
        rows["ET-01"].values["coordinator_score"],
        rows["ET-01"].values["agreed_score"],
        rows["ET-01"].values["appropriateness"],
    ) == (4, 4, 5)
    assert rows["ET-01"].values["case_study"] is True and rows["ET-01"].values["mainstream"] is False
    assert (rows["ET-02"].values["coordinator_score"], rows["ET-02"].values["agreed_score"]) == (3, 2)
    assert rows["ET-03"].values["progress"] is None
    assert ret.fields[SUMMARY] == {**fields, "review_date": dt.date(2004, 4, 21)}
    [action] = ret.rows[SUMMARY]
    assert (
        action.id == "AI-01"
        and action.values["due"] == "End March 2005"
        and action.values["key_contact"] == "Miles Watson"
    )
    assert codes(ret) == []
    assert ret.answers == 6 + 4 + 5 + 5  # blank cells are not answers


def test_health_and_accreditation_round_trip(review, plans, outbox: Path, tmp_path: Path) -> None:
    health = plans["partnership-health"]
    typed = {
        "2.1.3": {
            "score": "4 - Largely met",
            "evidence": "Minutes",
            "progress": "New chair",
            "action": "Induction for members",
            "key_contact": "Helen Kay",
            "due": "21/09/2004",
        }
    }
    ret = read_one(
        review, fill_workbook(health, outbox / health.file_name, tmp_path / "h.xlsx", {"Partnership Health": typed})
    )
    row = by_id(ret, "Partnership Health")["2.1.3"]
    assert (
        row.values["score"] == 4
        and row.values["due"] == dt.date(2004, 9, 21)
        and row.values["action"] == "Induction for members"
    )
    assert codes(ret) == []
    accreditation = plans["accreditation-review"]
    typed = {
        "A1.1": {"achieved": "yes"},
        "A1.3": {"achieved": "Partly", "new_date": "Ongoing", "note": "Sub-group met twice"},
    }
    ret = read_one(
        review,
        fill_workbook(accreditation, outbox / accreditation.file_name, tmp_path / "a.xlsx", {"Action Plan": typed}),
    )
    rows = by_id(ret, "Action Plan")
    assert rows["A1.1"].values["achieved"] == "Yes"
    assert rows["A1.3"].values == {
        **rows["A1.3"].values,
        "achieved": "Partly",
        "new_date": "Ongoing",
        "note": "Sub-group met twice",
    }


def test_rows_sorted_hidden_and_sheet_unprotected_still_read_by_id(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["HW"]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "hw.xlsx",
        {TRACKER: {"HW-01": {"coordinator_score": 5}, "HW-02": {"coordinator_score": 1}}},
    )
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    ws.protection.sheet = False
    header = 4
    first, second = header + 1, header + 2
    for col in range(1, ws.max_column + 1):  # swap the first two rows, as a sort would
        a, b = ws.cell(first, col), ws.cell(second, col)
        a.value, b.value = b.value, a.value
    ws.row_dimensions[second].hidden = True
    book.save(tmp_path / "sorted.xlsx")
    ret = read_one(review, tmp_path / "sorted.xlsx")
    rows = by_id(ret)
    assert rows["HW-01"].values["coordinator_score"] == 5 and rows["HW-01"].cell_row == second
    assert rows["HW-02"].values["coordinator_score"] == 1
    assert codes(ret) == []


def test_new_actions_in_spare_rows_and_below_the_table(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["SC"]
    typed = {
        "SC-NEW-01": {
            "issue": "Knife crime",
            "action": "Knife amnesty with schools",
            "progress": "Held in March",
            "coordinator_score": "5",
        },
        "+below": {"action": "Street pastors on Friday nights", "coordinator_score": "3"},
    }
    ret = read_one(review, fill_workbook(plan, outbox / plan.file_name, tmp_path / "sc.xlsx", {TRACKER: typed}))
    new = [r for r in ret.rows[TRACKER] if r.new]
    assert [(r.id, r.values["action"], r.values["coordinator_score"]) for r in new] == [
        ("SC-NEW-01", "Knife amnesty with schools", 5),
        ("SC-NEW-13", "Street pastors on Friday nights", 3),
    ]
    assert codes(ret) == ["new-action", "new-action"]


def test_a_spare_row_filled_in_any_way_it_offers_is_a_new_action(review, plans, outbox: Path, tmp_path: Path) -> None:
    """The NRF drop-down, an issue or partner other rows share, progress, a
    score: however many of the offered cells are filled, the row is a new
    action of this cluster and every value arrives, with no error."""
    plan = plans["SC"]
    sent = plan.content.rows[TRACKER]
    shared_issue, shared_partner = sent[0]["issue"], sent[0]["partners"]
    offered = [
        {"nrf": "Yes"},
        {"nrf": "No"},
        {"nrf": "Yes", "issue": shared_issue},
        {"nrf": "No", "partners": shared_partner},
        {"nrf": "Yes", "progress": "Begun"},
        {"nrf": "Yes", "coordinator_score": "4"},
        {"issue": shared_issue, "progress": "SentWorkbook"},
        {"partners": shared_partner, "lead_partner": sent[0]["lead_partner"], "nrf": "Yes"},
        {"issue": shared_issue, "action": "Youth diversion scheme", "nrf": "No", "coordinator_score": "3"},
        {"outcome": "Fewer repeat burglaries", "nrf": "Yes", "partners": shared_partner},
        {"nrf": "No", "progress": "Not started", "coordinator_score": "1"},
        {
            "issue": shared_issue,
            "partners": shared_partner,
            "lead_partner": sent[0]["lead_partner"],
            "nrf": "Yes",
            "progress": "Ongoing",
        },
    ]
    typed = {f"SC-NEW-{n:02d}": values for n, values in enumerate(offered, start=1)}
    ret = read_one(review, fill_workbook(plan, outbox / plan.file_name, tmp_path / "spare.xlsx", {TRACKER: typed}))
    assert [p.code for p in ret.problems if p.severity == "error"] == []
    new = {r.id: r for r in ret.rows[TRACKER] if r.new}
    assert sorted(new) == sorted(typed)
    for ident, values in typed.items():
        for key, value in values.items():
            got = new[ident].values[key]
            assert got is True if value == "Yes" else got is False if value == "No" else str(got) == value, (
                ident,
                key,
                got,
            )


def with_notes(path: Path, notes: dict[str, str]) -> Path:
    """The workbook with notes (comments) on the cells named, as Excel and LibreOffice write them."""
    from openpyxl.comments import Comment

    book = openpyxl.load_workbook(path)
    for where, text in notes.items():
        book[TRACKER][where].comment = Comment(text, "Jo Fisher")
    book.save(path)
    return path


NOTES = {
    "J5": "Score agreed by phone with the champions on 21 April.",
    "H6": "See the attached minutes\nfor the full story.",
    "B30": "A note where nothing is typed",
    "K7": "Partly: the second phase slipped to June.",
}


def test_notes_on_cells_are_read_with_their_cell_and_full_text(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["SC"]
    path = with_notes(
        fill_workbook(
            plan, outbox / plan.file_name, tmp_path / "notes.xlsx", {TRACKER: {"SC-01": {"coordinator_score": 4}}}
        ),
        NOTES,
    )
    ret = read_one(review, path)
    found = {p.cell: p.found for p in ret.problems if p.code == "cell-note"}
    assert found == NOTES
    assert all(p.sheet == TRACKER and p.severity == "warning" for p in ret.problems if p.code == "cell-note")
    assert by_id(ret)["SC-01"].values["coordinator_score"] == 4  # the score in the noted cell is read as ever


def test_another_clusters_rows_pasted_into_the_spare_rows_are_named_as_that_clusters(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    """ID and text agree, and are Environment and transport's: an error naming both
    clusters, everything on the rows kept in it, and no new Safe communities action."""
    plan, theirs = plans["SC"], plans["ET"].content.rows[TRACKER]
    pasted = {
        f"SC-NEW-{n:02d}": {
            **{k: row[k] for k in ("id", "issue", "outcome", "action", "partners", "lead_partner")},
            "progress": f"ET's progress {n}",
            "coordinator_score": "4",
        }
        for n, row in enumerate(theirs[:3], start=1)
    }
    pasted["SC-NEW-04"] = {
        "action": theirs[4]["action"],
        "progress": "ET's words under a new ID",
    }  # their action text, without its ID
    ret = read_one(review, fill_workbook(plan, outbox / plan.file_name, tmp_path / "pasted.xlsx", {TRACKER: pasted}))
    named = [p for p in ret.problems if p.code == "row-other-cluster"]
    assert sorted(p.row_id for p in named) == sorted([r["id"] for r in theirs[:3]] + [theirs[4]["id"]])
    assert all(
        p.severity == "error" and "Environment and transport" in p.message and "Safe communities" in p.message
        for p in named
    )
    assert any("ET's progress 1" in p.found for p in named)  # nothing typed is lost
    assert not [r for r in ret.rows[TRACKER] if r.new]  # never a new action of this cluster
    assert not [r for r in ret.rows[TRACKER] if r.id.startswith("ET-")]


def test_renamed_file_and_renamed_sheet(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["LL"]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "our scores FINAL v2.xlsx",
        {TRACKER: {"LL-01": {"coordinator_score": 2}}},
    )
    book = openpyxl.load_workbook(path)
    book[TRACKER].title = "Tracker"
    book.save(path)
    ret = read_one(review, path)
    assert ret.cluster == "LL" and by_id(ret)["LL-01"].values["coordinator_score"] == 2
    assert codes(ret) == ["sheet-renamed"]


def test_no_identity_sheet_is_recognised_by_headers_and_ids(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["WB"]
    path = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "wb.xlsx", {TRACKER: {"WB-01": {"coordinator_score": 4}}}
    )
    book = openpyxl.load_workbook(path)
    del book["KCP identity"]
    book.save(path)
    ret = read_one(review, path)
    assert ret.cluster == "WB" and by_id(ret)["WB-01"].values["coordinator_score"] == 4
    [p] = [p for p in ret.problems if p.code == "identity-missing"]
    assert "100%" in p.message


def test_identity_of_another_year_is_refused(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["ET"]
    path = tmp_path / "last year.xlsx"
    book = openpyxl.load_workbook(outbox / plan.file_name)
    ws = book["KCP identity"]
    for row in ws.iter_rows():
        if row[0].value == "review":
            row[1].value = row[1].value.replace("2004", "2003")
    book.save(path)
    ret = read_one(review, path)
    assert codes(ret) == ["other-review"] and ret.sent is None
    assert "2003" in ret.problems[0].message


def test_other_template_version_is_read_with_a_warning(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["ET"]
    path = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "v0.xlsx", {TRACKER: {"ET-01": {"coordinator_score": 3}}}
    )
    book = openpyxl.load_workbook(path)
    for row in book["KCP identity"].iter_rows():
        if row[0].value == "version":
            row[1].value = "0"
    book.save(path)
    ret = read_one(review, path)
    assert "other-version" in codes(ret) and by_id(ret)["ET-01"].values["coordinator_score"] == 3


def test_fixed_text_edited_shows_old_and_new(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["HH"]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "hh.xlsx",
        {TRACKER: {"HH-02": {"lead_partner": "RBKC Housing Options"}}},
    )
    ret = read_one(review, path)
    [p] = [p for p in ret.problems if p.code == "fixed-edited"]
    assert p.row_id == "HH-02" and p.sheet == TRACKER and p.cell == "F6"
    assert "RBKC Housing Needs" in p.message and "RBKC Housing Options" in p.message


def test_deleted_and_duplicated_rows(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["CD"]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "cd.xlsx",
        {TRACKER: {"CD-03": {"coordinator_score": 4, "progress": "first copy"}}},
    )
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    ws.protection.sheet = False
    ws.delete_rows(5)  # CD-01 gone
    for col in range(1, ws.max_column + 1):  # CD-03 copied over CD-04's row
        ws.cell(7, col).value = ws.cell(6, col).value
    ws.cell(7, 9).value = "second copy"
    book.save(path)
    ret = read_one(review, path)
    deleted = [p for p in ret.problems if p.code == "row-deleted"]
    duplicated = [p for p in ret.problems if p.code == "row-duplicated"]
    assert {p.row_id for p in deleted} == {"CD-01", "CD-04"}
    assert duplicated[0].row_id == "CD-03" and "second copy" in duplicated[0].message and duplicated[0].cell == "A7"
    assert by_id(ret)["CD-03"].values["progress"] == "first copy"


def test_scores_that_are_not_scores(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["ET"]
    typed = {
        "ET-01": {"coordinator_score": 7},
        "ET-02": {"coordinator_score": "mostly"},
        "ET-03": {"agreed_score": dt.date(2004, 4, 4)},
        "ET-04": {"coordinator_score": "#REF!"},
    }
    ret = read_one(review, fill_workbook(plan, outbox / plan.file_name, tmp_path / "bad.xlsx", {TRACKER: typed}))
    found = {(p.code, p.row_id, p.cell) for p in ret.problems if p.severity == "error"}
    assert found == {
        ("score-out-of-range", "ET-01", "J5"),
        ("score-invalid", "ET-02", "J6"),
        ("score-invalid", "ET-03", "K7"),
        ("cell-error", "ET-04", "J8"),
    }
    assert all(p.sheet == TRACKER and p.file == "bad.xlsx" and p.ask for p in ret.problems)
    assert len(ret.rows[TRACKER]) == len(review.actions_of("ET"))  # the rest still read


def test_agreed_score_missing_at_stage_two(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["HW"]
    typed = {"HW-01": {"coordinator_score": 4, "agreed_score": 4}, "HW-02": {"coordinator_score": 3}}
    ret = read_one(review, fill_workbook(plan, outbox / plan.file_name, tmp_path / "hw.xlsx", {TRACKER: typed}))
    assert ret.stage == 2
    missing = {p.row_id for p in ret.problems if p.code == "agreed-missing"}
    assert "HW-02" in missing and "HW-01" not in missing


def test_stage_one_return_lists_the_unscored(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["HW"]
    ret = read_one(
        review,
        fill_workbook(
            plan, outbox / plan.file_name, tmp_path / "hw.xlsx", {TRACKER: {"HW-01": {"coordinator_score": 4}}}
        ),
    )
    assert ret.stage == 1 and ret.unscored() == len(review.actions_of("HW")) - 1
    assert not any(p.code == "agreed-missing" for p in ret.problems)


def test_text_typed_outside_the_table_and_added_columns_are_not_lost(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    plan = plans["ET"]
    path = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "et.xlsx", {TRACKER: {"ET-01": {"coordinator_score": 4}}}
    )
    book = openpyxl.load_workbook(path)
    ws = book[TRACKER]
    ws.protection.sheet = False
    ws.cell(4, 20).value = "Comments"
    ws.cell(5, 20).value = "Ask Vera about the bridge"
    ws.cell(3, 5).value = "NB figures provisional"
    book.create_sheet("Notes")["B2"] = "Meeting moved to 22nd"
    book.save(path)
    ret = read_one(review, path)
    assert by_id(ret)["ET-01"].extra == {"Comments": "Ask Vera about the bridge"}
    unread = {(p.sheet, p.cell, p.found) for p in ret.problems if p.code == "cell-unread"}
    assert unread == {(TRACKER, "E3", "NB figures provisional"), ("Notes", "B2", "Meeting moved to 22nd")}
    assert "column-added" in codes(ret)


def test_two_returns_for_one_cluster_use_the_newer(review, plans, outbox: Path, tmp_path: Path) -> None:
    import os

    plan = plans["ET"]
    old = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "inbox" / "et first.xlsx",
        {TRACKER: {"ET-01": {"coordinator_score": 2}}},
    )
    new = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "inbox" / "et again.xlsx",
        {TRACKER: {"ET-01": {"coordinator_score": 4}}},
    )
    os.utime(old, (1_000_000_000, 1_000_000_000))
    os.utime(new, (1_000_100_000, 1_000_100_000))
    result = check_returns(review, [old, new])
    [used] = result.used()
    assert used.source.name == "et again.xlsx" and by_id(used)["ET-01"].values["coordinator_score"] == 4
    older = next(r for r in result.returns if not r.used)
    [p] = [p for p in older.problems if p.code == "duplicate-return"]
    assert "et again.xlsx" in p.message


def test_lock_files_are_skipped(review, tmp_path: Path) -> None:
    lock = tmp_path / "~$ET return.xlsx"
    lock.write_bytes(b"\x00" * 165)
    result = check_returns(review, [lock])
    assert result.returns == [] and [p.code for p in result.problems] == ["file-lock"] and result.errors == 0


def test_input_files_are_never_modified(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["ET"]
    path = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "et.xlsx", {TRACKER: {"ET-01": {"coordinator_score": 4}}}
    )
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    check_returns(review, [path])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_inbox_and_email_attachments(review, plans, outbox: Path, tmp_path: Path) -> None:
    from email.message import EmailMessage

    from kcp_sheets.folder import INBOX

    folder = tmp_path / "review"
    shutil.copytree(review.folder, folder, ignore=shutil.ignore_patterns(INBOX, "outbox", "output"))
    plan = plans["HH"]
    xlsx = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "hh.xlsx", {TRACKER: {"HH-01": {"coordinator_score": "5"}}}
    )
    message = EmailMessage()
    message["From"] = "Lesley Cooke <lesley.cooke@example.org>"
    message["Date"] = "Wed, 21 Apr 2004 10:15:00 +0100"
    message["Subject"] = "Our return"
    message.set_content("Attached.")
    message.add_attachment(xlsx.read_bytes(), maintype="application", subtype="octet-stream", filename="hh.xlsx")
    (folder / INBOX).mkdir()
    (folder / INBOX / "RE Our return.eml").write_bytes(bytes(message))
    empty = EmailMessage()
    empty["From"] = "someone@example.org"
    empty.set_content("Forgot the attachment, sorry")
    (folder / INBOX / "no attachment.eml").write_bytes(bytes(empty))
    from kcp_sheets.settings import load_review

    result = check_returns(load_review(folder))
    [ret] = result.returns
    assert ret.source.name == "RE Our return.eml > hh.xlsx" and ret.source.sender.startswith("Lesley Cooke")
    assert ret.source.received == dt.datetime(2004, 4, 21, 9, 15, tzinfo=dt.UTC)
    assert f"{ret.source.received:%d/%m/%Y %H:%M}" == "21/04/2004 10:15"  # shown as the officer's clock said it
    assert by_id(ret)["HH-01"].values["coordinator_score"] == 5
    assert [p.code for p in result.problems] == ["email-no-attachment"]


def test_a_return_sent_just_after_midnight_in_summer_is_received_that_day() -> None:
    """00:30 BST on 24 April is 23:30 UTC on the 23rd: the officer, and the deadline, count the 24th."""
    from kcp_sheets.intake import Source

    late = Source("late.xlsx", b"", dt.datetime(2004, 4, 23, 23, 30, tzinfo=dt.UTC))
    assert late.received.date() == dt.date(2004, 4, 24) and f"{late.received:%H:%M}" == "00:30"
    winter = Source("winter.xlsx", b"", dt.datetime(2004, 12, 1, 23, 30, tzinfo=dt.UTC))
    assert f"{winter.received:%d/%m %H:%M}" == "01/12 23:30"  # GMT in winter


def test_many_returns_are_read_in_parallel_with_the_same_result(review, plans, outbox: Path, tmp_path: Path) -> None:
    from kcp_sheets.read_workers import Reads

    paths = []
    for n in range(Reads().parallel_from + 2):
        plan = plans[["ET", "HW", "partnership-health"][n % 3]]
        label = "partnership-health" if plan.cluster == "" else plan.cluster
        paths.append(fill_workbook(plan, outbox / plan.file_name, tmp_path / f"{n:02d} {label}.xlsx", {}))
    paths.append(tmp_path / "junk.xlsx")
    paths[-1].write_bytes(b"junk")
    parallel = check_returns(review, paths)
    serial = check_returns(review, paths, reads=Reads(parallel_from=10_000))
    assert [
        (
            r.source.name,
            r.label,
            r.used,
            r.answers,
            r.source.sha256 == hashlib.sha256((tmp_path / r.source.name).read_bytes()).hexdigest(),
        )
        for r in parallel.returns
    ] == [(r.source.name, r.label, r.used, r.answers, True) for r in serial.returns]
    assert parallel.all_problems() == serial.all_problems()
    one_worker = check_returns(review, paths, reads=Reads(workers=1))  # as many workers as asked, however many cores
    assert one_worker.all_problems() == serial.all_problems()
    assert parallel.returns[0].sent is plans["ET"] or parallel.returns[0].sent.label == "ET"


def test_an_answer_too_long_to_print_whole_is_warned_of_with_its_cell(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    """280 words will not print whole in the tracker's cell (a page is shorter), 60
    will; the warning names the cell and row, says how much fits (what the
    instructions say), and reaches the problems workbook."""
    import re

    from kcp_sheets.check import write_problems

    plan = plans["ET"]
    ids = [str(r["id"]) for r in plan.content.rows[TRACKER]]
    words = lambda n: " ".join(f"evidence{n % 7} of progress, item {i}" for i in range(n // 5))  # noqa: E731
    typed = {ids[0]: {"progress": words(280)}, ids[1]: {"progress": words(60)}, ids[2]: {"why_not_met": words(60)}}
    path = fill_workbook(plan, outbox / plan.file_name, tmp_path / "long.xlsx", {TRACKER: typed})
    result = check_returns(review, [path])
    [ret] = result.returns
    [long] = [p for p in ret.problems if p.code == "answer-too-long-to-print"]
    cell = openpyxl.load_workbook(path)[TRACKER][long.cell]
    assert (long.row_id, long.severity, cell.value) == (ids[0], "warning", words(280)) and long.cell in long.message
    assert "continued" in long.message and "280 words" in long.message
    fits = int(re.search(r"about (\d+) of them", long.message).group(1))
    said = next(p.text for s in plan.spec.sheets for p in s.paragraphs if "prints whole" in p.text)
    told = int(re.search(r"about (\d+) words", said).group(1))
    assert 0.8 * told <= fits <= 1.25 * told, (fits, told)
    assert by_id(ret)[ids[0]].values["progress"] == words(280)  # read whole all the same
    written = write_problems(result, tmp_path)
    rows = [
        [str(v) for v in row]
        for ws in openpyxl.load_workbook(written).worksheets
        for row in ws.iter_rows(values_only=True)
    ]
    assert [r for r in rows if long.cell in r and ids[0] in r and any("280 words" in v for v in r)]


def test_a_return_with_the_headers_a_column_formerly_had_is_read(review, plans, outbox: Path, tmp_path: Path) -> None:
    """The flag columns' headers were shortened; a workbook sent with the former ones
    and read against the settings as they are now (its record lost) still reads each flag."""
    plan = plans["ET"]
    table = plan.spec.main_table().table
    first = str(plan.content.rows[TRACKER][0]["id"])
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "former.xlsx",
        {TRACKER: {first: {"case_study": "Yes", "mainstream": "No"}}},
    )
    book = openpyxl.load_workbook(path)
    formerly = {c.header: c.formerly[0] for c in table.columns if c.formerly}
    renamed = [cell for cell in book[TRACKER][table.header_row] if cell.value in formerly]
    for cell in renamed:
        cell.value = formerly[cell.value]
    book.save(path)
    ret = read_one(review, path)
    assert len(renamed) == 5 and codes(ret) == []
    assert (by_id(ret)[first].values["case_study"], by_id(ret)[first].values["mainstream"]) == (True, False)
