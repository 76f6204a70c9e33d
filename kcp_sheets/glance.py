"""A cheap look at a returned .xlsx before it is read in a worker process,
whose own limits on memory and CPU time are then the guard (`read_workers`).

The full inspection (`formats.inspect`) measures every sheet from every one
of its cells with regular expressions, in Python: the right guard in the
officer's own process, where no limit can be set, and most of the cost of
opening a return. This look checks what a parser would trip on from the
zip's central directory (part count, sizes, ratios, encryption), the few
small parts that say where the sheets are, the head of every other part for
entity declarations, and each sheet's declared dimension; a sheet is
unpacked once (as the library unpacks it) to find formula and error marks
and, at C speed, any cell placed past that dimension or not by a plain
reference. Its extent is taken from that dimension (`Facts.declared`): the
grids the library builds are measured after as well, in the worker, and a
file whose grids pass the budget is read again fully inspected. Anything it
cannot vouch for, and every file that is not a plain .xlsx, gets the full
inspection instead, so a refusal is always the full inspection's, word for
word.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import struct
import zipfile

from .cellref import column_number
from .formats import Facts, Refused, SheetFacts, inspect
from .formats.facts import MAX_GRID_CELLS, MAX_PART, MAX_RATIO, MAX_SHARED_STRINGS
from .formats.kind import ZIP_MAGIC
from .formats.members import Unusual, unpacked
from .formats.normal import UTF16_MARKS
from .formats.ooxml import SHEET_KINDS, UNIQUE_COUNT
from .formats.sheet_xml import formula_or_error
from .formats.zipsafe import (
    CHUNK,
    HEAD,
    XML_SUFFIXES,
    ZIP_ERRORS,
    attribute,
    chunks,
    no_entities,
    too_many_or_too_large,
    xml_text,
)

BOOK = "xl/workbook.xml"
USUAL = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
NEEDED = {"[Content_Types].xml", "_rels/.rels", BOOK, "xl/_rels/workbook.xml.rels"}
OTHER_KINDS = ("content.xml", "mimetype", "META-INF/manifest.xml", "xl/workbook.bin")
RELATIONSHIP = re.compile(rb"<Relationship ([^<>]*)>")
ATTRIBUTE = re.compile(rb'(?<![\w:.-])(\w+)="([^"]*)"')
SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b([^<>]*)>")
DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}\d{1,7}:)?([A-Z]{1,3})(\d{1,7})"')
COLUMNS_WITH_LETTERS = {1: 26, 2: 702, 3: 16384}  # the widest sheet a reference of so many letters reaches
SHAPES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\t\n\r", b"A" * 26 + b"0" * 10 + b"   ")


def glance(data: bytes) -> Facts:
    """What `formats.inspect` would say of the file, from a cheap look where
    the file is a plain .xlsx the look can vouch for; else the full inspection
    (which raises Refused with the one problem that says why not)."""
    facts = vouched(data)
    return facts if facts is not None else inspect(data)


def vouched(data: bytes) -> Facts | None:
    """The facts of a plain .xlsx from the cheap look, or None where anything needs the full inspection."""
    try:
        return _look(data)
    except (*ZIP_ERRORS, struct.error, UnicodeError, Refused, Unusual):
        return None


def _look(data: bytes) -> Facts | None:
    """The facts of a plain .xlsx, or None where anything needs the full inspection."""
    if not data.startswith(ZIP_MAGIC):
        return None
    archive = zipfile.ZipFile(io.BytesIO(data))  # kept open in the facts: read again for notes and properties
    infos = archive.infolist()
    names = {i.filename for i in infos}
    if not _plain_container(infos) or not NEEDED <= names or any(n in names for n in OTHER_KINDS):
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # macros: the full inspection says so
    package = _Package(data, archive)
    root, rels = (
        _relationships(package, "_rels/.rels", ""),
        _relationships(package, "xl/_rels/workbook.xml.rels", "xl"),
    )
    if root is None or rels is None or [t for kind, t in root.values() if kind == "officeDocument"] != [BOOK]:
        return None
    if any(not target.startswith("xl/") or USUAL.get(kind, target) != target for kind, target in rels.values()):
        return None
    facts = Facts(
        "xlsx", parts_read={"_rels/.rels", "xl/_rels/workbook.xml.rels", BOOK}, declared=True, archive=archive
    )  # each checked whole as it was read
    for match in SHEET_ENTRY.finditer(package.whole(BOOK)):
        attrs = match.group(1)
        kind, target = rels.get((attribute(attrs, b"id") or b"").decode("utf-8", "replace"), ("", ""))
        if target not in names or SHEET_KINDS.get(kind) != "worksheet":
            return None
        sheet = _sheet(package, xml_text(attribute(attrs, b"name") or b""), target, facts)
        if sheet is None:
            return None
        facts.sheets.append(sheet)
    if not facts.sheets or sum(_reach(s) for s in facts.sheets) > MAX_GRID_CELLS:
        return None
    strings = {t for k, t in rels.values() if k == "sharedStrings"} | {USUAL["sharedStrings"]}
    for part in sorted(names - facts.parts_read):
        if not part.lower().endswith(XML_SUFFIXES):
            continue
        head = package.head(part)  # every one, for entities: what reads it reads a checked part
        count = UNIQUE_COUNT.search(head[:4096]) if part in strings else None
        if count and int(count.group(1)) > MAX_SHARED_STRINGS:
            return None
    return facts


class _Package:
    """The package's parts as the look reads them: a part that is not too large
    unpacked in one call (`formats.members`), and each checked for entities
    in its first 64 KB, as the full inspection checks every part a parser reads."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile) -> None:
        self.data, self.archive = data, archive
        self.infos = {i.filename: i for i in archive.infolist()}  # the last of a name, as zipfile finds it

    def whole(self, part: str, limit: int = MAX_PART) -> bytes:
        """A part no larger than `limit`, all of it, checked by its size and checksum."""
        info = self.infos[part]
        if info.file_size > limit:
            raise Unusual(part)
        body = _checked(part, unpacked(self.data, info, info.file_size))
        no_entities(part, body[:HEAD])
        return body

    def head(self, part: str) -> bytes:
        """The first 64 KB of an XML part the look does not read whole."""
        body = _checked(part, unpacked(self.data, self.infos[part], HEAD))
        no_entities(part, body)
        return body


def _checked(part: str, body: bytes) -> bytes:
    """A part's bytes, if the entity check can read them: XML in UTF-16 hides
    its declarations from a search for bytes, and the full inspection writes
    it as UTF-8 before it checks (`formats.normal`), so it is left to that."""
    if body[:2] in UTF16_MARKS:
        raise Unusual(part)
    return body


def _relationships(package: _Package, part: str, base: str) -> dict[str, tuple[str, str]] | None:
    """A relationships part as {id: (type, target part)}, targets resolved as
    `formats` resolves them; None where any entry is written otherwise than
    plainly (its attributes double-quoted, no prefixes, no escapes, a
    relative target with no '.', '..' or '//', which the library would join
    as written and so read another part than the one checked)."""
    data = package.whole(part, 8 * 1024 * 1024)
    found: dict[str, tuple[str, str]] = {}
    tags = RELATIONSHIP.findall(data)
    if len(tags) != data.count(b"Relationship ") or b":Relationship" in data:
        return None
    for tag in tags:
        attrs = dict(ATTRIBUTE.findall(tag))
        if attrs.get(b"TargetMode", b"").lower() == b"external":
            continue
        rel_id, kind, target = attrs.get(b"Id"), attrs.get(b"Type"), attrs.get(b"Target")
        if rel_id is None or kind is None or not target or any(ch in target for ch in b"%&\\"):
            return None
        text = target.decode("utf-8")
        part = text[1:] if text.startswith("/") else posixpath.join(base, text)
        if not text.startswith("/") and posixpath.normpath(part) != part:
            return None
        found[rel_id.decode("utf-8")] = (kind.decode("utf-8").rsplit("/", 1)[-1], part)
    return found


def _plain_container(infos: list[zipfile.ZipInfo]) -> bool:
    """Whether the central directory is within every limit the full inspection
    sets, part by part as well as in all; nothing encrypted; no part named
    twice or with Windows' backslashes (the full inspection rewrites such a
    package, keeping the first of a name, where the library and this look
    would read the last)."""
    names = {i.filename for i in infos}
    if too_many_or_too_large(infos) is not None or len(names) != len(infos) or any("\\" in n for n in names):
        return False
    for info in infos:
        if info.flag_bits & 0x1 or info.file_size > MAX_PART:
            return False
        if info.file_size > 1024 * 1024 and info.file_size / max(1, info.compress_size) > MAX_RATIO:
            return False
    return True


def _sheet(package: _Package, name: str, part: str, facts: Facts) -> SheetFacts | None:
    """A sheet as its declared dimension bounds it, its formula and error
    marks noted; None where no dimension is declared or a cell is placed past
    it, or not by a plain reference (the full inspection then measures it).
    Unpacked whole, which checks the part as the library will read it;
    entities checked in its first 64 KB either way."""
    small = package.infos[part].file_size <= CHUNK
    pieces = iter((package.whole(part),)) if small else chunks(package.archive, part)
    first = next(pieces, b"")
    found = DIMENSION.search(first[:4096])
    if found is None or found.group(2).startswith(b"0"):
        return None
    letters, digits = found.groups()
    for chunk in itertools.chain((first,), pieces):  # each starts where a tag starts
        if not _within(chunk, len(letters), len(digits)):
            return None
        facts.formulas_or_errors = facts.formulas_or_errors or formula_or_error(chunk)
    facts.parts_read.add(part)
    return SheetFacts(name, "worksheet", int(digits), column_number(letters), 0, part)


def _within(chunk: bytes, letters: int, digits: int) -> bool:
    """Whether every cell of a piece of sheet XML is placed by a plain
    reference (`<c r="` then capitals and digits) with no more letters or
    digits than the dimension's far corner: then the full inspection, which
    also counts cells the library leaves out (no value), measures the sheet
    within `_reach`, and the two agree. Found at C speed in a copy with every
    capital made A, every digit 0 and all whitespace a space, rather than by
    a pattern at every cell."""
    shape = chunk.translate(SHAPES)
    placed = shape.count(b'<c r="A')
    if shape.count(b"<c ") + shape.count(b"<c>") != placed or b":c " in shape or b":c>" in shape:
        return False
    if b'<c r="' + b"A" * (letters + 1) in shape:
        return False
    return not any(b'<c r="' + b"A" * n + b"0" * (digits + 1) in shape for n in range(1, letters + 1))


def _reach(sheet: SheetFacts) -> int:
    """The most cells a sheet's grid can span when no reference has more
    letters or digits than its dimension's far corner."""
    letters = 1 if sheet.cols <= 26 else 2 if sheet.cols <= 702 else 3
    return COLUMNS_WITH_LETTERS[letters] * (10 ** len(str(sheet.rows)) - 1)
