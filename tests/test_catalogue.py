"""More of the catalogue of bad returns: each case names the problem code and
where it must be reported, and the rest of the file must still be read."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook

TRACKER = "Progress Tracker"


@pytest.fixture()
def make(plans, outbox: Path, tmp_path: Path) -> Callable[..., Path]:
    """A filled ET return, then `change(book)` applied to it with openpyxl."""

    def build(
        change: Callable[[openpyxl.Workbook], None] | None = None,
        label: str = "ET",
        rows: dict | None = None,
        name: str = "return.xlsx",
    ) -> Path:
        plan = plans[label]
        sheet = plan.spec.main_table().name
        first = str(plan.content.rows[sheet][0]["id"])
        path = fill_workbook(plan, outbox / plan.file_name, tmp_path / name, {sheet: rows or {first: {}}})
        if change:
            book = openpyxl.load_workbook(path)
            change(book)
            book.save(path)
        return path

    return build


def problems(review, path: Path) -> set[tuple[str, str, str]]:
    result = check_returns(review, [path])
    return {(p.code, p.sheet, p.cell) for p in result.all_problems()}


def identity(book: openpyxl.Workbook, key: str, value: str) -> None:
    for row in book["KCP identity"].iter_rows():
        if row[0].value == key:
            row[1].value = value


def test_another_review_entirely(review, make) -> None:
    path = make(lambda b: identity(b, "review", "tower-hamlets-partnership-2004"))
    assert ("other-review", "", "") in problems(review, path)


def test_saved_by_a_newer_template(review, make) -> None:
    path = make(lambda b: identity(b, "version", "2"), rows={"ET-01": {"coordinator_score": 4}})
    found = problems(review, path)
    assert ("other-version", "", "") in found and not any(
        code == "score-unscored" and cell == "J5" for code, _, cell in found
    )


def test_identity_rows_edited(review, make) -> None:
    path = make(lambda b: identity(b, "rows", "ET-01,ET-02"))
    assert ("identity-edited", "", "") in problems(review, path)


def test_identity_naming_an_unknown_cluster(review, make) -> None:
    path = make(lambda b: identity(b, "cluster", "ZZ"))
    assert ("file-unknown", "", "") in problems(review, path)


def test_zero_length_attachment(review, tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "ruth.owen@example.org"
    message["Date"] = "Mon, 19 Apr 2004 10:00:00 +0100"
    message.set_content("Here it is")
    message.add_attachment(b"", maintype="application", subtype="octet-stream", filename="tracker.xlsx")
    path = tmp_path / "empty attachment.eml"
    path.write_bytes(bytes(message))
    [p] = check_returns(review, [path]).all_problems()
    assert p.code == "file-empty" and p.file == "empty attachment.eml > tracker.xlsx"


def test_another_office_document_renamed(review, tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    path = tmp_path / "minutes.xlsx"
    path.write_bytes(out.getvalue())
    assert ("file-not-spreadsheet", "", "") in problems(review, path)


def test_a_blank_workbook(review, tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    assert ("file-unknown", "", "") in problems(review, path)


def test_xlsx_saved_with_an_xls_name(review, make) -> None:
    path = make()
    renamed = path.with_name("tracker.xls")
    path.rename(renamed)
    [ret] = check_returns(review, [renamed]).returns
    assert ret.cluster == "ET"


def test_rows_inserted_above_the_header(review, make) -> None:
    def insert(book: openpyxl.Workbook) -> None:
        ws = book[TRACKER]
        ws.protection.sheet = False
        ws.insert_rows(3, 2)

    path = make(insert, rows={"ET-02": {"coordinator_score": "3"}})
    [ret] = check_returns(review, [path]).returns
    row = next(r for r in ret.rows[TRACKER] if r.id == "ET-02")
    assert row.values["coordinator_score"] == 3 and row.cell_row == 8


def test_columns_moved(review, make) -> None:
    def swap(book: openpyxl.Workbook) -> None:
        ws = book[TRACKER]
        for r in range(1, ws.max_row + 1):  # swap the progress and co-ordinator's score columns
            a, b = ws.cell(r, 9), ws.cell(r, 10)
            a.value, b.value = b.value, a.value

    path = make(swap, rows={"ET-01": {"progress": "Moved but kept", "coordinator_score": 2}})
    [ret] = check_returns(review, [path]).returns
    row = ret.rows[TRACKER][0]
    assert (row.values["progress"], row.values["coordinator_score"]) == ("Moved but kept", 2)


def test_column_deleted(review, make) -> None:
    def delete(book: openpyxl.Workbook) -> None:
        ws = book[TRACKER]
        ws.protection.sheet = False
        ws.delete_cols(12)  # appropriateness

    path = make(delete, rows={"ET-01": {"coordinator_score": 4}})
    found = problems(review, path)
    assert ("header-missing", TRACKER, "A4") in found
    [ret] = check_returns(review, [path]).returns
    assert ret.rows[TRACKER][0].values["coordinator_score"] == 4


def test_merged_cells_over_inputs(review, make) -> None:
    def merge(book: openpyxl.Workbook) -> None:
        ws = book[TRACKER]
        ws.protection.sheet = False
        ws.merge_cells("I5:J5")

    path = make(merge, rows={"ET-01": {"progress": "Merged text", "coordinator_score": 4}})
    [ret] = check_returns(review, [path]).returns
    row = ret.rows[TRACKER][0]
    assert row.values["progress"] == "Merged text"
    assert any(
        p.code == "score-unscored" and p.cell == "J5" for p in ret.problems
    )  # the merge hid the score: asked for again


def test_a_flag_that_is_not_yes_or_no(review, make) -> None:
    path = make(rows={"ET-01": {"case_study": "maybe"}})
    assert ("flag-invalid", TRACKER, "N5") in problems(review, path)


def test_a_choice_that_is_not_in_the_list(review, make) -> None:
    path = make(label="accreditation-review", rows={"A1.1": {"achieved": "Nearly"}})
    assert ("choice-invalid", "Action Plan", "E6") in problems(review, path)


def test_a_half_score(review, make) -> None:
    path = make(rows={"ET-01": {"coordinator_score": 4.5}})
    assert ("score-invalid", TRACKER, "J5") in problems(review, path)


def test_resaved_without_protection_or_drop_downs(review, make) -> None:
    """What a round trip through an online spreadsheet tends to leave: values only."""

    def strip(book: openpyxl.Workbook) -> None:
        for ws in book.worksheets:
            ws.protection.sheet = False
            ws.data_validations.dataValidation = []

    path = make(strip, rows={"ET-01": {"coordinator_score": "Largely achieved"}})
    [ret] = check_returns(review, [path]).returns
    assert ret.rows[TRACKER][0].values["coordinator_score"] == 4
    assert not [p for p in ret.problems if p.severity == "error"]


def test_health_return_without_identity_is_recognised(review, make) -> None:
    path = make(lambda b: b.remove(b["KCP identity"]), label="partnership-health", rows={"2.1.1": {"score": 3}})
    [ret] = check_returns(review, [path]).returns
    assert ret.template == "partnership-health" and any(p.code == "identity-missing" for p in ret.problems)


def test_text_typed_in_the_review_summary_margin(review, make) -> None:
    def note(book: openpyxl.Workbook) -> None:
        ws = book["Review Summary"]
        ws.protection.sheet = False
        ws["H5"] = "Champion away: see notes"

    path = make(note)
    assert ("cell-unread", "Review Summary", "H5") in problems(review, path)


def test_a_return_sent_by_someone_outside_the_cluster(review, make, tmp_path: Path) -> None:
    path = make()
    message = EmailMessage()
    message["From"] = "Jo Fisher <jo.fisher@example.org>"  # a Safe communities co-ordinator
    message.set_content("Our return")
    message.add_attachment(path.read_bytes(), maintype="application", subtype="octet-stream", filename="ours.xlsx")
    eml = tmp_path / "from jo.eml"
    eml.write_bytes(bytes(message))
    [ret] = check_returns(review, [eml]).returns
    [p] = [p for p in ret.problems if p.code == "sender-unexpected"]
    assert "Environment and transport" in p.message and "jo.fisher@example.org" in p.message
