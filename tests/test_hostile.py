"""Bad and hostile input: each costs a problem line with what to ask for,
never a traceback, a hang or the rest of the run."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook
from kcp_sheets.workbooks import planned_workbooks


def xlsx_with(
    source: Path,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
) -> bytes:
    """A copy of a workbook with parts of its zip replaced, removed or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
        for name, data in (replace or {}).items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return out.getvalue()


@pytest.fixture()
def good(plans, outbox: Path, tmp_path: Path) -> Path:
    plan = plans["ET"]
    return fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "good.xlsx", {"Progress Tracker": {"ET-01": {"coordinator_score": 4}}}
    )


def first_code(review, path: Path) -> tuple[str, str]:
    """Read one file in bounded time and memory; its first problem's code and severity."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    result = check_returns(review, [path])
    assert time.monotonic() - start < 20, "reading took too long"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 500, f"reading grew memory by {grown_mb:.0f} MB"
    problems = result.all_problems()
    assert problems, "no problem reported"
    assert all(p.file and p.message and p.ask for p in problems)
    return problems[0].code, problems[0].severity


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(review, tmp_path: Path) -> None:
    assert first_code(review, write(tmp_path, "empty.xlsx", b"")) == ("file-empty", "error")


def test_text_file_renamed_xlsx(review, tmp_path: Path) -> None:
    assert first_code(review, write(tmp_path, "notes.xlsx", b"Dear Helen, scores to follow.\n")) == (
        "file-not-spreadsheet",
        "error",
    )


def test_web_page_saved_as_xls(review, tmp_path: Path) -> None:
    assert first_code(review, write(tmp_path, "export.xls", b"<html><body><table></table></body></html>")) == (
        "file-not-spreadsheet",
        "error",
    )


def test_other_kind_of_file_in_the_inbox(review, tmp_path: Path) -> None:
    assert first_code(review, write(tmp_path, "minutes.docx", b"PK\x03\x04 not really")) == (
        "file-not-spreadsheet",
        "error",
    )


def test_truncated_zip(review, good: Path, tmp_path: Path) -> None:
    data = good.read_bytes()
    assert first_code(review, write(tmp_path, "cut.xlsx", data[: len(data) // 2])) == ("file-truncated", "error")


def test_zip_with_the_workbook_part_missing(review, good: Path, tmp_path: Path) -> None:
    assert first_code(review, write(tmp_path, "part.xlsx", xlsx_with(good, drop=("xl/workbook.xml",)))) == (
        "file-truncated",
        "error",
    )


def test_zip_with_a_sheet_part_missing(review, good: Path, tmp_path: Path) -> None:
    code, severity = first_code(
        review, write(tmp_path, "sheet.xlsx", xlsx_with(good, drop=("xl/worksheets/sheet2.xml",)))
    )
    assert severity == "error" and code in ("file-truncated", "file-unreadable", "sheet-missing")


def test_password_protected_workbook(review, good: Path, tmp_path: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good.read_bytes())).encrypt("secret", out)
    assert first_code(review, write(tmp_path, "locked.xlsx", out.getvalue())) == ("file-encrypted", "error")
    del msoffcrypto


def test_a_workbook_encrypted_with_excels_default_password_is_read(review, good: Path, tmp_path: Path) -> None:
    """Excel encrypts a workbook given protection but no password to open with its
    well-known default: the sender set none, and Excel and LibreOffice open it without asking."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good.read_bytes())).encrypt("VelvetSweatshop", out)
    path = write(tmp_path, "protected.xlsx", out.getvalue())
    [ret] = check_returns(review, [path]).returns
    assert ret.cluster == "ET" and "file-encrypted" not in {p.code for p in ret.problems}
    [plain] = check_returns(review, [good]).returns
    assert {r.id: r.values for r in ret.rows["Progress Tracker"]} == {
        r.id: r.values for r in plain.rows["Progress Tracker"]
    }


def test_macro_workbook_is_read_and_macros_never_run(review, good: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "with macro.xlsm", xlsx_with(good, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"}))
    result = check_returns(review, [path])
    [ret] = result.returns
    assert ret.cluster == "ET" and "file-macro" in {p.code for p in ret.problems}


def test_xml_entity_expansion_is_refused(review, good: Path, tmp_path: Path) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    assert first_code(review, write(tmp_path, "lol.xlsx", xlsx_with(good, replace={"xl/sharedStrings.xml": bomb}))) == (
        "file-hostile",
        "error",
    )


def test_external_entity_is_refused(review, good: Path, tmp_path: Path) -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&e;</t></si></sst>'
    assert first_code(review, write(tmp_path, "xxe.xlsx", xlsx_with(good, replace={"xl/sharedStrings.xml": xxe}))) == (
        "file-hostile",
        "error",
    )


def test_zip_bomb_is_refused_unread(review, good: Path, tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("xl/media/padding.bin", b"\x00" * (300 * 1024 * 1024))
    path = write(tmp_path, "bomb.xlsx", out.getvalue())
    assert path.stat().st_size < 2 * 1024 * 1024
    assert first_code(review, path) == ("file-hostile", "error")


def test_a_declared_dimension_is_not_trusted(review, good: Path, tmp_path: Path) -> None:
    """Some programs declare the whole sheet as its dimension: the cells decide, and the return is read."""
    with zipfile.ZipFile(good) as z:
        sheet = z.read("xl/worksheets/sheet2.xml")
    import re

    huge = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', sheet, count=1)
    [ret] = check_returns(
        review, [write(tmp_path, "dim.xlsx", xlsx_with(good, replace={"xl/worksheets/sheet2.xml": huge}))]
    ).returns
    assert ret.cluster == "ET" and ret.rows["Progress Tracker"][0].values["coordinator_score"] == 4
    assert not [p for p in ret.problems if p.severity == "error"]


def test_huge_shared_string_count_is_refused(review, good: Path, tmp_path: Path) -> None:
    sst = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="900000000" uniqueCount="900000000"><si><t>x</t></si></sst>'
    )
    assert first_code(review, write(tmp_path, "sst.xlsx", xlsx_with(good, replace={"xl/sharedStrings.xml": sst}))) == (
        "file-hostile",
        "error",
    )


def test_file_over_the_size_limit(review, tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with path.open("wb") as f:
        f.truncate(int(review.max_return_mb * 1024 * 1024) + 1)
    assert first_code(review, path) == ("file-too-large", "error")


def test_cells_a_million_rows_and_16384_columns_apart_are_refused_naming_the_far_cell(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    plan = plans["ET"]
    path = fill_workbook(
        plan, outbox / plan.file_name, tmp_path / "far.xlsx", {"Progress Tracker": {"ET-01": {"coordinator_score": 4}}}
    )
    book = openpyxl.load_workbook(path)
    ws = book["Progress Tracker"]
    ws.cell(1_048_576, 1).value = "bottom"
    ws.cell(1, 16_384).value = "far right"
    book.save(path)
    assert first_code(review, path) == ("sheet-too-large", "error")
    [found] = [p for p in check_returns(review, [path]).all_problems() if p.code == "sheet-too-large"]
    assert found.sheet == "Progress Tracker" and "XFD1048576" in found.ask


def test_a_32767_character_cell_is_read_whole(review, plans, outbox: Path, tmp_path: Path) -> None:
    plan = plans["ET"]
    text = ("Progress recorded in full. " * 1300)[:32767]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path / "long.xlsx",
        {"Progress Tracker": {"ET-01": {"progress": text, "coordinator_score": 4}}},
    )
    [ret] = check_returns(review, [path]).returns
    assert ret.rows["Progress Tracker"][0].values["progress"] == text


def test_sheet_deleted(review, good: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(good)
    del book["Review Summary"]
    book.save(tmp_path / "no summary.xlsx")
    [ret] = check_returns(review, [tmp_path / "no summary.xlsx"]).returns
    assert [(p.code, p.sheet) for p in ret.problems if p.code == "sheet-missing"] == [
        ("sheet-missing", "Review Summary")
    ]
    assert ret.rows["Progress Tracker"][0].values["coordinator_score"] == 4


def test_formula_typed_in_an_input_cell_is_read_as_its_value_never_run(review, good: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(good)
    ws = book["Progress Tracker"]
    ws["J6"] = "=2+1"
    book.save(tmp_path / "formula.xlsx")
    [ret] = check_returns(review, [tmp_path / "formula.xlsx"]).returns
    found = {(p.code, p.sheet, p.row_id) for p in ret.problems if p.cell == "J6"}
    assert ("formula", "Progress Tracker", "ET-02") in found


def test_email_with_two_workbooks_and_non_utf8_text(review, plans, outbox: Path, tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "=?iso-8859-1?q?Jos=E9_Ram=EDrez?= <jose@example.org>"
    message["Subject"] = "returns"
    message.set_content("Voil\xe0 les fichiers", charset="iso-8859-1")
    for label in ("ET", "HW"):
        plan = plans[label]
        message.add_attachment(
            (outbox / plan.file_name).read_bytes(),
            maintype="application",
            subtype="vnd.ms-excel",
            filename=plan.file_name,
        )
    path = write(tmp_path, "two.eml", bytes(message))
    result = check_returns(review, [path])
    assert sorted(r.cluster for r in result.returns) == ["ET", "HW"]
    assert all("Ram" in r.source.sender for r in result.returns)


def test_an_email_header_longer_than_any_mail_program_writes_is_one_problem_in_bounded_time(
    review, good: Path, tmp_path: Path
) -> None:
    """Python's parser takes time growing with the square of a header's words:
    a From header of 30,000 encoded words (420 KB) took half a minute, 10 MB
    would take hours. Such a header is not parsed; the e-mail is one problem."""
    message = EmailMessage()
    message["Subject"] = "returns"
    message.add_attachment(good.read_bytes(), maintype="application", subtype="vnd.ms-excel", filename="et.xlsx")
    long_from = b"From: " + b"=?utf-8?q?a?= " * 30_000 + b"<a@example.org>\r\n"
    code, severity = first_code(review, write(tmp_path, "long header.eml", long_from + bytes(message)))
    assert (code, severity) == ("email-unreadable", "error")
    [found] = check_returns(review, [tmp_path / "long header.eml"]).problems
    assert "From header is 410 KB long" in found.message


def test_broken_email_is_one_problem(review, tmp_path: Path) -> None:
    path = write(tmp_path, "broken.eml", b"\xff\xfe\x00garbage\r\n\r\n--")
    result = check_returns(review, [path])
    assert result.returns == [] and result.problems[0].code in ("email-no-attachment", "email-unreadable")


def test_one_bad_file_does_not_stop_the_rest(review, good: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.xlsx", b"nonsense")
    result = check_returns(review, [bad, good])
    assert [r.cluster for r in result.used()] == ["ET"]
    assert [p.code for p in result.all_problems() if p.severity == "error"] == ["file-not-spreadsheet"]


def test_a_sheet_whose_tags_never_close_is_one_problem_and_the_check_goes_on(
    review, good: Path, tmp_path: Path
) -> None:
    """About a megabyte of cell tags with no '>' (a few kilobytes zipped) once
    kept `check` busy for hours. The command as the officer types it: the file
    is one damaged-file error, the good return beside it is read, in seconds.
    Run as a process of its own so that a hang fails the test, not the suite."""
    import subprocess
    import sys

    with zipfile.ZipFile(good) as z:
        sheet = z.read("xl/worksheets/sheet2.xml")
    unclosed = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")] + b'<row r="1">' + b'<c r="A1" t="s"' * 70_000
    bad = write(tmp_path, "unclosed.xlsx", xlsx_with(good, replace={"xl/worksheets/sheet2.xml": unclosed}))
    assert bad.stat().st_size < 100_000
    done = subprocess.run(
        [sys.executable, "-m", "kcp_sheets", "check", str(review.folder), str(bad), str(good)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "unclosed.xlsx: Progress Tracker: The workbook is damaged or cut short" in errors[0], (
        done.stderr
    )
    assert "good.xlsx: Environment and transport progress tracker" in done.stdout and "Traceback" not in done.stderr


def test_thousands_of_pasted_rows_are_each_reported_in_bounded_time(review, good: Path, tmp_path: Path) -> None:
    """30,000 rows pasted below the tracker: each is a new action with no score,
    said once per row, and the read grows with the rows, not their square (every
    row once searched every problem so far: a minute for 20,000 rows)."""
    book = openpyxl.load_workbook(good)
    sheet = book["Progress Tracker"]
    first = sheet.max_row + 1
    for r in range(first, first + 30_000):
        sheet.cell(r, 1, f"ET-X{r}")
        sheet.cell(r, 3, f"Pasted outcome {r}")
    path = tmp_path / "pasted.xlsx"
    book.save(path)
    start = time.monotonic()
    [ret] = check_returns(review, [path]).returns
    assert time.monotonic() - start < 60, (
        "reading took too long"
    )  # a bound on a hang, not a speed goal: 7 s linear, 145 s quadratic
    codes = [p.code for p in ret.problems]
    assert codes.count("row-unknown-id") == 30_000 and codes.count("score-unscored") >= 30_000


def slow_on_hw(source, review, plans, look=None):  # noqa: ANN001, ANN201
    """read_source, except that reading HW's return takes 30 s (its look at the
    file stands for any step that runs away). At module level, so a worker
    process can be given it."""
    from kcp_sheets.formats import inspect
    from kcp_sheets.reader import read_source

    look = look or inspect

    def slow(data: bytes):  # noqa: ANN202
        time.sleep(30)
        return look(data)

    return read_source(source, review, plans, look=slow if source.name == "hw.xlsx" else look)


@pytest.fixture()
def half_a_second(review):  # noqa: ANN001, ANN201
    """The review, with 0.5 s to read each file."""
    from dataclasses import replace

    return replace(review, read_seconds=0.5)


def _et_and_hw(plans, outbox: Path, tmp_path: Path) -> tuple[Path, Path]:  # noqa: ANN001
    """Two returns, ET's and HW's, one score each: HW's is the one read slowly."""
    et = fill_workbook(
        plans["ET"],
        outbox / plans["ET"].file_name,
        tmp_path / "et.xlsx",
        {"Progress Tracker": {"ET-01": {"coordinator_score": 4}}},
    )
    hw = fill_workbook(
        plans["HW"],
        outbox / plans["HW"].file_name,
        tmp_path / "hw.xlsx",
        {"Progress Tracker": {"HW-01": {"coordinator_score": 3}}},
    )
    return et, hw


@pytest.mark.parametrize("in_workers", [False, True], ids=["in the checking process", "in worker processes"])
def test_a_read_that_runs_too_long_is_stopped_and_the_rest_are_read(
    plans, outbox: Path, tmp_path: Path, half_a_second, in_workers: bool
) -> None:
    from kcp_sheets.read_workers import Reads

    et, hw = _et_and_hw(plans, outbox, tmp_path)
    result = check_returns(
        half_a_second, [et, hw], reads=Reads(reader=slow_on_hw, parallel_from=1 if in_workers else 10**6)
    )
    by_name = {r.source.name: r for r in result.returns}
    assert by_name["et.xlsx"].cluster == "ET" and by_name["et.xlsx"].errors == 0
    stopped = by_name["hw.xlsx"]
    assert [p.code for p in stopped.problems] == ["file-read-failed"] and not stopped.rows  # nothing half-read is shown
    assert "took more than 0.5 s and was stopped" in stopped.problems[0].message


def test_a_check_in_a_thread_reads_in_a_worker_where_the_time_limit_holds(
    plans, outbox: Path, tmp_path: Path, half_a_second
) -> None:
    """The desk's check runs in a thread, where no alarm can be set: its files
    are read in a worker process, whose main thread has one, however few."""
    import threading

    from kcp_sheets.read_workers import Reads

    et, hw = _et_and_hw(plans, outbox, tmp_path)
    found = []
    reads = Reads(reader=slow_on_hw)
    thread = threading.Thread(target=lambda: found.append(check_returns(half_a_second, [et, hw], reads=reads)))
    thread.start()
    thread.join(25)  # the slow read sleeps 30 s: still running here means no limit held
    assert not thread.is_alive() and found, "the read in a thread was not stopped"
    by_name = {r.source.name: r for r in found[0].returns}
    assert by_name["et.xlsx"].cluster == "ET" and by_name["et.xlsx"].errors == 0
    assert "took more than 0.5 s and was stopped" in by_name["hw.xlsx"].problems[0].message


def test_a_read_in_a_thread_has_no_alarm_and_reads_as_usual(review, good: Path) -> None:
    """The desk reads in threads, where no alarm can be set: the read is as usual."""
    import datetime as dt
    import threading

    from kcp_sheets.intake import Source
    from kcp_sheets.reader import read_source

    found = []
    source = Source("good.xlsx", good.read_bytes(), dt.datetime.now(dt.UTC))
    thread = threading.Thread(target=lambda: found.append(read_source(source, review, planned_workbooks(review))))
    thread.start()
    thread.join(60)
    [ret] = found
    assert ret.cluster == "ET" and not any(p.code == "file-read-failed" for p in ret.problems)


def test_an_email_that_takes_too_long_to_read_is_one_problem(good: Path, tmp_path: Path) -> None:
    from kcp_sheets.intake import gather

    def slow(*args: object) -> None:
        time.sleep(30)

    path = write(tmp_path, "slow.eml", b"From: a@example.org\r\n\r\nhello\r\n")
    sources, problems = gather([path, good], 10**8, seconds=0.5, read_email=slow)
    assert [(p.code, p.file) for p in problems] == [("email-unreadable", "slow.eml")]
    assert "took more than 0.5 s and was stopped" in problems[0].message
    assert [s.name for s in sources] == ["good.xlsx"]


@pytest.mark.parametrize(
    ("name", "head"),
    [
        (
            "lol.xml",
            b'<?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
        ),
        (
            "lol.fods",
            b'<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">',
        ),
        ("lol.gnumeric", b'<gnm:Workbook xmlns:gnm="http://www.gnumeric.org/v10.dtd">'),
    ],
)
def test_entity_expansion_in_a_flat_spreadsheet_is_refused(review, tmp_path: Path, name: str, head: bytes) -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    data = doctype + head + b"&lol2;"
    if name.endswith(".gnumeric"):
        import gzip

        data = gzip.compress(data)
    assert first_code(review, write(tmp_path, name, data)) == ("file-hostile", "error")


def test_a_flat_sheet_spread_too_far_is_refused_by_its_extent(review, tmp_path: Path) -> None:
    far = (
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
    )
    far += (
        b'<Row><Cell><Data ss:Type="String">a</Data></Cell></Row><Row ss:Index="1048576">'
        b'<Cell ss:Index="16384"><Data ss:Type="String">z</Data></Cell></Row></Table></Worksheet></Workbook>'
    )
    [ret] = check_returns(review, [write(tmp_path, "far.xml", far)]).returns
    [found] = ret.problems
    assert found.code == "sheet-too-large" and "XFD1048576" in found.ask
