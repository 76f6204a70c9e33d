"""Notes and comments on cells: what people write beside a cell rather than
in it ("see attached", "score agreed by phone"). The reading library gives
cell values only, so the notes are read from the file's own parts, after
`formats.inspect` has checked them: in .xlsx the sheet's comments part
(legacy notes) and its threaded comments, in .ods the cells' annotations,
in .xls (BIFF8) each sheet's NOTE records and the text boxes they name."""

from __future__ import annotations

import io
import posixpath
import struct
import xml.etree.ElementTree as ET  # noqa: N817 - parts were checked for entity declarations first
import zipfile
from collections.abc import Iterator

from ..cellref import a1
from ..formats import ZIP_ERRORS, Facts, Refused, no_entities
from ..formats.zipsafe import HEAD

Note = tuple[str, int, int, str]  # sheet, row, column (0-based), the note's whole text
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
THREADED = "{http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments}"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"
MAX_PART = 16 * 1024 * 1024  # a notes part larger than this is no person's notes


def cell_notes(data: bytes, facts: Facts) -> list[Note]:
    """Every note on every sheet, in the order the file keeps them; [] if there are none or they cannot be read."""
    if facts.kind == "xls":
        try:
            return _xls(data)
        except Exception:  # noqa: BLE001 - olefile raises many kinds on a damaged container; the values are read all the same
            return []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data)) if facts.archive is None else facts.archive  # opened by the look?
        if facts.kind == "xlsx":
            return _xlsx(archive, {s.name: s.part for s in facts.sheets if s.part})
        if facts.kind == "ods":
            return _ods(archive)
    except (*ZIP_ERRORS, ET.ParseError, KeyError):
        return []
    return []


def _xlsx(archive: zipfile.ZipFile, parts: dict[str, str]) -> list[Note]:
    names = set(archive.namelist())
    notes: list[Note] = []
    for sheet, part in parts.items():
        rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels not in names:
            continue
        targets: dict[str, str] = {}
        for rel in ET.fromstring(_read(archive, rels)).iter(f"{RELS}Relationship"):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            )  # absolute, or beside the sheet
            if kind in ("comments", "threadedComment") and target in names:
                targets[kind] = target
        threaded: dict[str, str] = {}
        if "threadedComment" in targets:  # a thread: every reply, in order, under the cell it is on
            for comment in ET.fromstring(_read(archive, targets["threadedComment"])).iter(f"{THREADED}threadedComment"):
                text = "".join(comment.itertext()).strip()
                ref = comment.get("ref", "")
                threaded[ref] = f"{threaded[ref]}\n{text}" if ref in threaded else text
        seen = set()
        if "comments" in targets:
            for comment in ET.fromstring(_read(archive, targets["comments"])).iter(f"{MAIN}comment"):
                ref = comment.get("ref", "")
                text = (
                    threaded.get(ref) or "".join(t.text or "" for t in comment.iter(f"{MAIN}t")).strip()
                )  # Excel mirrors a thread as a note
                where = a1(ref)
                if where is not None and text:
                    notes.append((sheet, *where, text))
                    seen.add(ref)
        for ref, text in threaded.items():
            where = a1(ref)
            if ref not in seen and where is not None and text:
                notes.append((sheet, *where, text))
    return notes


def _ods(archive: zipfile.ZipFile) -> list[Note]:
    notes: list[Note] = []
    sheet, row, col = "", -1, 0
    stack: list[str] = []
    with archive.open("content.xml") as stream:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                stack.append(tag)
                if tag == f"{{{TABLE}}}table":
                    sheet, row = element.get(f"{{{TABLE}}}name", ""), -1
                elif tag == f"{{{TABLE}}}table-row":
                    row, col = row + 1, 0
                continue
            stack.pop()
            if tag == f"{{{OFFICE}}}annotation":
                lines = ["".join(p.itertext()) for p in element.iter(f"{{{TEXT}}}p")]
                text = "\n".join(lines).strip()
                if text:
                    notes.append((sheet, row, col, text))
            elif tag in (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"):
                col += int(element.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1)
                element.clear()
            elif tag == f"{{{TABLE}}}table-row":
                row += int(element.get(f"{{{TABLE}}}number-rows-repeated", "1") or 1) - 1
                element.clear()
    return notes


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    """A notes part, whole, after the checks every part a parser reads must pass (no entities)."""
    if archive.getinfo(name).file_size > MAX_PART:
        raise KeyError(name)
    data = archive.read(name)
    try:
        no_entities(name, data[:HEAD])
    except Refused:
        raise KeyError(name) from None
    return data


def _xls(data: bytes) -> list[Note]:
    """An .xls's notes: each sheet's NOTE record (cell and object id) and the
    text of the text box (TXO and its CONTINUE records) of that object."""
    import olefile

    ole = olefile.OleFileIO(data)
    stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
    if stream is None:
        return []
    book = ole.openstream(stream).read()
    sheets = []
    for kind, body in _biff(book, 0):
        if kind == 0x000A:  # the end of the workbook's globals
            break
        if kind == 0x0085 and len(body) >= 8 and body[5] == 0:  # BOUNDSHEET of a worksheet
            count, wide = body[6], body[7] & 1
            name = body[8 : 8 + count * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1", "replace")
            sheets.append((name, struct.unpack_from("<I", body)[0]))
    notes: list[Note] = []
    for name, offset in sheets:
        notes += [(name, row, col, text) for row, col, text in _xls_sheet_notes(book, offset)]
    return notes


def _xls_sheet_notes(book: bytes, offset: int) -> list[tuple[int, int, str]]:
    texts: dict[int, str] = {}
    obj, want, parts = -1, 0, []  # the object being read, the characters its text box holds, what is read of them
    found = []
    for kind, body in _biff(book, offset):
        if kind == 0x000A:
            break
        if kind == 0x005D and len(body) >= 6:  # OBJ: its first sub-record (ftCmo) holds the object's id
            obj = struct.unpack_from("<H", body, 6)[0] if len(body) >= 8 else -1
        elif kind == 0x01B6 and len(body) >= 12:  # TXO: the text follows in CONTINUE records
            want, parts = struct.unpack_from("<H", body, 10)[0], []
        elif kind == 0x003C and want and body:
            wide = body[0] & 1
            chars = body[1:].decode("utf-16-le" if wide else "latin-1", "replace")
            parts.append(chars[: want - sum(map(len, parts))])
            if sum(map(len, parts)) >= want:
                texts[obj], want = "".join(parts), 0
        elif kind == 0x001C and len(body) >= 8:  # NOTE: the cell and the object holding its text
            row, col, _, ident = struct.unpack_from("<HHHH", body)
            found.append((row, col, ident))
    return [
        (row, col, texts[ident].replace("\r\n", "\n").replace("\r", "\n").strip())
        for row, col, ident in found
        if texts.get(ident, "").strip()
    ]


def _biff(book: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """The type and body of each BIFF record from `pos`."""
    while pos + 4 <= len(book):
        kind, size = struct.unpack_from("<HH", book, pos)
        yield kind, book[pos + 4 : pos + 4 + size]
        pos += 4 + size
