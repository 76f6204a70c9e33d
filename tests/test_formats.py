"""What a file is and how far its sheets really spread, read from its own
structure: the facts the reader relies on before any library parses it."""

from __future__ import annotations

import io

import pytest
from corpus import (
    MAIN_NS,
    _ods,
    biff2,
    far_apart_xlsx,
    minimal_xlsx,
    package,
    parts_of,
    relocated,
    repeated_ods,
    with_macro_sheet,
    xlsb,
)

from kcp_sheets.formats import Refused, inspect


def sheet_xml(cells: str) -> bytes:
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension '
        f'ref="A1:B2"/><sheetData>{cells}</sheetData></worksheet>'
    ).encode()


def extent(cells: str) -> tuple[int, int, int]:
    [sheet] = inspect(package(minimal_xlsx(sheet_xml(cells)))).sheets
    return sheet.rows, sheet.cols, sheet.cells


def refused(data: bytes) -> tuple[str, dict[str, str]]:
    with pytest.raises(Refused) as caught:
        inspect(data)
    return caught.value.code, caught.value.facts


def test_extent_comes_from_the_cells_not_the_declared_dimension() -> None:
    assert extent('<row r="3"><c r="B3"><v>1</v></c></row><row r="700"><c r="AA700" t="s"><v>0</v></c></row>') == (
        700,
        27,
        2,
    )


def test_a_cell_with_a_style_and_no_value_does_not_widen_the_sheet() -> None:
    assert extent('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576" s="3"/></row>') == (1, 1, 1)


def test_attributes_in_any_order_or_with_slashes_cannot_hide_a_far_cell() -> None:
    assert extent('<row r="1"><c r="A1"><v>1</v></c><c r="XFD9" odd="a/b"><v>1</v></c></row>') == (9, 16384, 2)
    assert extent('<row r="1"><c s="1" r="A1"><v>1</v></c><c t="n" r="Z99"><v>1</v></c></row>') == (99, 26, 2)


def test_cells_that_do_not_say_where_they_are_are_placed_by_their_order() -> None:
    assert extent(
        "<row><c><v>1</v></c><c><v>2</v></c></row>"
        '<row r="5"><c r="C5"><v>3</v></c><c><v>4</v></c></row><row><c/><c><v>5</v></c></row>'
    ) == (6, 4, 5)


def test_the_farthest_cell_is_found_whichever_order_the_rows_come_in() -> None:
    assert extent('<row r="9"><c r="B9"><v>1</v></c></row><row r="2"><c r="C2"><v>1</v></c></row>') == (9, 3, 2)


def test_far_apart_values_with_no_dimension() -> None:
    [sheet] = inspect(far_apart_xlsx()).sheets
    assert (sheet.rows, sheet.cols, sheet.cells) == (1_048_576, 16_384, 2)


def test_repeated_opendocument_cells_count_as_what_they_become() -> None:
    [sheet] = inspect(repeated_ods()).sheets
    assert (sheet.rows, sheet.cols) == (1_048_576, 16_384) and sheet.cells == 1_048_576 * 16_384


def test_relocated_parts_are_found_and_handed_on_where_the_library_looks(plans, outbox) -> None:
    data = (outbox / plans["ET"].file_name).read_bytes()
    facts = inspect(relocated(data))
    assert [s.part for s in facts.sheets][:2] == ["data/sheet1.xml", "data/sheet2.xml"]
    assert facts.package and facts.sheets[1].cells > 50


def test_an_excel_4_macro_sheet_is_named_and_kept_from_the_library(plans, outbox) -> None:
    facts = inspect(with_macro_sheet((outbox / plans["ET"].file_name).read_bytes()))
    assert [s.name for s in facts.sheets if s.kind == "macro"] == ["Macro1"]
    assert b"Macro1" not in parts_of(facts.package)["xl/workbook.xml"]


def test_kinds_of_file_told_apart() -> None:
    assert refused(xlsb())[0] == "file-xlsb"
    assert refused(biff2()) == ("file-old-excel", {"detail": "Excel 2"})
    assert refused(b"")[0] == "file-empty"
    assert refused(b"%PDF-1.4 ...")[1] == {"detail": "a PDF document"}
    assert refused(b"\x00\x00\x02\x00\x06\x04\x06\x00" + bytes(40))[0] == "file-other-format"
    assert "Lotus 1-2-3" in refused(b"\x00\x00\x1a\x00\x00\x10\x04\x00" + bytes(40))[1]["detail"]
    numbers = refused(package({"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": b"bplist00"}))
    assert numbers[1]["detail"] == "an Apple Numbers file" and "Export To > Excel" in numbers[1]["how"]
    assert (
        refused(package({"index.xml.gz": b"\x1f\x8b", "QuickLook/Thumbnail.jpg": b""}))[1]["detail"]
        == "an Apple Numbers file"
    )  # Numbers '09
    assert refused(b"notes for the meeting\nbring the minutes\n")[1] == {"detail": "a text file"}


def test_a_doctype_that_declares_no_entity_is_no_hazard_and_one_that_does_is() -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE worksheet PUBLIC "-//x//DTD y//EN" "y.dtd">'
    [sheet] = inspect(package(minimal_xlsx(doctype + sheet_xml('<row r="3"><c r="B3"><v>1</v></c></row>')[21:]))).sheets
    assert (sheet.rows, sheet.cols) == (3, 2)
    subset = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>'
    assert inspect(package(minimal_xlsx(subset + sheet_xml("")[21:]))).sheets
    assert (
        refused(package(minimal_xlsx(b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "b">]>' + sheet_xml("")[21:])))[0]
        == "file-hostile"
    )
    unclosed = b'<?xml version="1.0"?><!DOCTYPE w [' + b"<!-- x -->" * 10_000
    assert refused(package(minimal_xlsx(unclosed + sheet_xml("")[21:])))[0] == "file-hostile"


def test_a_gzip_that_would_unpack_beyond_the_limit_is_refused_unread() -> None:
    import gzip

    from kcp_sheets.formats.flat import gunzip

    bomb = gzip.compress(b"\0" * 1_000_000)
    assert gunzip(bomb, limit=1_000_000) == b"\0" * 1_000_000
    with pytest.raises(Refused) as caught:
        gunzip(bomb, limit=999_999)
    assert caught.value.code == "file-hostile"
    with pytest.raises(Refused) as caught:
        gunzip(bomb[: len(bomb) // 2])
    assert caught.value.code == "file-truncated"


def test_a_utf16_csv_and_an_excel_2003_xml_in_utf16_are_read() -> None:
    facts = inspect("ID\tIssue\tScore\nHH-01\tDamp\t4\n".encode("utf-16"))
    assert facts.kind == "csv" and facts.cells[facts.sheets[0].name].values() == {
        (0, 0): "ID",
        (0, 1): "Issue",
        (0, 2): "Score",
        (1, 0): "HH-01",
        (1, 1): "Damp",
        (1, 2): "4",
    }
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    )
    xml += (
        '<Worksheet ss:Name="S"><Table><Row ss:Index="2"><Cell ss:Index="3"><Data '
        'ss:Type="Number">4</Data></Cell></Row></Table></Worksheet></Workbook>'
    )
    facts = inspect(xml.encode("utf-16"))
    assert [(s.name, s.rows, s.cols) for s in facts.sheets] == [("S", 2, 3)] and facts.cells["S"].values() == {
        (1, 2): 4.0
    }


UNCLOSED_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from corpus import MAIN_NS, _ods, minimal_xlsx, package
from kcp_sheets.formats import Refused, inspect

N = 70_000  # about 1 MB of tags each: a scan that goes back to each tag's start takes hours
sheet = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'.encode() + b'<c r="A1" t="s"' * N
ods = (
    b'<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet>'
    b'<table:table table:name="S"><table:table-row>' + b'<table:table-cell office:value-type="string"' * N
)
plain = minimal_xlsx(f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>'.encode())
rels = plain["xl/_rels/workbook.xml.rels"].replace(
    b"</Relationships>", b'<Relationship Id="x" Target="y"' * N + b"</Relationships>"
)
plain_rels = {**plain, "xl/_rels/workbook.xml.rels": rels}
for data in (package(minimal_xlsx(sheet)), _ods({"content.xml": ods}), package(plain_rels)):
    try:
        facts = inspect(data)
        print("read", [(s.rows, s.cols, s.cells) for s in facts.sheets])
    except Refused as refused:
        print("refused", refused.code)
"""


def test_tags_that_never_close_are_scanned_in_bounded_time() -> None:
    """A damaged or hostile part whose tags never close (a megabyte of '<c r="A1"'
    with no '>') once made every tag's scan run to the end of the part: hours
    for one file, and the whole check with it. A tag cannot hold '<', so each
    scan now stops at the next tag."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", UNCLOSED_PROBE, str(Path(__file__).parent)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith(("read", "refused")) for line in lines), lines


def test_damage_is_said_in_plain_words_not_the_library_s() -> None:
    whole = package(minimal_xlsx(sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')))
    assert refused(whole[: len(whole) // 2]) == (
        "file-truncated",
        {
            "detail": (
                "its zip package is incomplete: the end of the file, which lists what is inside, is missing or broken"
            )
        },
    )
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)) == (
        "file-truncated",
        {"detail": "the Office container around the workbook is broken"},
    )


def test_an_ods_macro_library_s_doctype_line_is_no_hazard() -> None:
    """LibreOffice writes this DOCTYPE at the head of every Basic library it saves."""
    library = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD '
        b'OfficeDocument 1.0//EN" "library.dtd">\n<library:library '
        b'xmlns:library="http://openoffice.org/2000/library" library:name="Standard"/>'
    )
    content = (
        b'<office:document-content xmlns:office="o" xmlns:table="t"><office:body><office:spreadsheet><table:table '
        b'table:name="S"/></office:spreadsheet></office:body></office:document-content>'
    )
    facts = inspect(_ods({"content.xml": content, "Basic/Standard/script-lb.xml": library}))
    assert facts.macros and [s.name for s in facts.sheets] == ["S"]


def test_a_flat_file_s_cells_are_kept_only_while_its_grid_fits() -> None:
    """Past the room left, only the extent is counted: the sheet is refused by it, in bounded memory."""
    from kcp_sheets.formats.flat import Cells

    cells = Cells(room=9)
    for n in range(3):
        cells[(n, n)] = "x"
    cells[(-1, 4)] = "before A1"
    assert cells.values() == {(0, 0): "x", (1, 1): "x", (2, 2): "x"}
    for n in range(3, 10):
        cells[(n, n)] = "x"
    assert cells.values() == {} and (cells.rows, cells.cols, cells.count) == (10, 10, 10)
    small = Cells(room=100)
    small[(1, 2)] = 4.0
    assert small.grid() == [["", "", ""], ["", "", 4.0]]


def test_a_word_document_renamed_xlsx_is_named_a_word_document(tmp_path) -> None:  # noqa: ANN001
    """python-docx's own template carries stray spreadsheet parts; the package's
    main part (word/document.xml) says what the file is."""
    import docx

    document = docx.Document()
    document.add_paragraph("Our return is attached.")
    document.save(tmp_path / "return.docx")
    with pytest.raises(Refused) as refused:
        inspect((tmp_path / "return.docx").read_bytes())
    assert refused.value.code == "file-not-spreadsheet" and "Word" in refused.value.facts["detail"]


def test_error_and_formula_marks_of_a_sheet_parsed_whole_are_those_read_event_by_event() -> None:
    """A small sheet is parsed whole in C rather than event by event; where the
    two could differ (a worksheet element inside the sheet, a cell written
    twice) it is read event by event."""
    from kcp_sheets.formats.sheet_xml import _marks_streamed, _marks_whole

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    cells = '<c r="A1" t="e"><v>#REF!</v></c><c r="B1"><f>1+1</f><v>2</v></c><c r="C2" t="e"><f>1/0</f></c>'
    sheets = {
        "plain": f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>',
        "strict": f'<worksheet xmlns="{strict}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>',
        "prefixed": f'<x:worksheet xmlns:x="{main}"><x:sheetData><x:row r="1">'
        + cells.replace("<", "<x:").replace("<x:/", "</x:")
        + "</x:row></x:sheetData></x:worksheet>",
        "twice": f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}<c r="A1" t="e"><v>#N/A</v></c>'
        "</row></sheetData></worksheet>",
        "nested": f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}</row></sheetData>'
        f'<worksheet xmlns="{strict}"/></worksheet>',
    }
    expected = ({(0, 0): "#REF!", (1, 2): "#ERROR"}, {(0, 1), (1, 2)})
    for name, text in sheets.items():
        xml = text.encode()
        streamed = _marks_streamed(io.BytesIO(xml))
        whole = _marks_whole(xml)
        assert whole is None if name in ("twice", "nested") else whole == streamed == expected, name
    assert _marks_streamed(io.BytesIO(sheets["twice"].encode()))[0][(0, 0)] == "#N/A"


@pytest.mark.parametrize(
    "cell",
    [
        b'<c\tr="CV30000"><v>2</v></c>',
        b'<c\nr="CV30000"><v>2</v></c>',
        b"<c r='CV30000'><v>2</v></c>",
        b"<c r = 'CV30000'><v>2</v></c>",
        b'<c s="0"\tr="CV30000"><v>2</v></c>',
        b'<c r="cv30000"><v>2</v></c>',
        b'<c r="&#67;V30000"><v>2</v></c>',
        b'<c r="A1" r="CV30000"><v>2</v></c>',
        b'<c r="A1" s="0"r="CV30000"><v>2</v></c>',
    ],
)
def test_a_cell_placed_in_any_way_the_library_reads_is_measured_where_the_library_puts_it(cell: bytes) -> None:
    """The reading library takes a cell's place in either quotes, in letters
    of either case, after any whitespace, from a character reference (the
    second reader) and from the last of two names: the inspection measures
    the sheet as far, so that no grid is built past the budget unmeasured."""
    sheet = (
        (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="30000">'
        ).encode()
        + cell
        + b"</row></sheetData></worksheet>"
    )
    [measured] = inspect(package(minimal_xlsx(sheet))).sheets
    assert (measured.rows, measured.cols) == (30000, 100)


HEAD = 64 * 1024  # of a part, what the inspection searches for declarations


def _declaring(prolog: bytes) -> bytes:
    """A workbook whose sheet starts with `prolog`, then a document type that
    declares an entity its first cell uses."""
    body = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c>'
    body += "</row></sheetData></worksheet>"
    return package(minimal_xlsx(prolog + b'<!ENTITY e "declared past the head">]>' + body.encode()))


def test_a_document_type_whose_declarations_run_past_the_head_is_refused() -> None:
    """Declarations are searched for in a part's first 64 KB: a document type
    that starts across that boundary, or whose ']' seen in the head is in a
    comment or a literal, or that follows a long comment, declares what the
    search did not see. The parser would still read it."""
    start = b'<?xml version="1.0"?>'
    across = start + b" " * (HEAD - len(start) - 4) + b"<!DOCTYPE worksheet ["
    assert across.index(b"<!DOCTYPE") < HEAD < across.index(b"<!DOCTYPE") + 9
    prologs = {
        "across the boundary": across,
        "a ']' in a comment": start + b"<!DOCTYPE worksheet [<!-- ] -->" + b" " * HEAD,
        "a ']' in a literal": start + b"<!DOCTYPE worksheet [<!ATTLIST c x CDATA ']>'>" + b" " * HEAD,
        "after a long comment": start + b"<!--" + b" " * HEAD + b"--><!DOCTYPE worksheet [",
    }
    for name, prolog in prologs.items():
        assert refused(_declaring(prolog)) == (
            "file-hostile",
            {"detail": "xl/worksheets/sheet1.xml declares a document type too long to check"},
        ), name


def test_a_long_part_with_a_short_prolog_is_read_as_before() -> None:
    """The prolog of a part longer than the head is read whole when it ends in
    the head: a document type with a comment, a literal and a ']' of its own."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 4000))
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    prolog = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n'
    doctype = b"<!DOCTYPE worksheet [<!-- ] --><!ATTLIST c x CDATA ']>'>]>\n"
    for head in (prolog, prolog + doctype):
        assert len(head + sheet) > HEAD
        [measured] = inspect(package(minimal_xlsx(head + sheet))).sheets
        assert (measured.rows, measured.cols) == (3999, 1)


@pytest.mark.parametrize(
    "target",
    ["worksheets/x/../sheet1.xml", "./worksheets/sheet1.xml", "worksheets//sheet1.xml", "worksheets/sheet%31.xml"],
)
def test_the_library_reads_the_sheet_that_was_measured_whatever_its_target_says(target: str) -> None:
    """A relative target the format resolves ('.', '..', '//', escapes) the
    reading library joins as written: where a part of that literal name is
    also in the package, it would read that part, never measured. The
    package is then rewritten for it, with the target the inspection followed."""
    import zipfile

    import python_calamine

    def sheet(far: str) -> bytes:
        return (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            f"{far}</sheetData></worksheet>"
        ).encode()

    parts = minimal_xlsx(sheet(""))
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(b"worksheets/sheet1.xml", target.encode())
    parts["xl/" + target] = sheet('<row r="30000"><c r="CV30000"><v>2</v></c></row>')
    [measured] = inspect(package(parts)).sheets
    read = inspect(package(parts)).package or package(parts)
    assert zipfile.ZipFile(io.BytesIO(read)).namelist()
    grid = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(read)).get_sheet_by_name("Data").to_python()
    assert (len(grid), max(map(len, grid))) == (measured.rows, measured.cols)
