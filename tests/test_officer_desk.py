"""The officer at the prompt: every mistake she can make in the folder or on
the command line is named and pointed the right way; results on standard
output, errors on standard error, with the exit codes the README gives."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcp_sheets.cli import app
from kcp_sheets.settings import Review, load_review

runner = CliRunner()
CLEAN, PROBLEMS, CANNOT_RUN = 0, 1, 2


def run(*args: str, columns: int = 200):  # noqa: ANN201
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": str(columns)})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo review: returns in, one with mistakes, one at stage 1, one missing."""
    folder = tmp_path_factory.mktemp("desk") / "demo"
    assert run("demo", str(folder)).exit_code == 0
    return folder


def copy_of(demo: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "review-2004"
    shutil.copytree(demo, folder)
    return folder


# Where the review folder is.


def test_outside_a_review_folder_it_says_so_and_how_to_name_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("init", str(tmp_path / "review-2004")).exit_code == 0
    monkeypatch.chdir(tmp_path)
    for command in ("status", "check", "generate", "consolidate", "remind"):
        result = run(command)
        assert result.exit_code == CANNOT_RUN and result.stdout == "", command
        assert f"The current folder ({tmp_path}) is not a review folder" in result.stderr
        assert "Did you mean review-2004?" in result.stderr and "kcp-sheets init" not in result.stderr


def test_inside_a_review_folders_inbox_it_points_up(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(demo / "inbox")
    result = run("status")
    assert result.exit_code == CANNOT_RUN and f"Did you mean {demo.resolve()}?" in result.stderr


def test_a_folder_that_does_not_exist_is_named_with_the_nearest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("init", str(tmp_path / "review-2004"))
    monkeypatch.chdir(tmp_path)
    result = run("status", "reveiw-2004")
    assert result.exit_code == CANNOT_RUN and result.stdout == ""
    assert "There is no folder reveiw-2004." in result.stderr and "did you mean review-2004?" in result.stderr


def test_check_a_file_in_the_review_folder_is_understood(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(demo, tmp_path)
    shutil.copyfile(folder / "outbox" / "2004 Accreditation action plan review.xlsx", folder / "hw.xlsx")
    monkeypatch.chdir(folder)
    result = run("check", "hw.xlsx")
    assert result.exit_code == CLEAN, result.output
    assert "hw.xlsx: Review of the accreditation action plan 2004" in result.stdout
    assert "hw.xlsx is not in inbox; put it there" in result.stderr


def test_check_a_file_of_another_review_uses_that_review(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "review-2005"
    run("init", str(here))
    monkeypatch.chdir(here)
    result = run("check", str(demo / "inbox" / "HW return 2004.xlsx"))
    assert (
        result.exit_code == CLEAN
        and "HW return 2004.xlsx: Health and well-being progress tracker 2004 (HW)" in result.stdout
    )
    settings = run("check", str(demo / "review.yaml"))  # the settings file stands for its folder
    assert settings.exit_code == PROBLEMS and "LL return 2004.xlsx" in settings.stdout


def test_check_a_file_outside_any_review_folder_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hw.xlsx").write_bytes(b"PK")
    monkeypatch.chdir(tmp_path)
    result = run("check", "hw.xlsx")
    assert result.exit_code == CANNOT_RUN and result.stdout == ""
    assert (
        "hw.xlsx is a file, not a review folder" in result.stderr
        and "kcp-sheets check review-2005 hw.xlsx" in result.stderr
    )


def test_a_file_that_does_not_exist_is_the_officers_mistake(demo: Path) -> None:
    result = run("check", str(demo), str(demo / "inbox" / "HW retrun 2004.xlsx"))
    assert result.exit_code == CANNOT_RUN and result.stdout == ""
    assert "There is no file" in result.stderr and "HW retrun 2004.xlsx" in result.stderr
    assert "did you mean" in result.stderr and "HW return 2004.xlsx" in result.stderr
    assert "sender" not in result.stderr


# What check knows of the inbox.


def problem_rows(folder: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(folder / "output" / "2004 Problems in the returns.xlsx"))
    sheet = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    header = next(n for n, row in enumerate(sheet) if row[:2] == ["No.", "Severity"])
    return [
        row[1:] for row in sheet[header + 1 :] if any(cell not in ("", None) for cell in row)
    ]  # without the numbering


def test_checking_one_file_adds_to_the_full_problems_workbook(demo: Path, tmp_path: Path) -> None:
    folder = copy_of(demo, tmp_path)
    assert run("check", str(folder)).exit_code == PROBLEMS
    everything = problem_rows(folder)
    outside = tmp_path / "late arrival.xlsx"
    shutil.copyfile(folder / "inbox" / "LL return 2004.xlsx", outside)
    one = run("check", str(folder), str(outside))
    assert one.exit_code == PROBLEMS
    listed = [line for line in one.stdout.splitlines() if line.startswith("  ")]
    assert listed and all("late arrival.xlsx" in line for line in listed)  # the screen shows the file named
    after = problem_rows(folder)
    assert all(row in after for row in everything)  # the workbook still has the whole inbox...
    added = [row for row in after if row not in everything]
    assert added and all("late arrival.xlsx" in str(row) for row in added)  # ...and the file named
    # (the LL return it supersedes says so: its duplicate-return warning names it)


def test_an_empty_inbox_says_so_and_what_to_do(tmp_path: Path) -> None:
    folder = tmp_path / "review-2004"
    run("init", str(folder))
    for command in ("check", "consolidate"):
        result = run(command, str(folder))
        assert result.exit_code == CANNOT_RUN and result.stdout == "", command
        assert (
            f"The inbox {folder / 'inbox'} is empty" in result.stderr and "Save the returned workbooks" in result.stderr
        )
    assert not list((folder / "output").iterdir())


def test_consolidate_with_no_usable_return_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "review-2004"
    run("init", str(folder))
    (folder / "inbox" / "notes.txt").write_text("not a workbook")
    result = run("consolidate", str(folder))
    assert result.exit_code == CANNOT_RUN and result.stdout == ""
    assert "No usable return among the 1 file in the inbox" in result.stderr and "kcp-sheets check" in result.stderr
    assert not list((folder / "output").glob("*Plan*"))


def test_consolidate_when_every_return_still_has_errors_says_so(demo: Path, tmp_path: Path) -> None:
    """A return with errors waits to be accepted: with only such returns there is
    no plan to write, and the officer is told how to accept one."""
    folder = copy_of(demo, tmp_path)
    for path in (folder / "inbox").iterdir():
        if path.name != "LL return 2004.xlsx":  # the demo's return with mistakes
            path.unlink()
    before = {p: p.stat().st_mtime_ns for p in (folder / "output").glob("*Plan*")}
    result = run("consolidate", str(folder))
    assert result.exit_code == CANNOT_RUN and result.stdout == ""
    assert "No usable return among the 1 file in the inbox" in result.stderr and "kcp-sheets accept" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in (folder / "output").glob("*Plan*")} == before  # the demo's plan, untouched


def test_a_file_that_is_not_there_typed_where_the_folder_goes_is_called_a_file(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nosuch.xlsx"))
    assert result.exit_code == CANNOT_RUN
    assert (
        f"There is no file {tmp_path / 'nosuch.xlsx'}" in result.stderr
        and "folder" not in result.stderr.splitlines()[0]
    )


def test_counts_agree_in_number(demo: Path) -> None:
    result = run("check", str(demo))
    assert " 1 errors" not in result.stdout and " 1 warnings" not in result.stdout and " 1 answers" not in result.stdout
    assert re.search(r"\b1 (error|warning)\b", result.stdout)


def test_check_results_on_stdout_errors_on_stderr(demo: Path) -> None:
    result = run("check", str(demo))
    assert result.exit_code == PROBLEMS
    assert "  LL return 2004.xlsx: Learning and leisure progress tracker 2004 (LL);" in result.stdout
    assert re.match(r"\d+ errors?, \d+ warnings?\. Full list", result.stdout.splitlines()[-1])
    assert "error   LL return 2004.xlsx: Progress Tracker!" in result.stderr
    assert "error " not in result.stdout


# --version and --help.


def test_version() -> None:
    from kcp_sheets import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"kcp-sheets {__version__}"


COMMANDS = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]  # type: ignore[union-attr]


def test_every_command_is_listed() -> None:
    assert {"init", "generate", "check", "status", "remind", "consolidate", "plan-update", "demo"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_reads_like_prose(command: str) -> None:
    """Every command, also one added later: no type labels such as <path> or <list[Path]>."""
    result = run(command, "--help")
    assert result.exit_code == 0
    assert not re.search(r"<\w+>|list\[|\[default", result.stdout), result.stdout


def test_the_top_help_gives_the_exit_codes_and_whole_sentences() -> None:
    help_text = run("--help", columns=60).stdout
    text = " ".join(help_text.split())
    assert "1 errors found in the returns" in text and "2 the command could not run" in text
    assert "--version" in text and "..." not in help_text.split("Commands:")[1]
    assert "remind Write one reminder e-mail (.eml) per cluster to chase into FOLDER/outbox/reminders/." in text


# Chasing.


def test_status_says_why_and_whom_one_address_a_line(demo: Path) -> None:
    review = load_review(demo)
    result = run("status", str(demo))
    assert result.exit_code == 0
    out = result.stdout
    assert re.search(r"LL Learning and leisure: received 25/04/2004 \(late\) .*Chase: errors", out)
    assert "HW Health and well-being: received 21/04/2004 (HW return 2004.xlsx)" in out  # on time
    assert re.search(r"SC Safe communities: .*stage 1, .*Chase: stage 1 only, late, unscored rows", out)
    assert re.search(r"CD Community development: not yet received\. Chase: missing, late \(due 16/04/2004\)", out)
    assert not re.search(r"HW Health and well-being: .*Chase", out)
    cd = review.cluster("CD")
    for person in cd.coordinators:
        assert f"    to {person.email}  {person.name}" in out.splitlines()
    for person in cd.champions:
        assert f"    cc {person.email}  {person.name}" in out.splitlines()
    assert review.officer.email not in out  # never the officer, not even for her own workbooks
    assert "Partnership health review 2004: received" in out and "your own workbook, nobody to chase" in out


def test_an_accepted_return_is_not_chased_for_the_errors_it_was_accepted_with(demo: Path, tmp_path: Path) -> None:
    folder = copy_of(demo, tmp_path)
    assert run("accept", str(folder), "LL return 2004.xlsx", "--note", "Scores confirmed by phone").exit_code == CLEAN
    check = run("check", str(folder))
    assert "LL return 2004.xlsx: Learning and leisure progress tracker 2004 (LL); " in check.stdout
    assert "error   LL return 2004.xlsx" not in check.stderr  # nothing left to ask about
    status = run("status", str(folder)).stdout
    assert re.search(r"LL Learning and leisure: received .*accepted", status) and not re.search(
        r"LL Learning and leisure: .*Chase", status
    )
    rows = [row for row in problem_rows(folder) if "LL return 2004.xlsx" in str(row) and row[0] == "error"]
    assert rows and all(
        any("Dealt with: accepted with the return: Scores confirmed by phone" in str(v) for v in row) for row in rows
    )
    assert run("reopen", str(folder), "LL return 2004.xlsx").exit_code == CLEAN
    assert re.search(r"LL Learning and leisure: .*Chase: errors", run("status", str(folder)).stdout)


@pytest.mark.parametrize("columns", [20, 45, 80])
def test_addresses_and_paths_are_never_broken_across_lines(demo: Path, tmp_path: Path, columns: int) -> None:
    review = load_review(demo)
    status = run("status", str(demo), columns=columns).stdout
    lines = status.splitlines()
    for code in ("LL", "SC", "CD"):  # the clusters chased: every address whole on its own line
        cluster = review.cluster(code)
        for person in (*cluster.coordinators, *cluster.champions):
            assert any(line.split()[:2] in (["to", person.email], ["cc", person.email]) for line in lines), person.email
    deep = tmp_path / ("a-rather-long-folder-name-" * 3) / "review-2004"
    shutil.copytree(demo, deep)
    written = run("remind", str(deep), columns=columns).stdout.splitlines()
    assert sum(str(deep / "outbox" / "reminders") in line for line in written) == 3


def parse(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def test_remind_writes_one_draft_per_cluster_to_chase(demo: Path, tmp_path: Path) -> None:
    folder = copy_of(demo, tmp_path)
    review = load_review(folder)
    result = run("remind", str(folder))
    assert result.exit_code == 0, result.output
    drafts = sorted((folder / "outbox" / "reminders").glob("*.eml"))
    assert [d.name for d in drafts] == [
        "2004 Community development - reminder.eml",
        "2004 Learning and leisure - reminder.eml",
        "2004 Safe communities - reminder.eml",
    ]
    ll = parse(drafts[1])
    cluster = review.cluster("LL")
    assert [a.addr_spec for a in ll["To"].addresses] == [p.email for p in cluster.coordinators]
    assert [a.addr_spec for a in ll["Cc"].addresses][:2] == [p.email for p in cluster.champions]
    body = ll.get_body(("plain",)).get_content()
    assert "Progress Tracker, row LL-02, Co-ordinator's score (5-1): 7 is not a score from 5 to 1" in body
    assert "It was due on Friday 23 April 2004" in body
    [attached] = list(ll.iter_attachments())
    assert attached.get_filename() == "LL return 2004.xlsx"
    assert attached.get_content() == (folder / "inbox" / "LL return 2004.xlsx").read_bytes()  # their return, to correct
    html = ll.get_body(("html",)).get_content()
    assert "Co-ordinator&#x27;s score (5-1): 7 is not a score from 5 to 1" in html
    sc = parse(drafts[2]).get_body(("plain",)).get_content()
    assert "agree the scores, and complete the Review Summary sheet" in sc and "row SC-02" in sc
    cd = parse(drafts[0])
    assert (
        "not yet received" in cd["Subject"]
        and "It was due on Friday 16 April 2004" in cd.get_body(("plain",)).get_content()
    )
    [sent] = list(cd.iter_attachments())
    assert sent.get_content() == (folder / "outbox" / "2004 Community development - progress tracker.xlsx").read_bytes()


def test_a_return_in_an_inbox_sub_folder_is_attached_and_listed(demo: Path, tmp_path: Path) -> None:
    folder = copy_of(demo, tmp_path)
    (folder / "inbox" / "April").mkdir()
    (folder / "inbox" / "LL return 2004.xlsx").rename(folder / "inbox" / "April" / "LL return 2004.xlsx")
    one = run("check", str(folder), str(folder / "inbox" / "April" / "LL return 2004.xlsx"))
    [listed] = [line for line in one.stdout.splitlines() if line.startswith("  ")]
    assert listed.startswith("  April/LL return 2004.xlsx: Learning and leisure progress tracker 2004 (LL); ")
    run("remind", str(folder))
    ll = parse(folder / "outbox" / "reminders" / "2004 Learning and leisure - reminder.eml")
    [attached] = list(ll.iter_attachments())
    assert attached.get_filename() == "LL return 2004.xlsx"
    text = ll.get_body(("plain",)).get_content()
    assert "(LL return 2004.xlsx)" in text and "April/" not in text  # as the co-ordinators named it, not our inbox


def test_a_reminder_never_says_it_attaches_what_it_cannot(demo: Path, tmp_path: Path) -> None:
    folder = copy_of(demo, tmp_path)
    (folder / "outbox" / "2004 Community development - progress tracker.xlsx").unlink()
    run("remind", str(folder))
    cd = parse(folder / "outbox" / "reminders" / "2004 Community development - reminder.eml")
    assert list(cd.iter_attachments()) == []
    text = cd.get_body(("plain",)).get_content()
    assert "I attach" not in text and "let me know and I will send it again" in text


def test_a_return_inside_an_email_is_attached_as_it_came(demo: Path, tmp_path: Path) -> None:
    """The ET return came by e-mail: break it, and its reminder carries the workbook from inside the e-mail."""
    from kcp_sheets.chase import chase_list
    from kcp_sheets.check import check_returns
    from kcp_sheets.mail import returned_workbook

    review = load_review(demo)
    line = next(c for c in chase_list(check_returns(review)) if c.cluster == "ET")
    name, data = returned_workbook(review, line)  # type: ignore[misc]
    assert name == "ET return 2004.xlsx" and data[:2] == b"PK"


def test_before_the_deadlines_nothing_is_late(demo: Path) -> None:
    from kcp_sheets.chase import LATE, MISSING, STAGE1, chase_list
    from kcp_sheets.check import check_returns

    result = check_returns(load_review(demo))
    early = {c.cluster: c for c in chase_list(result, today=dt.date(2004, 4, 1))}
    assert early["CD"].reasons == (MISSING,) and early["CD"].due == dt.date(2004, 4, 16)
    assert STAGE1 not in early["SC"].reasons and LATE not in early["SC"].reasons
    late = {c.cluster: c for c in chase_list(result, today=dt.date(2004, 5, 1))}
    assert late["CD"].reasons == (MISSING, LATE) and STAGE1 in late["SC"].reasons


def test_nobody_to_chase_says_so(demo: Path, tmp_path: Path) -> None:
    """A review of the HW cluster alone, whose return is in, clean and at stage 2."""
    folder = copy_of(demo, tmp_path)
    text = (folder / "review.yaml").read_text()
    keep = text[text.index("  - code: HW") : text.index("  - code: HH")]
    start, end = text.index("  - code: ET"), text.index("# The year each partnership-health")
    (folder / "review.yaml").write_text(text[:start] + keep + "\n" + text[end:])
    actions = folder / "actions.csv"
    lines = actions.read_text(encoding="utf-8-sig").splitlines(True)
    actions.write_text(
        "".join(
            line
            for n, line in enumerate(lines)
            if n == 0 or line.startswith("HW-") or not re.match(r"[A-Z]{2}-\d", line)
        ),
        encoding="utf-8",
    )
    status = run("status", str(folder))
    assert status.exit_code == 0 and "0 clusters to chase." in status.stdout, status.output
    result = run("remind", str(folder))
    assert result.exit_code == 0 and "Nobody to chase" in result.stdout
    assert not list((folder / "outbox" / "reminders").glob("*.eml"))


# Starting the right year.


def test_init_reads_the_year_from_the_folder_name(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "review-2005"))
    assert result.exit_code == 0 and "ready for 2005" in result.stdout
    review = load_review(tmp_path / "review-2005")
    assert (review.year, review.issued, review.stage1_deadline, review.earlier_years) == (
        2005,
        dt.date(2005, 3, 17),
        dt.date(2005, 4, 15),  # 16 April 2005 is a Saturday: the deadline is the Friday before
        (2004,),
    )
    assert all(when.weekday() < 5 for when in dates_of(review))
    assert review.actions[0].progress_in(2004)  # last year's progress, in last year's column
    assert run("generate", str(tmp_path / "review-2005")).exit_code == 0
    assert (tmp_path / "review-2005" / "outbox" / "2005 Health and well-being - progress tracker.xlsx").is_file()


def dates_of(review: Review) -> list[dt.date]:
    return [
        review.issued,
        review.stage1_deadline,
        review.stage2_deadline,
        review.plan_due,
        review.steering_group_meeting,
    ]


def test_init_year_option_wins(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "new review"), "--year", "2007").exit_code == 0
    assert load_review(tmp_path / "new review").year == 2007
    bad = run("init", str(tmp_path / "other"), "--year", "7")
    assert bad.exit_code == CANNOT_RUN and "7 is not a year" in bad.stderr


def test_init_from_last_year_refuses_another_year(demo: Path, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "review-2006"), "--from", str(demo), "--year", "2006")
    assert result.exit_code == CANNOT_RUN and "makes the 2005 review, not 2006" in result.stderr
    assert not (tmp_path / "review-2006").exists()


# Outlook .msg returns.

OUTLOOK = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "outlook" / "unicode.msg"


@pytest.fixture()
def real_msg() -> Path:
    if not OUTLOOK.is_file():
        pytest.skip(f"the real Outlook file is not here: {OUTLOOK} (shared/fixtures beside the checkout)")
    return OUTLOOK


def test_a_real_outlook_msg_is_read_with_its_sender_date_and_attachments(real_msg: Path) -> None:
    import extract_msg

    from kcp_sheets.intake import _outlook_attachments, from_outlook

    message = extract_msg.openMsg(real_msg.read_bytes())
    try:
        assert [(name, len(data)) for name, data in _outlook_attachments(message)] == [
            ("import OleFileIO.tif", 969_674),
            ("raised value error.tif", 1_033_142),
        ]
    finally:
        message.close()
    sources, problems = from_outlook(
        "unicode.msg", real_msg.read_bytes(), dt.datetime(2020, 1, 1, tzinfo=dt.UTC), 20 * 1024 * 1024
    )
    assert sources == []
    [p] = problems
    assert p.code == "email-no-attachment" and p.found == "Brian Zhou <brizhou@gmail.com>"
    assert "18/11/2013 08:26" in p.message and "import OleFileIO.tif, raised value error.tif" in p.message


def test_check_reads_an_outlook_msg_in_the_inbox(real_msg: Path, tmp_path: Path) -> None:
    folder = tmp_path / "review-2004"
    run("init", str(folder))
    shutil.copyfile(real_msg, folder / "inbox" / "Re tracker.msg")
    result = run("check", str(folder))
    assert result.exit_code == PROBLEMS
    assert "Re tracker.msg: not a return" in result.stdout
    assert (
        "error   Re tracker.msg: The e-mail has no workbook attached (from Brian Zhou <brizhou@gmail.com>, "
        "18/11/2013 08:26"
    ) in result.stderr
    assert "move this e-mail out of the inbox" in result.stderr  # how the error is cleared once the workbook comes


def test_a_damaged_msg_is_one_problem(tmp_path: Path) -> None:
    from kcp_sheets.intake import from_outlook

    data = OUTLOOK.read_bytes()[:4096] if OUTLOOK.is_file() else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    sources, [p] = from_outlook("cut.msg", data, dt.datetime(2020, 1, 1, tzinfo=dt.UTC), 1024)
    assert sources == [] and p.code == "email-unreadable" and "Outlook message" in p.message


def outlook_message(path: Path, attachment: Path, sender: tuple[str, str], sent: dt.datetime) -> Path:
    """An Outlook .msg carrying a workbook, written by an MSG writer independent of the reader we use."""
    from aspose.email_foss import msg

    message = msg.MapiMessage.create(f"Re: {attachment.stem}", "Here is our return.")
    message.set_property(msg.PropertyId.SENDER_NAME, sender[0])
    message.set_property(msg.PropertyId.SENDER_ADDRESS_TYPE, "SMTP")
    message.set_property(msg.PropertyId.SENDER_EMAIL_ADDRESS, sender[1])
    message.set_property(msg.PropertyId.MESSAGE_DELIVERY_TIME, sent)
    message.add_recipient("helen.kay@rbkc.gov.uk", display_name="Helen Kay")
    message.add_attachment(
        attachment.name,
        attachment.read_bytes(),
        mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    message.save(str(path))
    return path


def test_an_outlook_msg_carrying_a_return_is_read_like_an_eml(demo: Path, tmp_path: Path) -> None:
    from kcp_sheets.check import check_returns

    folder = copy_of(demo, tmp_path)
    workbook = folder / "inbox" / "HW return 2004.xlsx"
    sent = dt.datetime(2004, 4, 21, 16, 5, tzinfo=dt.UTC)
    outlook_message(folder / "inbox" / "HW return.msg", workbook, ("Ruth Owen", "ruth.owen@example.org"), sent)
    moved = tmp_path / workbook.name
    workbook.rename(moved)
    result = check_returns(load_review(folder))
    [hw] = [r for r in result.returns if r.source.name.startswith("HW return.msg")]
    assert hw.source.name == "HW return.msg > HW return 2004.xlsx" and hw.cluster == "HW" and hw.used
    assert hw.source.sender == "Ruth Owen <ruth.owen@example.org>" and hw.source.received == sent
    assert hw.source.sha256 == __import__("hashlib").sha256(moved.read_bytes()).hexdigest()
    assert not [p for p in hw.problems if p.code == "sender-unexpected"]  # Ruth is an HW co-ordinator


def test_a_msg_return_from_outside_the_cluster_is_flagged(demo: Path, tmp_path: Path) -> None:
    from kcp_sheets.check import check_returns

    folder = copy_of(demo, tmp_path)
    workbook = folder / "inbox" / "HW return 2004.xlsx"
    outlook_message(
        folder / "inbox" / "fwd.msg",
        workbook,
        ("Someone Else", "someone@elsewhere.org"),
        dt.datetime(2004, 4, 26, tzinfo=dt.UTC),
    )
    result = check_returns(load_review(folder))
    [flag] = [p for p in result.all_problems() if p.code == "sender-unexpected"]
    assert flag.file == "fwd.msg > HW return 2004.xlsx" and flag.found == "Someone Else <someone@elsewhere.org>"
    assert flag.severity == "error"  # held for the officer's decision: never used in place of the cluster's own
    [stranger] = [r for r in result.returns if r.source.name == flag.file]
    assert stranger.state == "has problems" and not stranger.merged


def test_a_decision_or_a_problem_dealt_with_without_a_note_names_the_option_it_needs(
    demo: Path, tmp_path: Path
) -> None:
    folder = copy_of(demo, tmp_path)
    accepted = run("accept", str(folder), "LL return 2004.xlsx")
    assert accepted.exit_code == CANNOT_RUN and "Say why with --note" in accepted.stderr
    rejected = run("reject", str(folder), "LL return 2004.xlsx")
    assert rejected.exit_code == CANNOT_RUN and "Say why with --reason" in rejected.stderr
    dealt = run("dealt-with", str(folder), "LL return 2004.xlsx", "somekey")
    assert dealt.exit_code == CANNOT_RUN and "Say why with --note" in dealt.stderr
    assert "A problem is marked dealt with only with a note saying why." in dealt.stderr
    assert "--reason" not in dealt.stderr and "accept" not in dealt.stderr  # dealing with a problem is no decision


def test_the_decisions_take_the_current_folder_as_every_command_does(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`accept 3` inside the review folder: the folder may be left out before a return, as `--help` says."""
    folder = copy_of(demo, tmp_path)
    monkeypatch.chdir(folder)
    shown = run("returns", "LL return 2004.xlsx")
    assert shown.exit_code == CLEAN and "LL return 2004.xlsx: has problems" in shown.stdout
    accepted = run("accept", "LL return 2004.xlsx", "--note", "Scores confirmed by phone")
    assert accepted.exit_code == CLEAN and "LL return 2004.xlsx: accepted." in accepted.stdout
    assert run("reopen", "LL return 2004.xlsx").exit_code == CLEAN
    rejected = run("reject", str(folder), "LL return 2004.xlsx", "--reason", "Wrong cluster")  # named, as before
    assert rejected.exit_code == CLEAN and "rejected." in rejected.stdout
    missing = run("dealt-with", "LL return 2004.xlsx")
    assert missing.exit_code == CANNOT_RUN and "Missing argument 'KEY'" in missing.stderr
    assert "[FOLDER] RETURN KEY" in run("dealt-with", "--help").stdout
    assert "default: the current folder" in run("--help").stdout
