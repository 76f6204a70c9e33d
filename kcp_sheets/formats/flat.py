"""Spreadsheets saved as one file of XML or text rather than a zip package,
and the formats of other programs that are named rather than read.

Read: LibreOffice's flat OpenDocument (.fods, handed on as the .ods it
stands for), Excel's "XML Spreadsheet 2003", Gnumeric's own .gnumeric
(gzipped XML) and a CSV of one sheet. Each is measured from its cells, as
every workbook is, before a grid is built. Named, with what to ask for:
SYLK, DIF, Lotus 1-2-3 and Apple Numbers files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET  # noqa: N817 - the head is checked for entity declarations first
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from .facts import MAX_FORMULA_CELLS, MAX_GRID_CELLS, MAX_UNZIPPED, Facts, Refused, SheetFacts
from .ods import ODS_MIMETYPE
from .zipsafe import HEAD, no_entities, undated

Package = Callable[[bytes], Facts]  # a zip package's facts: how a .fods is read, as the .ods it stands for

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
GNUMERIC = (b"http://www.gnumeric.org/", b"http://www.gnome.org/gnumeric/")  # its namespaces, from version 0.x to now
GZIP_MAGIC = b"\x1f\x8b"
MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/" '
    b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)
# Programs whose files are named, not read: what the file is, and how its sender saves it as .xlsx.
SAVE_AS = "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx) (File > Save As)"
NUMBERS_EXPORT = "open it in Numbers and use File > Export To > Excel"
LOTUS = {
    b"\x00\x00\x02\x00\x04\x04": "Lotus 1-2-3 (.wks)",
    b"\x00\x00\x02\x00\x06\x04": "Lotus 1-2-3 (.wk1)",
    b"\x00\x00\x1a\x00": "Lotus 1-2-3 (.wk3, .wk4 or .123)",
}


class Cells:
    """A sheet's cells as read, row by row as the grid will hold them. Kept
    only while the sheet's extent fits the `room` the file's other sheets
    left; past that only the extent is counted, and the sheet is refused by
    it as too large a grid, in bounded memory."""

    def __init__(self, room: int) -> None:
        self.room, self.rows, self.cols, self.count = room, 0, 0, 0
        self._rows: dict[int, list[Any]] = {}

    def __setitem__(self, where: tuple[int, int], value: Any) -> None:
        r, c = where
        if r < 0 or c < 0:  # nothing is placed before A1
            return
        self.rows, self.cols, self.count = max(self.rows, r + 1), max(self.cols, c + 1), self.count + 1
        if self.rows * self.cols <= self.room:
            row = self._rows.setdefault(r, [])
            row.extend([""] * (c + 1 - len(row)))
            row[c] = value
        elif self._rows:  # the sheet will be refused by its extent: what it held is let go
            self._rows.clear()

    def __getitem__(self, where: tuple[int, int]) -> Any:
        r, c = where
        row = self._rows.get(r, [])
        return row[c] if c < len(row) else ""

    @property
    def kept(self) -> int:
        """The grid cells these rows take."""
        return self.rows * self.cols

    def values(self) -> dict[tuple[int, int], Any]:
        """Every cell kept that holds something, by position."""
        return {(r, c): v for r, row in self._rows.items() for c, v in enumerate(row) if v != ""}

    def grid(self) -> list[list[Any]]:
        """The sheet from A1 to its farthest value: '' where nothing is."""
        return [self._rows.get(r, []) + [""] * (self.cols - len(self._rows.get(r, []))) for r in range(self.rows)]


def _sheet(facts: Facts) -> Cells:
    """An empty sheet, with the room the file's other sheets left."""
    return Cells(MAX_GRID_CELLS - sum(cells.kept for cells in (facts.cells or {}).values()))


def other_program(data: bytes, names: set[str] | None = None) -> None:
    """Refuses, naming it, a file another program saves that is not read."""
    if names is not None:
        if (
            any(n.startswith("Index/") and n.endswith(".iwa") for n in names)
            or {"Index.zip", "index.xml.gz", "index.xml"} & names
        ):  # Numbers 3 and later; Numbers '09
            raise Refused("file-other-format", detail="an Apple Numbers file", how=NUMBERS_EXPORT)
        return
    for magic, what in LOTUS.items():
        if data.startswith(magic):
            raise Refused("file-other-format", detail=f"a {what} spreadsheet", how=SAVE_AS)
    head = data[:64]
    if head.startswith(b"ID;P"):
        raise Refused(
            "file-other-format",
            detail="a SYLK file (one sheet of values in an old exchange format, without the workbook's other sheets)",
            how=SAVE_AS,
        )
    if re.match(rb"TABLE\r?\n0,1\r?\n", head):
        raise Refused(
            "file-other-format",
            detail="a DIF file (one sheet of values in an old exchange format, without the workbook's other sheets)",
            how=SAVE_AS,
        )


def flat(data: bytes, package: Package) -> Facts | None:
    """The facts of a flat spreadsheet file, or None if it is not one."""
    if data.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
                data, 4096
            )  # what it is, before all of it is unpacked
        except zlib.error:
            head = b""
        if not any(space in head for space in GNUMERIC):
            raise Refused("file-not-spreadsheet", detail="a compressed (gzip) file that is not a Gnumeric workbook")
        return _gnumeric(gunzip(data))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its mark: Excel's "Unicode Text", or XML
        return flat(_utf8(data), package)
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
            return _excel_2003(data)
        if b"opendocument" in text.lower() and b"office:document" in text and b"spreadsheet" in text:
            return _fods(data, package)
        if any(space in text for space in GNUMERIC):
            return _gnumeric(data)
        return None
    if b"\x00" not in data[:4096]:
        return _csv(data)
    return None


def _utf8(data: bytes) -> bytes:
    """UTF-16 text as UTF-8, its XML declaration (if any) saying so."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        raise Refused("file-not-spreadsheet", detail="a text file in a broken encoding") from None
    return re.sub(r"""^(<\?xml[^>]*?encoding=)["'][\w-]+["']""", r'\1"UTF-8"', text, count=1).encode("utf-8")


def gunzip(data: bytes, limit: int = MAX_UNZIPPED) -> bytes:
    """A gzip file's content, refused if it would unpack beyond what any workbook holds."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflate.decompress(data, limit + 1)
    except zlib.error:
        raise Refused("file-truncated", detail="its compressed content is damaged") from None
    if len(out) > limit:
        raise Refused(
            "file-hostile", detail=f"it would unpack to more than {limit / 1024 / 1024:.1f} MB (a 'zip bomb')"
        )
    if not inflate.eof:
        raise Refused("file-truncated", detail="its compressed content is cut short")
    return out


def _fods(data: bytes, package: Package) -> Facts:
    """A flat .fods, handed on as the .ods it is: the same XML as its content."""
    no_entities("the file", data[:HEAD])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as ods:
        ods.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        ods.writestr(undated("META-INF/manifest.xml"), MANIFEST)
        ods.writestr(undated("content.xml"), data)
    facts = package(out.getvalue())
    facts.package = facts.package or out.getvalue()
    return facts


def _events(data: bytes, drop: tuple[str, ...] = ("Cell", "Row")) -> Iterator[tuple[str, ET.Element]]:
    """ElementTree's start and end events, after the entity check; each cell
    and row is taken out of its parent once read, so memory stays flat
    however long the sheet."""
    no_entities("the file", data[:HEAD])
    parents: list[ET.Element] = []
    for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        if event == "start":
            yield event, element
            parents.append(element)
            continue
        parents.pop()
        yield event, element
        if parents and element.tag.rsplit("}", 1)[-1] in drop:
            parents[-1].remove(element)


def _measured(facts: Facts, name: str, cells: Cells, formulas: set[tuple[int, int]]) -> None:
    """A sheet read: its extent from its cells, kept for the grid."""
    facts.sheets.append(SheetFacts(name, "worksheet", cells.rows, cells.cols, cells.count, formulas=formulas))
    facts.cells[name] = cells


def _excel_2003(data: bytes) -> Facts:
    """Excel's XML Spreadsheet 2003: Worksheet > Table > Row > Cell > Data, positions 1-based where given."""
    facts = Facts("cells", cells={})
    name, cells, formulas = "", _sheet(facts), set()
    row = col = -1
    try:
        for event, element in _events(data):
            tag = element.tag
            if event == "start":
                if tag == f"{SS}Worksheet":
                    name, cells, formulas, row = element.get(f"{SS}Name", ""), _sheet(facts), set(), -1
                elif tag == f"{SS}Row":
                    row = int(element.get(f"{SS}Index", row + 2)) - 1
                    col = -1
                elif tag == f"{SS}Cell":
                    col = int(element.get(f"{SS}Index", col + 2)) - 1
                continue
            if tag == f"{SS}Data":
                cells[(row, col)] = _typed_2003(element.get(f"{SS}Type", "String"), "".join(element.itertext()))
            elif tag == f"{SS}Cell":
                if element.get(f"{SS}Formula") and len(formulas) < MAX_FORMULA_CELLS:
                    formulas.add((row, col))
                col += int(element.get(f"{SS}MergeAcross", 0))
                element.clear()
            elif tag == f"{SS}Worksheet":
                _measured(facts, name, cells, formulas)
                element.clear()
    except (ET.ParseError, ValueError) as exc:
        raise Refused("file-truncated", detail=f"its XML is broken or cut short near line {_line(exc)}") from None
    return facts


def _typed_2003(kind: str, text: str) -> Any:
    if kind == "Number":
        return float(text)
    if kind == "Boolean":
        return text.strip() == "1"
    if kind == "DateTime":
        when = dt.datetime.fromisoformat(text.strip()[:19])
        return when.date() if when.time() == dt.time() else when
    return text  # String, and Error as its text (#N/A ...)


GNUMERIC_TYPES = {"20": "bool", "30": "number", "40": "number", "50": "text", "60": "text"}  # 10: empty


def _gnumeric(data: bytes) -> Facts:
    """Gnumeric's XML, of any version: Sheet > Name, Cells > Cell (Row and Col
    0-based), its value as its text (or, before version 1.0, in a Content
    element, typed as the person typed it). An expression is kept without its
    value, so its text is shown and the cell marked as a formula."""
    facts = Facts("cells", cells={})
    name, cells, formulas = "", _sheet(facts), set()
    try:
        for event, element in _events(data):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "Sheet":
                    name, cells, formulas = "", _sheet(facts), set()
                continue
            if tag == "Name" and not name:
                name = element.text or ""
            elif tag == "Cell":
                where = (int(element.get("Row", "")), int(element.get("Col", "")))
                content = next((child.text or "" for child in element if child.tag.endswith("Content")), None)
                _gnumeric_cell(
                    cells,
                    formulas,
                    where,
                    element.get("ValueType"),
                    element.text or "" if content is None else content,
                    bool(element.get("ExprID")),
                )
                element.clear()
            elif tag == "Sheet":
                _measured(facts, name, cells, formulas)
                element.clear()
    except (ET.ParseError, ValueError) as exc:
        raise Refused("file-truncated", detail=f"its XML is broken or cut short near line {_line(exc)}") from None
    return facts


def _gnumeric_cell(
    cells: Cells,
    formulas: set[tuple[int, int]],
    where: tuple[int, int],
    value_type: str | None,
    text: str,
    shared: bool,
) -> None:
    kind = GNUMERIC_TYPES.get(value_type or "")
    if value_type is None and (text.startswith("=") or shared):
        if len(formulas) < MAX_FORMULA_CELLS:
            formulas.add(where)
        cells[where] = text
    elif value_type is None and text:  # an old file: what was typed
        try:
            cells[where] = float(text)
        except ValueError:
            cells[where] = text
    elif kind == "number":
        cells[where] = float(text)
    elif kind == "bool":
        cells[where] = text.upper() == "TRUE"
    elif kind == "text":
        cells[where] = text


def _line(exc: Exception) -> str:
    position = getattr(exc, "position", None)
    return str(position[0]) if position else "its end"


CSV_SHEET = "the sheet saved as text"


def _csv(data: bytes) -> Facts | None:
    """One sheet saved as text: read if it is a table (rows of several fields), else None."""
    text = _decoded(data)
    try:  # the separator is guessed; quoting is always as spreadsheet programs write it ("" inside quotes)
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    facts = Facts("csv", cells={})
    cells = _sheet(facts)
    rows = 0
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)):
            rows = r + 1
            for c, value in enumerate(row):
                if value != "":
                    cells[(r, c)] = value
    except csv.Error:
        return None
    if rows < 2 or cells.cols < 3:
        return None
    _measured(facts, CSV_SHEET, cells, set())
    return facts


def _decoded(data: bytes) -> str:
    """The text as the program that saved it wrote it: UTF-8 (with or without its mark), else Windows' Western."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")
