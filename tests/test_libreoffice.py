"""A real spreadsheet program: LibreOffice opens every workbook we write,
prints it, and its re-saved copies (.xlsx, .ods, .xls) read back exactly."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import soffice

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook

pytestmark = pytest.mark.libreoffice

FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "xls": "xls:MS Excel 97"}


def convert(paths: list[Path], to: str, out: Path, profile: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(),
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        to,
        "--outdir",
        str(out),
        *map(str, paths),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    suffix = "." + to.split(":")[0]
    converted = [out / (p.stem + suffix) for p in paths]
    missing = [p.name for p in converted if not p.is_file()]
    assert not missing, f"LibreOffice did not write {missing}: {done.stdout} {done.stderr}"
    return converted


def pdf_pages(pdf: Path) -> tuple[int, bool]:
    """Page count and whether every page is landscape, from pdfinfo."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    sizes = [
        line.split(":", 1)[1].split("pts")[0].split(" x ")
        for line in info.splitlines()
        if line.startswith("Page") and "size:" in line
    ]
    landscape = all(float(w) > float(h) for w, h in sizes)
    return pages, landscape


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_every_generated_workbook_opens_and_prints_on_landscape_pages(outbox: Path, tmp_path: Path) -> None:
    workbooks = sorted(outbox.glob("*.xlsx"))
    pdfs = convert(workbooks, "pdf", tmp_path / "pdf", tmp_path / "profile")
    for pdf in pdfs:
        pages, landscape = pdf_pages(pdf)
        assert landscape, pdf.name
        assert pages >= 2, f"{pdf.name}: {pages} pages"


@pytest.fixture(scope="module")
def filled(plans, outbox: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = plans["ET"]
    rows = {
        "Progress Tracker": {
            "ET-01": {
                "progress": "Protocol agreed\nwith the markets",
                "coordinator_score": "4 - Largely achieved",
                "agreed_score": 4,
                "case_study": "Yes",
            },
            "ET-02": {"progress": "Ünïcödé and 中文 text", "coordinator_score": 2, "why_not_met": "=not a formula"},
            "ET-NEW-01": {"action": "Green roofs pilot", "coordinator_score": "5 - Achieved"},
            "ET-NEW-02": {
                "nrf": "Yes",
                "issue": plan.content.rows["Progress Tracker"][0]["issue"],
                "progress": "Begun",
            },  # the NRF drop-down chosen in a spare row
        },
        "Review Summary": {
            "AI-01": {"action": "Meet Network Rail", "due": "End March 2005", "key_contact": "Vera Gajic"}
        },
    }
    fields = {
        "Review Summary": {
            "attendance": "All four",
            "review_date": dt.date(2004, 4, 21),
            "achievements": "Closures agreed",
        }
    }
    return fill_workbook(
        plan, outbox / plan.file_name, tmp_path_factory.mktemp("filled") / "et return.xlsx", rows, fields
    )


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_resaved_by_libreoffice_reads_back_exactly(review, filled: Path, tmp_path: Path, fmt: str) -> None:
    [resaved] = convert([filled], FILTERS[fmt], tmp_path / fmt, tmp_path / "profile")
    [ret] = check_returns(review, [resaved]).returns
    assert ret.cluster == "ET", [p.message for p in ret.problems]
    rows = {r.id: r.values for r in ret.rows["Progress Tracker"]}
    assert rows["ET-01"]["progress"] == "Protocol agreed\nwith the markets"
    assert (rows["ET-01"]["coordinator_score"], rows["ET-01"]["agreed_score"], rows["ET-01"]["case_study"]) == (
        4,
        4,
        True,
    )
    assert rows["ET-02"]["progress"] == "Ünïcödé and 中文 text" and rows["ET-02"]["why_not_met"] == "=not a formula"
    assert rows["ET-NEW-01"]["action"] == "Green roofs pilot" and rows["ET-NEW-01"]["coordinator_score"] == 5
    assert rows["ET-NEW-02"]["nrf"] is True and rows["ET-NEW-02"]["progress"] == "Begun"
    assert ret.fields["Review Summary"]["review_date"] == dt.date(2004, 4, 21)
    [action] = ret.rows["Review Summary"]
    assert action.values["due"] == "End March 2005" and action.values["key_contact"] == "Vera Gajic"
    assert not [p for p in ret.problems if p.severity == "error"]


def test_protection_and_drop_downs_survive_a_libreoffice_resave(filled: Path, tmp_path: Path) -> None:
    [resaved] = convert([filled], FILTERS["xlsx"], tmp_path / "x", tmp_path / "profile")
    ws = openpyxl.load_workbook(resaved)["Progress Tracker"]
    assert ws.protection.sheet
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any("Largely achieved" in (dv.formula1 or "") for dv in lists)
    assert openpyxl.load_workbook(resaved)["KCP identity"].sheet_state == "hidden"


def test_consolidated_workbook_renders(review, filled: Path, tmp_path: Path) -> None:
    from kcp_sheets.consolidate import write_plan

    plan = write_plan(check_returns(review, [filled]), tmp_path / "out")
    [pdf] = convert([plan], "pdf", tmp_path / "pdf", tmp_path / "profile")
    pages, landscape = pdf_pages(pdf)
    assert landscape and pages >= 10


def system_python_with_uno() -> str:
    """Debian's python3 with python3-uno; skip (or, in CI, fail) without it."""
    import os
    import shutil as sh

    for candidate in ("/usr/bin/python3", sh.which("python3") or ""):
        if (
            candidate
            and subprocess.run([candidate, "-c", "import uno"], capture_output=True, check=False).returncode == 0
        ):
            return candidate
    if os.environ.get("KCP_REQUIRE_LIBREOFFICE"):
        pytest.fail("python3-uno is required here but not installed")
    pytest.skip("python3-uno is not installed: apt-get install python3-uno")


def test_typed_in_libreoffice_and_saved_in_three_formats_reads_back_exactly(
    review, plans, outbox: Path, tmp_path: Path
) -> None:
    import json

    soffice()
    python = system_python_with_uno()
    plan = plans["HW"]
    sent = outbox / plan.file_name
    ws = openpyxl.load_workbook(sent)["Progress Tracker"]
    header = plan.spec.main_table().table.header_row
    column = {c.value: c.column_letter for c in ws[header]}
    row = {c.value: c.row for c in ws["A"] if c.value}
    summary = openpyxl.load_workbook(sent)["Review Summary"]
    label_row = {c.value: c.row for c in summary["A"] if c.value}
    score = column["Co-ordinator's score (5-1)"]
    typing = [
        ["Progress Tracker", f"{column['Progress this year']}{row['HW-01']}", "Three groups run; 62 quitters."],
        ["Progress Tracker", f"{score}{row['HW-01']}", "4 - Largely achieved"],
        ["Progress Tracker", f"{column['Agreed score (5-1)']}{row['HW-01']}", "5 - Achieved"],
        ["Progress Tracker", f"{column['Case study']}{row['HW-01']}", "Yes"],
        ["Progress Tracker", f"{score}{row['HW-02']}", 3],
        ["Progress Tracker", f"{column['Issue']}{row['HW-NEW-01']}", "Loneliness among older men"],
        ["Progress Tracker", f"{column['Action required']}{row['HW-NEW-01']}", "Men's sheds pilot"],
        ["Progress Tracker", f"{score}{row['HW-NEW-01']}", "2 - Little progress"],
        ["Review Summary", f"B{label_row['Special achievements']}", "Stop-smoking groups in three languages"],
    ]
    plan_file = tmp_path / "typing.json"
    plan_file.write_text(json.dumps(typing))
    done = subprocess.run(
        [python, str(Path(__file__).parent / "lo_type.py"), str(sent), str(tmp_path / "typed"), str(plan_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for fmt in ("xlsx", "ods", "xls"):
        [ret] = check_returns(review, [tmp_path / f"typed.{fmt}"]).returns
        rows = {r.id: r for r in ret.rows["Progress Tracker"]}
        assert rows["HW-01"].values["progress"] == "Three groups run; 62 quitters.", fmt
        assert (
            rows["HW-01"].values["coordinator_score"],
            rows["HW-01"].values["agreed_score"],
            rows["HW-01"].values["case_study"],
        ) == (4, 5, True), fmt
        assert rows["HW-02"].values["coordinator_score"] == 3, fmt
        assert (
            rows["HW-NEW-01"].new
            and rows["HW-NEW-01"].values["action"] == "Men's sheds pilot"
            and rows["HW-NEW-01"].values["coordinator_score"] == 2
        ), fmt
        assert ret.fields["Review Summary"]["achievements"] == "Stop-smoking groups in three languages", fmt
        assert not [p for p in ret.problems if p.severity == "error"], (
            fmt,
            [p.message for p in ret.problems if p.severity == "error"],
        )
    resaved = openpyxl.load_workbook(tmp_path / "typed.xlsx")
    assert resaved["Progress Tracker"].protection.sheet and resaved["KCP identity"].sheet_state == "hidden"


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_notes_saved_by_libreoffice_are_read_with_their_cell(
    review, plans, outbox: Path, tmp_path: Path, fmt: str
) -> None:
    """Notes (comments) on cells, re-saved by LibreOffice: an .xlsx's
    comments part, an .ods's annotations, an .xls's NOTE records."""
    from test_reader import NOTES, with_notes

    plan = plans["SC"]
    noted = with_notes(
        fill_workbook(
            plan,
            outbox / plan.file_name,
            tmp_path / "noted.xlsx",
            {"Progress Tracker": {"SC-01": {"coordinator_score": 4}}},
        ),
        NOTES,
    )
    [resaved] = convert([noted], FILTERS[fmt], tmp_path / fmt, tmp_path / "profile")
    [ret] = check_returns(review, [resaved]).returns
    assert {p.cell: p.found for p in ret.problems if p.code == "cell-note"} == NOTES
