"""Returns of a large inbox are read in worker processes with limits of their
own, after a cheap look at each file's structure: the look must never let
through a file the full inspection refuses, and a worker that takes too much
memory or CPU time must cost that file alone."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from corpus import MAIN_NS, cases, far_apart_xlsx, implied_positions_xlsx, minimal_xlsx, mutants, package

from kcp_sheets.check import check_returns
from kcp_sheets.formats import Facts, Refused, inspect
from kcp_sheets.formats.members import Unusual, unpacked
from kcp_sheets.glance import glance, vouched
from kcp_sheets.intake import Source
from kcp_sheets.read_workers import Limits, Reads, read_looked
from kcp_sheets.reader import read_source
from kcp_sheets.sent import SentWorkbooks


def said(look, data: bytes) -> tuple:  # noqa: ANN001
    """What a look says of a file, in the terms the reader acts on."""
    try:
        facts: Facts = look(data)
    except Refused as refused:
        return ("refused", refused.code, refused.facts)
    return (
        "read",
        facts.kind,
        [(s.name, s.kind, s.part) for s in facts.sheets],
        facts.formulas_or_errors,
        facts.macros,
        facts.package,
    )


def test_the_cheap_look_refuses_what_the_full_inspection_refuses_in_its_words(valid_xlsx: bytes) -> None:
    found = cases(valid_xlsx)
    found += [m for c in found if c.expect is None for m in mutants(c, 15, seed=30)]
    for case in found:
        assert said(glance, case.data) == said(inspect, case.data), case.name


def test_a_package_rewritten_for_the_library_is_the_same_bytes_each_time(valid_xlsx: bytes) -> None:
    """Its parts are dated as zipfile dates a part with no date, not with the
    time of writing: two inspections of one file agree to the byte."""
    rewritten = [c for c in cases(valid_xlsx) if c.name.startswith(("relocated parts", "with an Excel 4 macro"))]
    for case in rewritten:
        package = inspect(case.data).package
        assert package, case.name
        assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(package)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_cheap_look_vouches_for_a_plain_return_and_for_nothing_odd(valid_xlsx: bytes) -> None:
    """A return as sent and filled in takes the cheap path; far cells with no
    dimension, cells placed only by their order, and a dimension claiming the
    whole sheet take the full inspection."""
    looked = vouched(valid_xlsx)
    assert looked is not None and [s.name for s in looked.sheets] == [s.name for s in inspect(valid_xlsx).sheets]
    assert vouched(far_apart_xlsx()) is None
    assert vouched(implied_positions_xlsx()) is None
    assert all(vouched(c.data) is None for c in cases(valid_xlsx) if c.expect)


def test_a_formula_is_found_by_the_cheap_look_too(valid_xlsx: bytes, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(valid_xlsx))
    book["Progress Tracker"]["J6"] = "=2+1"
    book.save(tmp_path / "formula.xlsx")
    looked = vouched((tmp_path / "formula.xlsx").read_bytes())
    assert looked is not None and looked.formulas_or_errors
    plain = vouched(valid_xlsx)
    assert plain is not None and not plain.formulas_or_errors


def test_a_sheet_larger_than_its_dimension_says_is_refused_in_the_full_inspections_words(review, plans) -> None:  # noqa: ANN001
    """The cheap look takes a sheet's declared dimension at its word where no
    plain reference runs past it; the grid the library built is measured
    after, and one past the budget (here a cell whose second name, the one
    the library takes, is far) sends the file to the full inspection, whose
    refusal the officer reads."""
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1"/><sheetData>'
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="30000"><c r="A1" r="CV30000"><v>2</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    source = Source("understated.xlsx", package(minimal_xlsx(sheet)), dt.datetime.now(dt.UTC))
    sent = SentWorkbooks(list(plans.values()))
    assert vouched(source.data) is not None
    as_built = read_source(source, review, sent, look=glance)
    assert [p.code for p in as_built.problems] == ["sheet-too-large"]
    looked = read_looked(source, review, sent)
    full = read_source(source, review, sent)
    assert [p.message for p in looked.problems] == [p.message for p in full.problems]
    assert [p.code for p in full.problems] == ["sheet-too-large"]
    assert "30,000 rows by 100 columns (2 values)" in full.problems[0].message


def test_the_look_unpacks_a_part_as_zipfile_does_or_not_at_all(valid_xlsx: bytes) -> None:
    """Parts unpacked in one call from the package's bytes are zipfile's bytes;
    a part whose header or contents were damaged is not read at all."""
    archive = zipfile.ZipFile(io.BytesIO(valid_xlsx))
    for info in archive.infolist():
        assert unpacked(valid_xlsx, info, info.file_size) == archive.read(info)
        assert unpacked(valid_xlsx, info, 100) == archive.read(info)[:100]
    sheet = archive.getinfo("xl/worksheets/sheet2.xml")
    start = sheet.header_offset + 30 + len(sheet.orig_filename) + len(sheet.extra)
    for at in (sheet.header_offset, sheet.header_offset + 31, start + sheet.compress_size // 2):
        damaged = bytearray(valid_xlsx)
        damaged[at] ^= 0x55
        with pytest.raises(Unusual):
            unpacked(bytes(damaged), sheet, sheet.file_size)


def _flagged(data: bytes, part: str, bits: int, central: bool = True) -> bytes:
    """The package with flag bits added to a part's local header, and to its
    central directory entry unless `central` is False."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    out = bytearray(data)
    out[info.header_offset + 6 : info.header_offset + 8] = (info.flag_bits | bits).to_bytes(2, "little")
    at = data.find(b"PK\x01\x02")
    while central and at >= 0:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == part.encode():
            out[at + 8 : at + 10] = (info.flag_bits | bits).to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(out)


@pytest.mark.parametrize("bits", [0x20, 0x40])
def test_a_part_zipfile_will_not_unpack_for_its_flags_is_not_unpacked_by_the_look(valid_xlsx: bytes, bits: int) -> None:
    """Compressed patched data (flag bit 5) and strong encryption (bit 6) are
    refused by zipfile, so by the full inspection: the look must not read
    such a part either, and the officer reads the full inspection's words."""
    for part in ("xl/workbook.xml", "docProps/app.xml"):
        flagged = _flagged(valid_xlsx, part, bits)
        with pytest.raises(Unusual):
            unpacked(flagged, zipfile.ZipFile(io.BytesIO(flagged)).getinfo(part), 100)
        assert vouched(flagged) is None, part
        assert said(glance, flagged) == said(inspect, flagged)


def test_a_local_name_is_decoded_as_its_own_header_says_as_zipfile_decodes_it() -> None:
    """A name marked UTF-8 in the central directory but not in its local
    header is read by zipfile in the old code page, so it does not match and
    zipfile will not unpack it: nor does the look."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/média.xml", b"<x/>")
    data = out.getvalue()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/média.xml")
    assert unpacked(data, info, 100) == b"<x/>"
    local = bytearray(data)
    local[info.header_offset + 6 : info.header_offset + 8] = (info.flag_bits & ~0x800).to_bytes(2, "little")
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(bytes(local))).read(info.filename)
    with pytest.raises(Unusual):
        unpacked(bytes(local), info, 100)


def test_a_part_whose_offset_zipfile_cannot_seek_to_is_not_read_from_the_end_instead(valid_xlsx: bytes) -> None:
    """A directory that says it starts past where it does gives every part a
    negative offset: zipfile cannot read there, and the full inspection
    refuses the file; counted from the end of the bytes, the same offsets
    would find the parts, so the look must not count them so."""
    end = valid_xlsx.rfind(b"PK\x05\x06")
    moved = bytearray(valid_xlsx)
    offset = int.from_bytes(valid_xlsx[end + 16 : end + 20], "little")
    moved[end + 16 : end + 20] = (offset + len(valid_xlsx)).to_bytes(4, "little")
    data = bytes(moved)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/workbook.xml")
    assert info.header_offset < 0
    with pytest.raises(Unusual):
        unpacked(data, info, 100)
    assert vouched(data) is None
    assert said(glance, data) == said(inspect, data)
    assert said(inspect, data)[1] == "file-truncated"


@pytest.mark.parametrize("target", ["worksheets/x/../sheet1.xml", "./worksheets/sheet1.xml", "worksheets//sheet1.xml"])
def test_a_target_the_library_would_join_as_written_is_left_to_the_full_inspection(target: str) -> None:
    """The look checks the part a target resolves to; the library reads the
    part named as the target is written, which may be another one."""
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1"/><sheetData/></worksheet>'
    parts = minimal_xlsx(sheet.encode())
    rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(b"worksheets/sheet1.xml", target.encode())
    parts["xl/" + target] = sheet.replace("<sheetData/>", "<sheetData><row r='1'/></sheetData>").encode()
    data = package(parts)
    assert vouched(data) is None
    assert said(glance, data) == said(inspect, data)


def test_a_part_that_ends_before_the_size_its_directory_gives_is_not_read_in_part(valid_xlsx: bytes) -> None:
    """A part whose directory claims more than it holds, with a checksum that
    does not match: zipfile, reaching the end of its data even while reading
    only its head, checks the checksum and refuses it, so the full inspection
    refuses the file; the look must not take the shorter head unchecked."""
    info = zipfile.ZipFile(io.BytesIO(valid_xlsx)).getinfo("docProps/app.xml")
    data = bytearray(valid_xlsx)
    fields = (100_000).to_bytes(4, "little"), (info.CRC ^ 1).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26], data[info.header_offset + 14 : info.header_offset + 18] = (
        fields
    )
    at = valid_xlsx.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(valid_xlsx[at + 28 : at + 30], "little")
        if valid_xlsx[at + 46 : at + 46 + length] == b"docProps/app.xml":
            data[at + 24 : at + 28], data[at + 16 : at + 20] = fields
        at = valid_xlsx.find(b"PK\x01\x02", at + 4)
    short = bytes(data)
    assert zipfile.ZipFile(io.BytesIO(short)).getinfo("docProps/app.xml").file_size == 100_000
    with pytest.raises(Unusual):
        unpacked(short, zipfile.ZipFile(io.BytesIO(short)).getinfo("docProps/app.xml"), 64 * 1024)
    assert vouched(short) is None
    assert said(glance, short) == said(inspect, short)
    assert said(inspect, short)[1] == "file-truncated"


def test_an_entity_in_a_utf16_part_is_refused_by_the_look_as_by_the_full_inspection() -> None:
    """A part in UTF-16 hides '<!ENTITY' from a search for its bytes; the full
    inspection writes it as UTF-8 first and refuses it. The look leaves it to
    that, rather than vouch for a file whose properties a parser would then
    read with its entities expanded."""
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1"/><sheetData/></worksheet>'
    core = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE c [<!ENTITY y "2020">]><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dcterms="http://purl.org/dc/terms/"><dcterms:modified>&y;-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    )
    parts = minimal_xlsx(sheet.encode())
    parts["docProps/core.xml"] = core.encode("utf-16")
    data = package(parts)
    assert vouched(data) is None
    assert said(glance, data) == said(inspect, data)
    assert said(inspect, data)[1] == "file-hostile"


def test_a_package_the_full_inspection_rewrites_is_left_to_it(valid_xlsx: bytes) -> None:
    """A part named twice, or named with backslashes beside its '/' name: the
    full inspection rewrites the package keeping the first of each name,
    while the look and the library would read the last."""
    parts = {
        i.filename: zipfile.ZipFile(io.BytesIO(valid_xlsx)).read(i)
        for i in zipfile.ZipFile(io.BytesIO(valid_xlsx)).infolist()
    }
    for name in ("xl\\worksheets\\sheet2.xml", "xl/worksheets/sheet2.xml"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the name written twice: the point
            archive.writestr(name, parts["xl/worksheets/sheet2.xml"].replace(b"<sheetData>", b"<sheetData/><x>", 1))
            for part, body in parts.items():
                archive.writestr(part, body)
        data = out.getvalue()
        assert vouched(data) is None, name
        assert said(glance, data) == said(inspect, data), name


@pytest.mark.parametrize(
    "far",
    [
        b'<c r="CV30000"></c>',
        b'<c r="CV30000"><v></v></c>',
        b'<c r="CV30000"><f>1+1</f></c>',
        b'<c r="cv30000"></c>',
        b"<c r='CV30000'></c>",
        b'<c\tr="CV30000"></c>',
        b'<c r="&#67;V30000"></c>',
    ],
)
def test_a_far_cell_the_library_leaves_out_is_refused_as_the_full_inspection_refuses_it(
    review,  # noqa: ANN001
    plans,  # noqa: ANN001
    far: bytes,
) -> None:
    """A cell with no value past the declared dimension: the full inspection
    counts it, so the sheet is too large; the library leaves it out, so the
    grids as built fit. The look must not vouch for the file, or the worker
    would read what the officer's own process refuses."""
    sheet = (
        (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1"/><sheetData>'
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="30000">'
        ).encode()
        + far
        + b"</row></sheetData></worksheet>"
    )
    source = Source("far.xlsx", package(minimal_xlsx(sheet)), dt.datetime.now(dt.UTC))
    sent = SentWorkbooks(list(plans.values()))
    assert vouched(source.data) is None
    full = read_source(source, review, sent)
    assert [p.code for p in full.problems] == ["sheet-too-large"]
    assert [p.message for p in read_looked(source, review, sent).problems] == [p.message for p in full.problems]


def _greedy(source, review, plans, **options):  # noqa: ANN001, ANN003, ANN202 - a reader that runs away on one file
    if source.name == "bomb.xlsx":
        held = bytearray(2 * 1024**3)  # 2 GB of address space, never touched
        del held
    if source.name == "spin.xlsx":
        stop = time.process_time() + 60
        while time.process_time() < stop:
            pass
    return read_source(source, review, plans, **options)


@pytest.mark.parametrize("name", ["bomb.xlsx", "spin.xlsx"])
def test_a_worker_past_its_memory_or_cpu_limit_costs_that_file_alone(
    review, valid_xlsx: bytes, tmp_path: Path, name: str
) -> None:
    names = [name, *(f"return {n}.xlsx" for n in range(5))]
    for each in names:
        (tmp_path / each).write_bytes(valid_xlsx)
    reads = Reads(parallel_from=1, reader=_greedy, limits=Limits(memory_mb=512, cpu_seconds=1))
    result = check_returns(review, [tmp_path / n for n in names], reads=reads)
    failed = {p.file: p.message for p in result.all_problems() if p.code == "file-read-failed"}
    assert sorted(failed) == [name]
    assert ("MemoryError" if name == "bomb.xlsx" else "stopped") in failed[name]
    assert sorted(r.source.name for r in result.returns if r.cluster == "ET") == sorted(names[1:])


def _dies_after_the_cheap_look(source, review, plans, **options):  # noqa: ANN001, ANN003, ANN202 - a library that crashes on one file
    if source.name == "crashes.xlsx" and options.get("look") is glance:
        os._exit(9)
    return read_source(source, review, plans, **options)


def test_a_file_whose_worker_died_is_read_again_alone_fully_inspected(
    review, valid_xlsx: bytes, tmp_path: Path
) -> None:
    """Which file a dead worker was reading is unknown: the files it had in
    flight are each read again alone, with the full inspection, and the rest
    by a new pool. Here the full read succeeds, so nothing is lost."""
    names = [f"return {n:02d}.xlsx" for n in range(10)]
    names.insert(3, "crashes.xlsx")
    for each in names:
        (tmp_path / each).write_bytes(valid_xlsx)
    reads = Reads(parallel_from=1, reader=_dies_after_the_cheap_look, in_flight=1)
    result = check_returns(review, [tmp_path / n for n in names], reads=reads)
    assert [p for p in result.all_problems() if p.code == "file-read-failed"] == []
    assert sorted(r.source.name for r in result.returns if r.cluster == "ET") == sorted(names)
