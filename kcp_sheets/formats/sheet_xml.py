"""A sheet of an .xlsx read from its XML: its real extent measured from its
cells in bounded memory, its error and formula cells found, and when the
workbook was last saved."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET  # the parts were checked for entity declarations first
import zipfile
from typing import IO

from ..cellref import a1, column_number
from .facts import Facts, SheetFacts
from .zipsafe import chunks

# Formula or error cells in sheet XML: <f>, <f ...>, <f/>, <x:f> or <x:f ...>, t="e".
FORMULA_LEADS = ((b"<f", b"> /"), (b":f", b"> "))
CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^<>]*)>")
# A tag's own r attribute, in either quotes (the reading library takes both), not a prefixed one.
R_ATTRIBUTE = re.compile(rb"""(?<![\w:.-])r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CELL_NAME = re.compile(rb"([A-Za-z]{1,3})(\d+)")  # letters in either case: the library reads both
# Cell tags the scan of placed cells does not count: prefixed, or with other
# whitespace than a space after the name. A chunk holding one is walked tag by tag.
ODD_CELLS = (b":c ", b":c>", b"<c\t", b"<c\n", b"<c\r", b":c\t", b":c\n", b":c\r")
# Both start with a literal, so the scan runs at C speed.
PLACED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
# Every placed cell in one pass: a cell with a value gives its reference and
# ">", a <c .../> (a style and no value) gives empty strings.
# A tag that names its place twice is left to the walk, which takes the last
# name, as the library does.
SECOND_R = rb"(?![^<>]*r\s*=)"  # of a cell's own attributes (r, s, t, cm, vm, ph) only r ends in r
PLACED_CELLS = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"' + SECOND_R + rb"[^<>]*(?<!/)(>)|" + rb'<c r="[A-Z]{1,3}\d+"' + SECOND_R + rb"[^<>]*/>"
)
ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b([^<>]*)>")


def formula_or_error(chunk: bytes) -> bool:
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


def xlsx_extent(archive: zipfile.ZipFile, name: str, kind: str, part: str, facts: Facts) -> SheetFacts:
    """A sheet part's extent from its cells, in bounded memory: where every cell
    says where it is (the usual case) from the references alone, in C; where
    some do not, by walking the tags and counting their implied positions."""
    rows = cols = cells = 0
    row, col = -1, -1  # the position of the last cell seen, for cells that do not say theirs
    for chunk in chunks(archive, part):
        # Chunks end where a tag starts, so no mark is cut in two.
        if not facts.formulas_or_errors:
            facts.formulas_or_errors = formula_or_error(chunk)
        tags = PLACED_CELLS.findall(chunk)  # (letters, digits, ">") for a cell with a value, empty for <c .../>
        if len(tags) == chunk.count(b"<c ") + chunk.count(b"<c>") and not any(odd in chunk for odd in ODD_CELLS):
            valued = [tag for tag in tags if tag[2]]
            if valued:
                widest = max({tag[0] for tag in valued}, key=lambda s: (len(s), s))
                rows, cols, cells = (
                    max(rows, max(map(int, {tag[1] for tag in valued}))),
                    max(cols, column_number(widest)),
                    cells + len(valued),
                )
            last = chunk.rfind(b'<c r="')
            if tags:
                ref = PLACED_CELL.match(chunk, last)
                row, col = int(ref.group(2)) - 1, column_number(ref.group(1)) - 1
            last_row = ROW_TAG.match(chunk, max(0, chunk.rfind(b"<row")))
            if last_row is not None and (not tags or last_row.start() > last):
                row, col = _row_of(last_row.group(1), row), -1
            continue
        for match in CELL_TAG.finditer(chunk):
            tag, attrs = match.groups()
            if tag == b"row":
                row, col = _row_of(attrs, row), -1
                continue
            row, col = _cell_of(attrs, row, col)
            if attrs.rstrip().endswith(b"/"):
                continue  # a cell with a style and no value
            rows, cols, cells = max(rows, row + 1), max(cols, col + 1), cells + 1
    facts.parts_read.add(part)
    return SheetFacts(name, kind, rows, cols, cells, part)


def _r(attrs: bytes) -> bytes | None:
    """A tag's r attribute as the reading library reads it: in either quotes,
    its character references read, the last where a tag has two."""
    found = R_ATTRIBUTE.findall(attrs)
    if not found:
        return None
    value = found[-1][0] or found[-1][1]
    return html.unescape(value.decode("utf-8", "replace")).encode("utf-8") if b"&" in value else value


def _row_of(attrs: bytes, last: int) -> int:
    """A row's 0-based number: its own, or the one after the last."""
    ref = _r(attrs)
    return int(ref) - 1 if ref is not None and ref.isdigit() else last + 1


def _cell_of(attrs: bytes, row: int, col: int) -> tuple[int, int]:
    """A cell's 0-based place: its own name, or the column after the last cell's."""
    ref = _r(attrs)
    name = CELL_NAME.fullmatch(ref) if ref is not None else None
    if name is None:
        return row, col + 1
    return int(name.group(2)) - 1, column_number(name.group(1).upper()) - 1


Marks = tuple[dict[tuple[int, int], str], set[tuple[int, int]]]  # error cells with their text, formula cells
WHOLE = 1024 * 1024  # a sheet part no larger than this is parsed whole, in C, rather than event by event


def xlsx_cell_marks(data: bytes, parts: dict[str, str]) -> dict[str, Marks]:
    """Per sheet name (its part found by `inspect`): error cells with
    their text, and cells holding formulas (0-based). A sheet is parsed whole
    where it is small and plainly one worksheet (`_marks_whole`); otherwise
    its rows are dropped once read, so memory does not grow with the sheet."""
    marks: dict[str, Marks] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, part in parts.items():
            found = None
            if archive.getinfo(part).file_size <= WHOLE:
                found = _marks_whole(archive.read(part))
            if found is None:
                with archive.open(part) as stream:
                    found = _marks_streamed(stream)
            marks[name] = found
    return marks


def _marks_whole(xml: bytes) -> Marks | None:
    """A small sheet's marks from its tree, built in C: only the cells are
    walked in Python. None where the streamed reading could find otherwise
    (a namespace that changes part way, through a second worksheet element,
    or a cell written twice, whose last mark then depends on the order the
    two are met): that reading then runs instead."""
    root = ET.fromstring(xml)
    if xml.count(b"worksheet") != 2 or not root.tag.endswith("}worksheet"):
        return None
    ns = root.tag[: -len("worksheet")]
    errors: dict[tuple[int, int], str] = {}
    formulas: set[tuple[int, int]] = set()
    seen: set[tuple[int, int]] = set()
    for element in root.iter(f"{ns}c"):
        has_formula = element.find(f"{ns}f") is not None
        is_error = element.get("t") == "e"
        if not (is_error or has_formula):
            continue
        where = a1(element.get("r", ""))
        if where is None:
            continue
        if where in seen:
            return None
        seen.add(where)
        if is_error:
            value = element.find(f"{ns}v")
            errors[where] = value.text if value is not None and value.text else "#ERROR"
        if has_formula:
            formulas.add(where)
    return errors, formulas


def _marks_streamed(stream: IO[bytes]) -> Marks:
    """A sheet's marks read event by event, each row dropped once read."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # or Strict's, as the sheet's root says
    errors: dict[tuple[int, int], str] = {}
    formulas: set[tuple[int, int]] = set()
    rows: ET.Element | None = None
    for event, element in ET.iterparse(stream, events=("start", "end")):
        if event == "start":
            if element.tag.endswith("}worksheet"):
                ns = element.tag[: -len("worksheet")]
            elif element.tag == f"{ns}sheetData":
                rows = element
            continue
        if element.tag == f"{ns}row" and rows is not None:
            rows.clear()
            continue
        if element.tag != f"{ns}c":
            continue
        has_formula = element.find(f"{ns}f") is not None
        if element.get("t") == "e" or has_formula:
            where = a1(element.get("r", ""))
            if where is not None:
                if element.get("t") == "e":
                    value = element.find(f"{ns}v")
                    errors[where] = value.text if value is not None and value.text else "#ERROR"
                if has_formula:
                    formulas.add(where)
    return errors, formulas
