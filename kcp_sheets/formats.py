"""What a returned file really is, read from its own structure before any
spreadsheet library sees it.

The file's name is not trusted: the bytes say whether it is an .xlsx package,
an .xls compound file (formats_xls), an OpenDocument spreadsheet, an .xlsb, a
workbook from Excel 2-4, a password-protected workbook of any kind, a
spreadsheet saved as one XML or text file (formats_flat), or something else.
For what can be read, the parts actually used are found by following the
package's relationships (not fixed paths, in any letter case), checked for
entity tricks and size, and every sheet's real extent is measured from its
cells (never from a declared dimension), so an absurd sheet is refused before
a grid is built. Only a real hazard is refused where a reader could read the
file: what a program merely wrote its own way is read as the format means it.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED = 256 * 1024 * 1024  # the whole package, pictures included
MAX_PART = 64 * 1024 * 1024  # one part a parser reads (a sheet, the shared strings)
MAX_RATIO = 200
MAX_PARTS = 2000
MAX_GRID_CELLS = 2_000_000  # rows x columns of every sheet of one file, as grids
MAX_SHARED_STRINGS = 2_000_000
CHUNK = 1024 * 1024
# What Python's zipfile raises on a damaged or unusual container.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError, NotImplementedError, KeyError)
# Formula or error cells in sheet XML: <f>, <f ...>, <f/>, <x:f> or <x:f ...>, t="e".
FORMULA_LEADS = ((b"<f", b"> /"), (b":f", b"> "))
UNIQUE_COUNT = re.compile(rb'uniqueCount="(\d+)"')
ENTITY = re.compile(rb"<!ENTITY")
DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[")  # a document type with declarations of its own

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = ("officeDocument",)
SHEET_KINDS = {"worksheet": "worksheet", "chartsheet": "chart", "dialogsheet": "dialog", "xlMacrosheet": "macro", "xlIntlMacrosheet": "macro"}
BIFF_OLD = {0x0009: "Excel 2", 0x0209: "Excel 3", 0x0409: "Excel 4"}  # BOF record ids of bare BIFF2-4 streams


@dataclass(frozen=True)
class SheetFacts:
    """One sheet as its file declares it, with the extent its cells really take."""

    name: str
    kind: str = "worksheet"  # worksheet, chart, dialog, macro (Excel 4 macros)
    rows: int = 0  # one past the last row holding a value
    cols: int = 0  # one past the last column holding a value
    cells: int = 0  # cells holding a value
    part: str = ""  # the package part of an .xlsx sheet
    formulas: set[tuple[int, int]] = field(default_factory=set)  # .ods cells holding a formula (0-based)

    @property
    def grid(self) -> int:
        """Cells in the grid from A1 to the farthest value."""
        return self.rows * self.cols


@dataclass
class Facts:
    """What inspection found in a file that may be parsed."""

    kind: str  # "xlsx", "xls" or "ods": the format to open it as
    sheets: list[SheetFacts] = field(default_factory=list)
    macros: bool = False
    formulas_or_errors: bool = False  # some .xlsx sheet holds <f> or t="e" cells
    package: bytes = b""  # the file as the reading library takes it (parts where it looks, names and XML normalised), if not as received
    cells: dict[str, Any] | None = None  # a flat file's sheets (formats_flat.Cells), read here: no library reads it
    parts_read: set[str] = field(default_factory=set)  # parts already checked whole


class Refused(Exception):
    """The file must not be parsed: the problem code, and the facts its message needs."""

    def __init__(self, code: str, **facts: str) -> None:
        super().__init__(code)
        self.code, self.facts = code, facts


def inspect(data: bytes) -> Facts:
    """The file's format and sheets; raises Refused with the one problem that says why not."""
    try:
        return _inspect(data)
    except (*ZIP_ERRORS, struct.error, UnicodeError):  # structure that contradicts itself
        raise Refused("file-truncated", detail="its structure contradicts itself, as a file cut short or damaged on the way does") from None


def _inspect(data: bytes) -> Facts:
    if not data:
        raise Refused("file-empty")
    if data.startswith(OLE_MAGIC):
        from .formats_xls import compound

        return compound(data)
    if data.startswith(ZIP_MAGIC):
        return _package(data)
    if len(data) >= 4 and struct.unpack_from("<H", data)[0] in BIFF_OLD and struct.unpack_from("<H", data, 2)[0] <= 32:
        raise Refused("file-old-excel", detail=BIFF_OLD[struct.unpack_from("<H", data)[0]])
    from .formats_flat import flat, other_program

    other_program(data)
    facts = flat(data)
    if facts is not None:
        return facts
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doc")) or b"<html" in head[:1024] or b"<table" in head[:1024]:
        raise Refused("file-not-spreadsheet", detail="a web page")
    if head.startswith(b"<"):
        raise Refused("file-not-spreadsheet", detail="an XML file")
    if head.startswith(b"%pdf"):
        raise Refused("file-not-spreadsheet", detail="a PDF document")
    if b"\x00" not in data[:4096]:
        raise Refused("file-not-spreadsheet", detail="a text file")
    raise Refused("file-not-spreadsheet", detail="an unknown kind of file")


# .xlsx and .ods: zip packages.
def _package(data: bytes, normalise: bool = True) -> Facts:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS:
        raise Refused("file-truncated", detail="its zip package is incomplete: the end of the file, which lists what is inside, is missing or broken") from None
    if len(infos) > MAX_PARTS:
        raise Refused("file-hostile", detail=f"{len(infos)} parts inside the file")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise Refused("file-hostile", detail=f"it would unpack to {total / 1024 / 1024:.1f} MB (a 'zip bomb')")
    names = {i.filename for i in infos}
    from .formats_flat import other_program
    from .formats_normal import normalised

    other_program(data, names)
    with archive:
        rewritten = normalised(archive, MAX_PART) if normalise else None
        if rewritten is not None:  # backslashes in its part names, or XML in UTF-16: inspected and read as the format writes them
            facts = _package(rewritten, normalise=False)
            facts.package = facts.package or rewritten
            return facts
        if "content.xml" in names or "mimetype" in names or "META-INF/manifest.xml" in names:
            return _opendocument(archive, names)
        if {"_rels/.rels", "[content_types].xml"} & {n.casefold() for n in names}:
            return _ooxml(archive, names)
    if any(n.startswith(("word/", "ppt/")) for n in names):
        raise Refused("file-not-spreadsheet", detail="a Word or PowerPoint document")
    raise Refused("file-not-spreadsheet", detail="a zip archive of other files")


def _read_part(archive: zipfile.ZipFile, part: str, limit: int = MAX_PART) -> bytes:
    """A small part, whole, after the checks every part a parser reads must pass."""
    try:
        with _open_part(archive, part, limit) as stream:
            data = stream.read(limit + 1)
    except ZIP_ERRORS:
        raise Refused("file-truncated", detail=f"the part {part} inside it cannot be unpacked") from None
    no_entities(part, data[: 64 * 1024])
    return data


def _open_part(archive: zipfile.ZipFile, part: str, limit: int = MAX_PART):  # noqa: ANN202 - a zip stream
    try:
        info = archive.getinfo(part)
    except KeyError:
        raise Refused("file-truncated", detail=f"the part {part} is missing") from None
    if info.file_size > limit:
        raise Refused("file-hostile", detail=f"{part} would unpack to {info.file_size / 1024 / 1024:.1f} MB")
    if info.flag_bits & 0x1:
        raise Refused("file-encrypted")
    try:
        return archive.open(info)
    except ZIP_ERRORS:
        raise Refused("file-truncated", detail=f"the part {part} inside it cannot be unpacked") from None


def _head(archive: zipfile.ZipFile, part: str) -> bytes:
    try:
        with archive.open(part) as stream:
            return stream.read(64 * 1024)
    except ZIP_ERRORS as exc:
        if "encrypted" in str(exc).lower():
            raise Refused("file-encrypted") from None
        raise Refused("file-truncated", detail=f"the part {part} inside it cannot be unpacked") from None


def no_entities(part: str, head: bytes) -> None:
    """Refuses XML that declares an entity (the way to expand a few bytes into
    gigabytes, or to read another file), or whose own declarations run past
    the head so they cannot be checked; a DOCTYPE line alone is no hazard."""
    if ENTITY.search(head):
        raise Refused("file-hostile", detail=f"{part} declares XML entities")
    subset = DOCTYPE_SUBSET.search(head)
    if subset and b"]" not in head[subset.end() :]:
        raise Refused("file-hostile", detail=f"{part} declares a document type too long to check")


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part's bytes in chunks, each starting where a tag starts: bounded memory for any size."""
    carry = b""
    try:
        with _open_part(archive, part) as stream:
            first = True
            while True:
                block = stream.read(CHUNK)
                if first:
                    no_entities(part, block[: 64 * 1024])
                    first = False
                if not block:
                    break
                block = carry + block
                cut = block.rfind(b"<")
                if cut <= 0:
                    carry = block
                    if len(carry) > 4 * CHUNK:
                        raise Refused("file-hostile", detail=f"{part} holds no XML structure")
                    continue
                carry = block[cut:]
                yield block[:cut]
    except ZIP_ERRORS:
        raise Refused("file-truncated", detail=f"the part {part} inside it cannot be unpacked") from None
    if carry:
        yield carry


_ATTRIBUTES: dict[bytes, re.Pattern[bytes]] = {}


def _attribute(attrs: bytes, name: bytes) -> bytes | None:
    pattern = _ATTRIBUTES.get(name)
    if pattern is None:
        pattern = _ATTRIBUTES[name] = re.compile(rb"(?:^|[\s])(?:[\w.-]+:)?" + name + rb'\s*=\s*["\']([^"\']*)["\']')
    match = pattern.search(attrs)
    return match.group(1) if match else None


def _actual(names: set[str], part: str) -> str:
    """The part as the package names it: Excel finds parts whatever their letter case."""
    if part in names:
        return part
    folded = part.casefold()
    return next((n for n in names if n.casefold() == folded), part)


def _relationships(archive: zipfile.ZipFile, names: set[str], part: str, recased: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(id, type, target part) of a part's relationships; targets resolved as
    the format says, in the letter case the package uses (those whose case
    differs from what was written are added to `recased`)."""
    base, file = posixpath.split(part)
    rels = _actual(names, posixpath.join(base, "_rels", file + ".rels"))
    if rels not in names:
        return []
    found = []
    for match in re.finditer(rb"<(?:\w+:)?Relationship\b([^<>]*)>", _read_part(archive, rels, 8 * 1024 * 1024)):
        attrs = match.group(1)
        if (_attribute(attrs, b"TargetMode") or b"").lower() == b"external":
            continue
        target = (_attribute(attrs, b"Target") or b"").decode("utf-8", "replace")
        rel_id = (_attribute(attrs, b"Id") or b"").decode("utf-8", "replace")
        rel_type = (_attribute(attrs, b"Type") or b"").decode("utf-8", "replace").rsplit("/", 1)[-1]
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        written = _unquote(resolved)
        actual = _actual(names, written)
        if actual != written and recased is not None:
            recased.append(written)
        found.append((rel_id, rel_type, actual))
    return found


def _unquote(part: str) -> str:
    from urllib.parse import unquote

    return unquote(part)


def _ooxml(archive: zipfile.ZipFile, names: set[str]) -> Facts:
    recased: list[str] = []
    book_part = next((t for _, kind, t in _relationships(archive, names, "", recased) if kind in OFFICE_DOCUMENT), None)
    if book_part is None or book_part not in names:  # no relationship to it, or one to where it is not: found as Excel finds it
        book_part = _book_by_type(archive, names)
    if book_part is None:
        if any(n.startswith(("word/", "ppt/")) for n in names):
            raise Refused("file-not-spreadsheet", detail="a Word or PowerPoint document")
        raise Refused("file-truncated", detail="it holds no workbook part, only the package around one")
    if book_part.lower().endswith(".bin"):
        raise Refused("file-xlsb")
    rels = {rel_id: (kind, target) for rel_id, kind, target in _relationships(archive, names, book_part, recased)}
    book = _read_part(archive, book_part)
    facts = Facts("xlsx", macros=any(n.lower().endswith("vbaproject.bin") for n in names))
    unread: list[tuple[int, int]] = []  # <sheet> entries the library would refuse the whole file for
    for match in re.finditer(rb"<(?:\w+:)?sheet\b([^<>]*)>", book):
        attrs = match.group(1)
        sheet_name = _xml_text(_attribute(attrs, b"name") or b"")
        kind, target = rels.get((_attribute(attrs, b"id") or b"").decode("utf-8", "replace"), ("", ""))
        if target not in names or SHEET_KINDS.get(kind) in (None, "macro"):
            if attrs.rstrip().endswith(b"/"):
                unread.append(match.span())
            facts.sheets.append(SheetFacts(sheet_name, SHEET_KINDS.get(kind, "missing") if target in names else "missing"))
            continue
        facts.sheets.append(_xlsx_extent(archive, sheet_name, SHEET_KINDS[kind], target, facts))
    # The reading library also looks at the usual paths whatever the relationships say.
    strings = {t for k, t in rels.values() if k == "sharedStrings"} | {"xl/sharedStrings.xml"}
    for part, head in _xml_heads(archive, names - facts.parts_read):
        count = UNIQUE_COUNT.search(head[:4096]) if part in strings else None
        if count and int(count.group(1)) > MAX_SHARED_STRINGS:
            raise Refused("file-hostile", detail=f"{int(count.group(1)):,} shared strings")
    usual = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    if unread or recased or book_part != "xl/workbook.xml" or any(not _plain_target(book_part, t) or usual.get(k, t) != t for k, t in rels.values()):
        for start, end in reversed(unread):
            book = book[:start] + book[end:]
        facts.package = _for_library(archive, book_part, book, rels)
    return facts


BOOK_TYPES = (b"spreadsheetml.sheet.main", b"spreadsheetml.template.main", b"ms-excel.sheet.macroEnabled.main", b"ms-excel.template.macroEnabled.main", b"ms-excel.sheet.binary.main")


def _book_by_type(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The workbook part by its declared content type, else by its usual name
    in any letter case or folder: where the package's relationships do not lead to it."""
    types = _actual(names, "[Content_Types].xml")
    if types in names:
        for match in re.finditer(rb"<(?:\w+:)?Override\b([^<>]*)>", _read_part(archive, types, 8 * 1024 * 1024)):
            if any(kind in (_attribute(match.group(1), b"ContentType") or b"") for kind in BOOK_TYPES):
                part = _actual(names, _unquote((_attribute(match.group(1), b"PartName") or b"").decode("utf-8", "replace").lstrip("/")))
                if part in names:
                    return part
    usual = sorted(n for n in names if posixpath.basename(n).casefold() in ("workbook.xml", "workbook.bin") and "_rels" not in n)
    return usual[0] if usual else None


def _plain_target(book_part: str, target: str) -> bool:
    """Whether the reading library finds this part: beside or below the workbook."""
    return target.startswith(posixpath.dirname(book_part) + "/")


def _xml_text(raw: bytes) -> str:
    import html

    return html.unescape(raw.decode("utf-8", "replace"))


CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^<>]*)>")
CELL_REF = re.compile(rb'\br\s*=\s*"([A-Z]{1,3})(\d+)"')
ROW_REF = re.compile(rb'\br\s*=\s*"(\d+)"')
# Both start with a literal, so the scan runs at C speed.
PLACED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
# Every placed cell in one pass: a cell with a value gives its reference and
# ">", a <c .../> (a style and no value) gives empty strings.
PLACED_CELLS = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^<>]*(?<!/)(>)|<c r="[A-Z]{1,3}\d+"[^<>]*/>')
ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b([^<>]*)>")


def _formula_or_error(chunk: bytes) -> bool:
    """Whether sheet XML holds a formula or error cell. Each lead is found at C
    speed and only what follows it looked at, since <firstHeader> and
    <formula1> start the same way in every sheet that has them."""
    for lead, ends in FORMULA_LEADS:
        at = chunk.find(lead)
        while at >= 0:
            after = chunk[at + 2 : at + 3]
            if after and after in ends:
                return True
            at = chunk.find(lead, at + 2)
    return b' t="e"' in chunk


def _xlsx_extent(archive: zipfile.ZipFile, name: str, kind: str, part: str, facts: Facts) -> SheetFacts:
    """A sheet part's extent from its cells, in bounded memory: where every cell
    says where it is (the usual case) from the references alone, in C; where
    some do not, by walking the tags and counting their implied positions."""
    rows = cols = cells = 0
    row, col = -1, -1  # the position of the last cell seen, for cells that do not say theirs
    for chunk in _chunks(archive, part):
        # Chunks end where a tag starts, so no mark is cut in two.
        if not facts.formulas_or_errors:
            facts.formulas_or_errors = _formula_or_error(chunk)
        tags = PLACED_CELLS.findall(chunk)  # (letters, digits, ">") for a cell with a value, empty for <c .../>
        if len(tags) == chunk.count(b"<c ") + chunk.count(b"<c>") and b":c " not in chunk and b":c>" not in chunk:
            valued = [tag for tag in tags if tag[2]]
            if valued:
                widest = max({tag[0] for tag in valued}, key=lambda s: (len(s), s))
                rows, cols, cells = max(rows, max(map(int, {tag[1] for tag in valued}))), max(cols, _col_number(widest)), cells + len(valued)
            last = chunk.rfind(b'<c r="')
            if tags:
                ref = PLACED_CELL.match(chunk, last)
                row, col = int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1
            last_row = ROW_TAG.match(chunk, max(0, chunk.rfind(b"<row")))
            if last_row is not None and (not tags or last_row.start() > last):
                ref = ROW_REF.search(last_row.group(1))
                row, col = (int(ref.group(1)) - 1 if ref else row + 1), -1
            continue
        for match in CELL_TAG.finditer(chunk):
            tag, attrs = match.groups()
            if tag == b"row":
                ref = ROW_REF.search(attrs)
                row, col = (int(ref.group(1)) - 1 if ref else row + 1), -1
                continue
            ref = CELL_REF.search(attrs)
            if ref:
                row, col = int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1
            else:
                col += 1
            if attrs.rstrip().endswith(b"/"):
                continue  # a cell with a style and no value
            rows, cols, cells = max(rows, row + 1), max(cols, col + 1), cells + 1
    facts.parts_read.add(part)
    return SheetFacts(name, kind, rows, cols, cells, part)


def _for_library(archive: zipfile.ZipFile, book_part: str, book: bytes, rels: dict[str, tuple[str, str]]) -> bytes:
    """The package as the reading library can take it: the workbook, shared
    strings and styles where it looks for them, every other relationship of
    the workbook as an absolute target, and no <sheet> entry it would refuse
    the whole file for (Excel 4 macro sheets, sheets whose part is missing).
    The cells are the same bytes; only addresses and that list change."""
    usual = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    moved = {book_part: "xl/workbook.xml"} | {t: usual[k] for k, t in rels.values() if k in usual and t in archive.namelist()}
    book_rels = posixpath.join(posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels")
    lines = "".join(f'<Relationship Id="{_xml_escape(i)}" Type="{REL}{_xml_escape(k)}" Target="/{_xml_escape(moved.get(t, t))}"/>' for i, (k, t) in rels.items())
    skip = {*moved, *moved.values(), book_rels, "_rels/.rels", "xl/_rels/workbook.xml.rels"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in archive.infolist():
            if info.filename not in skip:
                package.writestr(info.filename, archive.read(info))
        for old, new in moved.items():
            package.writestr(new, book if old == book_part else archive.read(old))
        package.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{lines}</Relationships>')
        package.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}officeDocument" Target="xl/workbook.xml"/></Relationships>')
    return out.getvalue()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


MAX_FORMULA_CELLS = 100_000  # formula cells marked per sheet; a workbook of ours has none typed
ODS_TAG = re.compile(rb"<(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)([\s/][^<>]*)?>")


def _opendocument(archive: zipfile.ZipFile, names: set[str]) -> Facts:
    if "META-INF/manifest.xml" in names:
        manifest = _read_part(archive, "META-INF/manifest.xml", 8 * 1024 * 1024)
        if b"encryption-data" in manifest:
            raise Refused("file-encrypted")
    if "mimetype" in names:
        kind = _read_part(archive, "mimetype", 1024).strip()
        if kind and b"spreadsheet" not in kind:
            what = kind.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise Refused("file-not-spreadsheet", detail=f"an OpenDocument {what} file, not a spreadsheet")
    if "content.xml" not in names:
        raise Refused("file-truncated", detail="the content part is missing")
    sheets = _ods_extents(archive)
    for _ in _xml_heads(archive, names - {"content.xml"}):
        pass
    return Facts("ods", sheets, macros=any(n.startswith("Basic/") for n in names), package=_ods_as_the_library_reads(archive, names))


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Whitespace laid between a table's elements, or between a cell's paragraphs,
# by a program that indents its XML (Gnumeric does): no part of any text.
ODS_LAYOUT = re.compile(rb">[ \t\r\n]+(?=</?(?:table:[\w-]+|text:p)[\s/>])")


def _ods_as_the_library_reads(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    """The .ods as the reading library can read it, or b"" if it already can:
    its content without the layout whitespace between table elements (which
    the library takes for a cell and refuses), and with the mimetype entry a
    program may leave out (Google Docs does). Nothing anyone typed changes."""
    with _open_part(archive, "content.xml") as stream:
        head = stream.read(1024 * 1024)
    if "mimetype" in names and not ODS_LAYOUT.search(head):
        return b""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name in sorted(names - {"mimetype"}):
            data = _read_part(archive, name, MAX_UNZIPPED) if name == "content.xml" else archive.read(name)
            package.writestr(name, ODS_LAYOUT.sub(b">", data) if name == "content.xml" else data)
    return out.getvalue()


def _xml_heads(archive: zipfile.ZipFile, parts: set[str]) -> Iterator[tuple[str, bytes]]:
    """Every XML part not otherwise checked, refused if absurdly large or if it
    declares entities: whatever reads it (the library, or the file's properties)
    reads a checked part. Yields each with its first 64 KB."""
    for part in sorted(parts):
        if not part.lower().endswith((".xml", ".rels", ".vml", ".rdf")):
            continue
        size = archive.getinfo(part).file_size
        if size > MAX_PART:  # no XML part of a workbook is this large
            raise Refused("file-hostile", detail=f"{part} would unpack to {size / 1024 / 1024:.1f} MB")
        head = _head(archive, part)
        no_entities(part, head)
        yield part, head


def _ods_extents(archive: zipfile.ZipFile) -> list[SheetFacts]:
    """Each table's extent, with repeated rows and cells counted as what they become."""
    sheets: list[SheetFacts] = []
    name = ""
    rows = cols = cells = 0
    row = 0  # the first row of the current row element
    repeat = 1  # how many times the current row element stands
    row_cols = row_cells = col = 0
    in_table = False
    formulas: set[tuple[int, int]] = set()

    def end_row() -> None:
        nonlocal rows, cols, cells, row, row_cols, row_cells, col, repeat
        if row_cells:
            rows, cols, cells = max(rows, row + repeat), max(cols, row_cols), cells + row_cells * repeat
        row += repeat
        row_cols = row_cells = col = 0
        repeat = 0

    for chunk in _chunks(archive, "content.xml"):
        for match in ODS_TAG.finditer(chunk):
            tag, attrs = match.group(1), match.group(2) or b""
            if tag == b"table":
                if in_table:
                    end_row()
                    sheets.append(SheetFacts(name, "worksheet", rows, cols, cells, formulas=formulas))
                formulas = set()
                name = _xml_text(_attribute(attrs, b"name") or b"")
                rows = cols = cells = row = row_cols = row_cells = col = repeat = 0
                in_table = True
            elif tag == b"table-row":
                end_row()
                repeat = _repeat(attrs, b"number-rows-repeated")
            else:
                span = _repeat(attrs, b"number-columns-repeated")
                if b"value-type" in attrs or not attrs.rstrip().endswith(b"/"):
                    row_cols, row_cells = col + span, row_cells + span
                if b"formula" in attrs and _attribute(attrs, b"formula") is not None and len(formulas) < MAX_FORMULA_CELLS:
                    # Read as its value by the library; marked so the officer is told it was a formula.
                    formulas.update((r, c) for r in range(row, row + min(repeat, 64)) for c in range(col, col + min(span, 64)))
                col += span
    if in_table:
        end_row()
        sheets.append(SheetFacts(name, "worksheet", rows, cols, cells, formulas=formulas))
    return sheets


def _repeat(attrs: bytes, name: bytes) -> int:
    value = _attribute(attrs, name)
    return int(value) if value and value.isdigit() and len(value) < 10 else 1
