"""Returns as other spreadsheet programs save them, kept as files those
programs made (tests/saved_by/: LibreOffice, Gnumeric's ssconvert), so the
reader is tested against them without the programs installed: each is read
exactly as the workbook it was saved from, or refused with the exact words
that name it. Variants no program here writes (backslashes in part names,
UTF-16, Strict Open XML, a Mac code page) are made from those files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kcp_sheets.check import check_returns

SAVED_BY = Path(__file__).parent / "saved_by"
SOURCE = SAVED_BY / "hh-return-as-excel.xlsx"  # a return of the demo, as our writer and fill made it


def values(review, path: Path) -> tuple[dict[str, dict], list[str]]:
    [ret] = check_returns(review, [path]).returns
    return {r.id: r.values for r in ret.rows.get("Progress Tracker", [])}, sorted(
        p.code for p in ret.problems if p.severity == "error"
    )


def test_an_ods_saved_by_gnumeric_reads_as_the_workbook_it_was_saved_from(review, tmp_path: Path) -> None:
    """Gnumeric indents its XML; the reading library took the indent between cells for a cell
    and refused every .ods Gnumeric saves as 'damaged'."""
    expected, _ = values(review, SOURCE)
    got, errors = values(review, SAVED_BY / "hh-return-saved-by-gnumeric.ods")
    assert errors == [] and expected
    assert {k: v.get("progress") for k, v in got.items()} == {k: v.get("progress") for k, v in expected.items()}
    assert {k: v.get("coordinator_score") for k, v in got.items()} == {
        k: v.get("coordinator_score") for k, v in expected.items()
    }


def test_an_ods_without_its_mimetype_entry_is_read(review, tmp_path: Path) -> None:
    """Google Docs leaves the mimetype entry out of the .ods it saves."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(SAVED_BY / "hh-return-saved-by-gnumeric.ods") as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            if info.filename != "mimetype":
                copy.writestr(info.filename, source.read(info.filename))
    path = tmp_path / "no mimetype.ods"
    path.write_bytes(out.getvalue())
    got, errors = values(review, path)
    assert errors == [] and got


@pytest.mark.parametrize(
    "saved",
    [
        "hh-return-saved-by-libreoffice.fods",  # LibreOffice: File > Save As > Flat XML ODF Spreadsheet
        "hh-return-as-excel-2003-xml.xml",  # Excel's XML Spreadsheet 2003, by LibreOffice's own export stylesheet
        "hh-return-saved-by-gnumeric.gnumeric",  # Gnumeric's own format: gzipped XML
    ],
)
def test_a_workbook_saved_as_one_xml_file_reads_as_the_workbook_it_was_saved_from(review, saved: str) -> None:
    expected, _ = values(review, SOURCE)
    got, errors = values(review, SAVED_BY / saved)
    assert errors == [] and expected
    for column in ("progress", "coordinator_score", "agreed_score"):
        assert {k: v.get(column) for k, v in got.items()} == {k: v.get(column) for k, v in expected.items()}


@pytest.mark.parametrize(
    "saved",
    [
        "hh-return-progress-tracker.csv",  # LibreOffice: File > Save As > Text CSV, the Progress Tracker sheet alone
        "hh-return-progress-tracker-unicode-text.txt",  # the same as Excel's "Unicode Text": UTF-16, tab-delimited
    ],
)
def test_a_csv_of_the_tracker_sheet_is_read_by_its_headers_and_says_what_it_lacks(review, saved: str) -> None:
    expected, _ = values(review, SOURCE)
    [ret] = check_returns(review, [SAVED_BY / saved]).returns
    got = {r.id: r.values for r in ret.rows.get("Progress Tracker", [])}
    assert ret.cluster == "HH"
    assert {k: v.get("coordinator_score") for k, v in got.items()} == {
        k: v.get("coordinator_score") for k, v in expected.items()
    }
    codes = {p.code: p for p in ret.problems}
    assert "file-csv" in codes and "identity-missing" in codes
    assert codes["sheet-missing"].sheet == "Review Summary"


@pytest.mark.parametrize(
    ("saved", "what"),
    [
        ("hh-return-saved-by-gnumeric.slk", "This is a SYLK file"),
        ("hh-return-saved-by-gnumeric.dif", "This is a DIF file"),
    ],
)
def test_sylk_and_dif_are_named_with_what_to_ask_for(review, saved: str, what: str) -> None:
    [ret] = check_returns(review, [SAVED_BY / saved]).returns
    [refusal] = ret.problems
    assert refusal.code == "file-other-format" and refusal.message.startswith(what)
    assert "Excel Workbook (.xlsx)" in refusal.ask


def test_an_xls_with_a_mac_code_page_is_read_by_the_second_reader(review) -> None:
    """LibreOffice's .xls with the code page Excel for Mac writes (Mac Central European,
    0x272D): the first reader stops at 'Codepage 272D not found', Excel opens it."""
    expected, _ = values(review, SOURCE)
    got, errors = values(review, SAVED_BY / "hh-return-mac-code-page.xls")
    assert errors == [] and expected
    assert {k: (v.get("progress"), v.get("coordinator_score")) for k, v in got.items()} == {
        k: (v.get("progress"), v.get("coordinator_score")) for k, v in expected.items()
    }


def rewritten(name_of, content_of=lambda name, data: data) -> bytes:
    """The source return's package with its part names or contents changed as another program writes them."""
    out = io.BytesIO()
    with zipfile.ZipFile(SOURCE) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(name_of(info.filename), content_of(info.filename, source.read(info.filename)))
    return out.getvalue()


def utf16(name: str, data: bytes) -> bytes:
    if not name.endswith((".xml", ".rels")):
        return data
    return data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def elsewhere(name: str, data: bytes) -> bytes:
    """The root relationship to the workbook points where it is not: found by its content type."""
    return data.replace(b'Target="xl/workbook.xml"', b'Target="xl/book.xml"') if name == "_rels/.rels" else data


@pytest.mark.parametrize(
    ("variant", "package"),
    [
        ("backslashes", lambda: rewritten(lambda n: n.replace("/", "\\"))),
        (
            "other letter case",
            lambda: rewritten(
                lambda n: n.replace("xl/worksheets/sheet", "XL/Worksheets/Sheet").replace(
                    "xl/workbook.xml", "xl/Workbook.xml"
                )
            ),
        ),
        ("UTF-16", lambda: rewritten(lambda n: n, utf16)),
        ("relationship elsewhere", lambda: rewritten(lambda n: n, elsewhere)),
    ],
)
def test_a_package_excel_opens_is_read_whatever_its_part_names_case_or_encoding(
    review, tmp_path: Path, variant: str, package
) -> None:
    expected, _ = values(review, SOURCE)
    path = tmp_path / f"{variant}.xlsx"
    path.write_bytes(package())
    got, errors = values(review, path)
    assert errors == [] and expected
    assert {k: (v.get("progress"), v.get("coordinator_score")) for k, v in got.items()} == {
        k: (v.get("progress"), v.get("coordinator_score")) for k, v in expected.items()
    }


def with_sheet_offsets(path: Path, move) -> Path:
    """The .xls with each sheet's declared offset (BOUNDSHEET) changed by `move(offset, bof_size, stream_size)`."""
    import struct

    import olefile

    ole = olefile.OleFileIO(str(path), write_mode=True)
    book = bytearray(ole.openstream("Workbook").read())
    pos = 0
    while pos + 4 <= len(book):
        kind, size = struct.unpack_from("<HH", book, pos)
        if kind == 0x000A:
            break
        if kind == 0x0085:
            offset = struct.unpack_from("<I", book, pos + 4)[0]
            struct.pack_into(
                "<I", book, pos + 4, move(offset, 4 + struct.unpack_from("<H", book, offset + 2)[0], len(book))
            )
        pos += 4 + size
    ole.write_stream("Workbook", bytes(book))
    ole.close()
    return path


def test_an_xls_whose_sheet_offsets_miss_their_bof_is_read_as_the_reader_reads_it(review, tmp_path: Path) -> None:
    """Offsets that lead just past each sheet's BOF record: the reader reads the records there as the sheet."""
    path = tmp_path / "offsets.xls"
    path.write_bytes((SAVED_BY / "hh-return-saved-by-libreoffice.xls").read_bytes())
    expected, _ = values(review, SOURCE)
    got, errors = values(review, with_sheet_offsets(path, lambda offset, bof, _: offset + bof))
    assert errors == [] and {k: v.get("coordinator_score") for k, v in got.items()} == {
        k: v.get("coordinator_score") for k, v in expected.items()
    }


def test_an_xls_that_makes_the_reader_panic_is_refused_in_plain_words(review, tmp_path: Path) -> None:
    """Offsets past the end of the stream: the first reader panics
    (index out of range), the second cannot read it either."""
    path = tmp_path / "past.xls"
    path.write_bytes((SAVED_BY / "hh-return-mac-code-page.xls").read_bytes())
    [ret] = check_returns(review, [with_sheet_offsets(path, lambda _o, _b, size: size + 1000)]).returns
    [refusal] = ret.problems
    assert refusal.code == "file-truncated" and "workbook stream does not follow the format" in refusal.message
    assert not any(word in refusal.message.lower() for word in ("panic", "index", "slice", "exception"))


def test_a_gnumeric_file_of_the_old_format_is_read_with_its_formulas_marked() -> None:
    """Gnumeric's own invoice template (/usr/share/gnumeric), written in the
    format before 1.0: another namespace, each value in a Content element."""
    from kcp_sheets.formats import inspect

    facts = inspect((SAVED_BY / "gnumeric-old-format-invoice-template.gnumeric").read_bytes())
    [sheet] = facts.sheets
    cells = facts.cells["Invoice"]
    assert (sheet.name, sheet.rows, sheet.cols) == ("Invoice", 52, 13)
    assert cells[(1, 3)] == "Company Name" and cells[(2, 12)] == 100.0
    assert (17, 12) in sheet.formulas and cells[(17, 12)] == '=if(A18<>"",A18*L18,"")'


def test_a_sheet_the_first_reader_fails_on_is_read_by_the_second(review, tmp_path: Path) -> None:
    """A cell reference with no row ('J0') stops the first reader ('Range is missing
    the expected row component'); openpyxl reads the sheet, as Excel's own readers do."""
    expected, _ = values(review, SOURCE)
    path = tmp_path / "no row.xlsx"
    path.write_bytes(
        rewritten(
            lambda n: n, lambda n, d: d.replace(b'<c r="J6"', b'<c r="J0"') if n == "xl/worksheets/sheet2.xml" else d
        )
    )
    got, errors = values(review, path)
    assert errors == [] and {k: v.get("progress") for k, v in got.items()} == {
        k: v.get("progress") for k, v in expected.items()
    }


def test_a_workbook_saved_as_strict_open_xml_is_read_with_its_formulas_marked(review, tmp_path: Path) -> None:
    """Excel's File > Save As > Strict Open XML Spreadsheet: the same parts, other namespaces."""

    def strict(name: str, data: bytes) -> bytes:
        data = data.replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        )
        data = data.replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        )
        return (
            data.replace(b'<c r="L6" s="9" t="n"><v>', b'<c r="L6" s="9" t="n"><f>1+1</f><v>')
            if name == "xl/worksheets/sheet2.xml"
            else data
        )

    expected, _ = values(review, SOURCE)
    path = tmp_path / "strict.xlsx"
    path.write_bytes(rewritten(lambda n: n, strict))
    [ret] = check_returns(review, [path]).returns
    assert {r.id: r.values.get("coordinator_score") for r in ret.rows["Progress Tracker"]} == {
        k: v.get("coordinator_score") for k, v in expected.items()
    }
    assert [p.cell for p in ret.problems if p.code == "formula"] == ["L6"]
