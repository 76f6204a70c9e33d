"""A generator of hostile and odd files for every format `check` accepts, and
of mutants of a valid return: what an inbox filled by e-mail may hold.

Each `Case` is a file name, its bytes and what the officer must be told about
it: the code of the error that refuses it, or None when it must be read as the
return it is. Files LibreOffice must make (.xls and .ods, with and without a
password) come from `libreoffice_cases`, which needs soffice.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

TESTS = Path(__file__).parent
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    expect: str | None  # the refusing error's code; None: read as the return it is
    warn: str | None = None  # a warning it must also carry


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def package(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def far_apart_xlsx() -> bytes:
    """Two values, in A1 and XFD1048576, and no <dimension> to warn of it."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "top left")
    sheet.write(1_048_575, 16_383, "bottom right")
    book.close()
    parts = parts_of(out.getvalue())
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"<dimension [^>]*/>", b"", parts["xl/worksheets/sheet1.xml"])
    return package(parts)


def implied_positions_xlsx() -> bytes:
    """Cells with no r attribute: a value in A1, then a row far down whose 3,000
    cells only their order places, out to column DKJ."""
    far = b'<row r="1048576">' + b"<c><v>1</v></c>" * 3000 + b"</row>"
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row><c><v>1</v></c></row>'.encode()
        + far
        + b"</sheetData></worksheet>"
    )
    return package(minimal_xlsx(sheet))


def minimal_xlsx(sheet: bytes) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types '
            b'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            b'ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL}"><sheets><sheet name="Data" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }


def relocated(data: bytes, entity_in_strings: bool = False) -> bytes:
    """The same workbook with its parts where the format allows but few programs
    put them: workbook, sheets and shared strings moved, found only by following
    the relationships (relative targets that climb out of the workbook's folder)."""
    parts = parts_of(data)
    moved = {
        "xl/workbook.xml": "book/main.xml",
        "xl/_rels/workbook.xml.rels": "book/_rels/main.xml.rels",
        "xl/sharedStrings.xml": "text/strings.xml",
        "xl/styles.xml": "look/styles.xml",
    }
    for n in [n for n in parts if n.startswith("xl/worksheets/")]:
        moved[n] = n.replace("xl/worksheets/", "data/")
    out = {moved.get(n, n): d for n, d in parts.items()}
    out["_rels/.rels"] = (
        parts["_rels/.rels"]
        .replace(b'Target="xl/workbook.xml"', b'Target="book/main.xml"')
        .replace(b'Target="/xl/workbook.xml"', b'Target="/book/main.xml"')
    )
    rels = parts["xl/_rels/workbook.xml.rels"]
    for old, new in moved.items():
        if old.startswith("xl/") and not old.startswith("xl/_rels") and old != "xl/workbook.xml":
            short = old[3:].encode()
            rels = rels.replace(b'Target="' + short + b'"', b'Target="../' + new.encode() + b'"').replace(
                b'Target="/' + old.encode() + b'"', b'Target="../' + new.encode() + b'"'
            )
    rels = rels.replace(b'Target="theme/', b'Target="../xl/theme/')
    out["book/_rels/main.xml.rels"] = rels
    types = parts["[Content_Types].xml"]
    for old, new in moved.items():
        types = types.replace(b'"/' + old.encode() + b'"', b'"/' + new.encode() + b'"')
    out["[Content_Types].xml"] = types
    if entity_in_strings:
        out["text/strings.xml"] = (
            '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><sst '
            f'xmlns="{MAIN_NS}"><si><t>&b;</t></si></sst>'
        ).encode()
    return package(out)


def with_macro_sheet(data: bytes) -> bytes:
    """An Excel 4.0 macro sheet added beside the workbook's own sheets."""
    parts = parts_of(data)
    book = parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = re.sub(
        rb"</(\w+:)?sheets>",
        lambda m: b'<sheet name="Macro1" sheetId="99" r:id="rIdMacro"/>' + m.group(0),
        book,
        count=1,
    )
    if b'xmlns:r="' not in parts["xl/workbook.xml"]:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"<workbook ", f'<workbook xmlns:r="{REL}" '.encode(), 1
        )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        (
            b'<Relationship Id="rIdMacro" '
            b'Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" '
            b'Target="macrosheets/sheet1.xml"/></Relationships>'
        ),
    )
    parts["xl/macrosheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><xm:macrosheet xmlns="{MAIN_NS}" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="str"><f>EXEC("calc.exe")</f><v></v></c></row><row r="2"><c r="A2" '
        't="str"><f>HALT()</f><v></v></c></row></sheetData></xm:macrosheet>'
    ).encode()
    return package(parts)


def xlsb() -> bytes:
    return package(
        {
            "[Content_Types].xml": (
                b'<?xml version="1.0"?><Types '
                b'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override '
                b'PartName="/xl/workbook.bin" '
                b'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0"?><Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{REL}/officeDocument" Target="xl/workbook.bin"/></Relationships>'
            ).encode(),
            "xl/workbook.bin": b"\x83\x01\x00\x9c\x01\x00",
        }
    )


def biff2() -> bytes:
    """An Excel 2.x worksheet: BOF, one number in B3, one label in A1, EOF."""
    records = [
        (0x0009, struct.pack("<HH", 0x0002, 0x0010)),
        (0x0003, struct.pack("<HH3sd", 2, 1, b"\x00\x00\x00", 42.0)),
        (0x0004, struct.pack("<HH3sB", 0, 0, b"\x00\x00\x00", 5) + b"Hello"),
        (0x000A, b""),
    ]
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


def repeated_ods() -> bytes:
    """A few hundred bytes that a reader expanding repeats turns into 17 billion values."""
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row '
        'table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return _ods({"content.xml": content.encode()})


def _ods(parts: dict[str, bytes], mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet") -> bytes:
    manifest = (
        (
            b'<?xml version="1.0"?><manifest:manifest '
            b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            b'manifest:full-path="/" manifest:media-type="'
        )
        + mimetype
        + b'"/></manifest:manifest>'
    )
    return package({"mimetype": mimetype, "META-INF/manifest.xml": manifest, **parts})


def encrypted_xlsx(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()


def cases(valid_xlsx: bytes) -> list[Case]:
    """Hostile and odd files made here, in Python, from one valid .xlsx return."""
    return [
        Case("far apart.xlsx", far_apart_xlsx(), "sheet-too-large"),
        Case("implied positions.xlsx", implied_positions_xlsx(), "sheet-too-large"),
        Case("relocated parts.xlsx", relocated(valid_xlsx), None),
        Case("relocated entity bomb.xlsx", relocated(valid_xlsx, entity_in_strings=True), "file-hostile"),
        Case("with an Excel 4 macro sheet.xlsm", with_macro_sheet(valid_xlsx), None, "file-macro-sheet"),
        Case("password.xlsx", encrypted_xlsx(valid_xlsx), "file-encrypted"),
        Case("binary.xlsb", xlsb(), "file-xlsb"),
        Case("binary named as.xlsx", xlsb(), "file-xlsb"),
        Case("half.xlsx", valid_xlsx[: len(valid_xlsx) // 2], "file-truncated"),
        Case(
            "letter.xlsx",
            package({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "file-not-spreadsheet",
        ),
        Case("excel 2.xls", biff2(), "file-old-excel"),
        Case("repeated values.ods", repeated_ods(), "sheet-too-large"),
        Case(
            "minutes.ods",
            _ods({"content.xml": b"<office:document-content/>"}, b"application/vnd.oasis.opendocument.text"),
            "file-not-spreadsheet",
        ),
        Case("return saved without extension", valid_xlsx, None),
        Case("notes", b"Scores to follow next week.\n", "file-not-spreadsheet"),
        Case(
            "excel 2003.xls",
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "file-unknown",
        ),  # read: it has no sheet of ours
        Case("web export.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "file-not-spreadsheet"),
        Case("empty.ods", b"", "file-empty"),
        Case("zip of returns.xlsx", package({"a.txt": b"x"}), "file-not-spreadsheet"),
    ]


def libreoffice_cases(valid_xlsx: bytes, work: Path) -> list[Case]:
    """Files LibreOffice saves: the return as .xls and .ods, each with a password
    to open, each with values in the four corners of a sheet, and cut short."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "return.xlsx").write_bytes(valid_xlsx)
    corners = work / "corners.xlsx"
    book = xlsxwriter.Workbook(str(corners))
    sheet = book.add_worksheet()
    for row, col in ((0, 0), (0, 255), (65_535, 0), (65_535, 255)):
        sheet.write(row, col, "corner")
    book.close()
    jobs = []
    for ext, kind in (("xls", "MS Excel 97"), ("ods", "calc8")):
        jobs += [
            [str(work / "return.xlsx"), str(work / f"return.{ext}"), kind, None],
            [str(work / "return.xlsx"), str(work / f"password.{ext}"), kind, "secret"],
            [str(corners), str(work / f"corners.{ext}"), kind, None],
        ]
    (work / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    subprocess.run(
        ["/usr/bin/python3", str(TESTS / "lo_save.py"), str(work / "jobs.json")], check=True, cwd=TESTS, timeout=300
    )
    found = []
    for ext in ("xls", "ods"):
        saved = (work / f"return.{ext}").read_bytes()
        found += [
            Case(f"return.{ext}", saved, None),
            Case(f"password.{ext}", (work / f"password.{ext}").read_bytes(), "file-encrypted"),
            Case(f"four corners.{ext}", (work / f"corners.{ext}").read_bytes(), "sheet-too-large"),
            Case(f"cut short.{ext}", saved[: len(saved) * 2 // 3], "file-truncated"),
        ]
    return found


def mutants(base: Case, count: int, seed: int) -> list[Case]:
    """Bytes of a file flipped, cut or repeated at random (seeded): damage of every kind."""
    rng = random.Random(seed)
    found: list[Case] = []
    if not base.data:
        return found
    stem, dot, ext = base.name.rpartition(".")
    for n in range(count):
        data = bytearray(base.data)
        how = rng.choice(("flip", "cut", "repeat", "zip-part"))
        if how == "flip":
            for _ in range(rng.randint(1, 12)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how == "cut":
            del data[rng.randrange(len(data)) :]
        elif how == "repeat":
            at = rng.randrange(len(data))
            data[at:at] = data[at : at + rng.randint(1, 4096)] * rng.randint(1, 50)
        elif data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(bytes(data))):
            parts = parts_of(bytes(data))
            name = rng.choice(sorted(parts))
            body = bytearray(parts[name])
            for _ in range(rng.randint(1, 6)):
                if body:
                    body[rng.randrange(len(body))] = rng.choice(b'<>"&/=0123456789 \x00\xff')
            parts[name] = bytes(body)
            data = bytearray(package(parts))
        found.append(Case(f"{stem} mutant {seed}-{n:03}.{ext}", bytes(data), None))
    return found
