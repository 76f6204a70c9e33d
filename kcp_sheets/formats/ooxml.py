"""An .xlsx package (Office Open XML, Transitional or Strict): its workbook
part found by following the package's relationships (not fixed paths, in any
letter case) or its declared content type, each sheet measured, and the
package rewritten where the reading library would not find its parts."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

from .facts import MAX_SHARED_STRINGS, Facts, Refused, SheetFacts
from .sheet_xml import xlsx_extent
from .zipsafe import attribute, read_part, undated, xml_heads, xml_text

UNIQUE_COUNT = re.compile(rb'uniqueCount="(\d+)"')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = ("officeDocument",)
SHEET_KINDS = {
    "worksheet": "worksheet",
    "chartsheet": "chart",
    "dialogsheet": "dialog",
    "xlMacrosheet": "macro",
    "xlIntlMacrosheet": "macro",
}


def actual(names: set[str], part: str) -> str:
    """The part as the package names it: Excel finds parts whatever their letter case."""
    if part in names:
        return part
    folded = part.casefold()
    return next((n for n in names if n.casefold() == folded), part)


def _relationships(
    archive: zipfile.ZipFile, names: set[str], part: str, readdressed: list[str] | None = None
) -> list[tuple[str, str, str]]:
    """(id, type, target part) of a part's relationships; targets resolved as
    the format says, in the letter case the package uses. Those the reading
    library would look for elsewhere (another letter case, or a relative
    target with '.', '..', '//' or escapes, which it joins as written) are
    added to `readdressed`: the package is then rewritten for it."""
    base, file = posixpath.split(part)
    rels = actual(names, posixpath.join(base, "_rels", file + ".rels"))
    if rels not in names:
        return []
    found = []
    for match in re.finditer(rb"<(?:\w+:)?Relationship\b([^<>]*)>", read_part(archive, rels, 8 * 1024 * 1024)):
        attrs = match.group(1)
        if (attribute(attrs, b"TargetMode") or b"").lower() == b"external":
            continue
        target = (attribute(attrs, b"Target") or b"").decode("utf-8", "replace")
        rel_id = (attribute(attrs, b"Id") or b"").decode("utf-8", "replace")
        rel_type = (attribute(attrs, b"Type") or b"").decode("utf-8", "replace").rsplit("/", 1)[-1]
        as_written = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        written = unquote(as_written if target.startswith("/") else posixpath.normpath(as_written))
        cased = actual(names, written)
        if cased != as_written and readdressed is not None:
            readdressed.append(written)
        found.append((rel_id, rel_type, cased))
    return found


def ooxml(archive: zipfile.ZipFile, names: set[str]) -> Facts:
    readdressed: list[str] = []
    book_part = next(
        (t for _, kind, t in _relationships(archive, names, "", readdressed) if kind in OFFICE_DOCUMENT), None
    )
    if (
        book_part is None or book_part not in names
    ):  # no relationship to it, or one to where it is not: found as Excel finds it
        book_part = _book_by_type(archive, names)
    if book_part is None or book_part.startswith(("word/", "ppt/")):  # the package's main part says what it is
        if any(n.startswith(("word/", "ppt/")) for n in names):
            raise Refused("file-not-spreadsheet", detail="a Word or PowerPoint document")
        raise Refused("file-truncated", detail="it holds no workbook part, only the package around one")
    if book_part.lower().endswith(".bin"):
        raise Refused("file-xlsb")
    rels = {rel_id: (kind, target) for rel_id, kind, target in _relationships(archive, names, book_part, readdressed)}
    book = read_part(archive, book_part)
    facts = Facts("xlsx", macros=any(n.lower().endswith("vbaproject.bin") for n in names))
    unread: list[tuple[int, int]] = []  # <sheet> entries the library would refuse the whole file for
    for match in re.finditer(rb"<(?:\w+:)?sheet\b([^<>]*)>", book):
        attrs = match.group(1)
        sheet_name = xml_text(attribute(attrs, b"name") or b"")
        kind, target = rels.get((attribute(attrs, b"id") or b"").decode("utf-8", "replace"), ("", ""))
        if target not in names or SHEET_KINDS.get(kind) in (None, "macro"):
            if attrs.rstrip().endswith(b"/"):
                unread.append(match.span())
            facts.sheets.append(
                SheetFacts(sheet_name, SHEET_KINDS.get(kind, "missing") if target in names else "missing")
            )
            continue
        facts.sheets.append(xlsx_extent(archive, sheet_name, SHEET_KINDS[kind], target, facts))
    # The reading library also looks at the usual paths whatever the relationships say.
    strings = {t for k, t in rels.values() if k == "sharedStrings"} | {"xl/sharedStrings.xml"}
    for part, head in xml_heads(archive, names - facts.parts_read):
        count = UNIQUE_COUNT.search(head[:4096]) if part in strings else None
        if count and int(count.group(1)) > MAX_SHARED_STRINGS:
            raise Refused("file-hostile", detail=f"{int(count.group(1)):,} shared strings")
    usual = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    if (
        unread
        or readdressed
        or book_part != "xl/workbook.xml"
        or any(not _plain_target(book_part, t) or usual.get(k, t) != t for k, t in rels.values())
    ):
        for start, end in reversed(unread):
            book = book[:start] + book[end:]
        facts.package = _for_library(archive, book_part, book, rels)
    return facts


BOOK_TYPES = (
    b"spreadsheetml.sheet.main",
    b"spreadsheetml.template.main",
    b"ms-excel.sheet.macroEnabled.main",
    b"ms-excel.template.macroEnabled.main",
    b"ms-excel.sheet.binary.main",
)


def _book_by_type(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The workbook part by its declared content type, else by its usual name
    in any letter case or folder: where the package's relationships do not lead to it."""
    types = actual(names, "[Content_Types].xml")
    if types in names:
        for match in re.finditer(rb"<(?:\w+:)?Override\b([^<>]*)>", read_part(archive, types, 8 * 1024 * 1024)):
            if any(kind in (attribute(match.group(1), b"ContentType") or b"") for kind in BOOK_TYPES):
                part = actual(
                    names,
                    unquote((attribute(match.group(1), b"PartName") or b"").decode("utf-8", "replace").lstrip("/")),
                )
                if part in names:
                    return part
    usual = sorted(
        n for n in names if posixpath.basename(n).casefold() in ("workbook.xml", "workbook.bin") and "_rels" not in n
    )
    return usual[0] if usual else None


def _plain_target(book_part: str, target: str) -> bool:
    """Whether the reading library finds this part: beside or below the workbook."""
    return target.startswith(posixpath.dirname(book_part) + "/")


def _for_library(archive: zipfile.ZipFile, book_part: str, book: bytes, rels: dict[str, tuple[str, str]]) -> bytes:
    """The package as the reading library can take it: the workbook, shared
    strings and styles where it looks for them, every other relationship of
    the workbook as an absolute target, and no <sheet> entry it would refuse
    the whole file for (Excel 4 macro sheets, sheets whose part is missing).
    The cells are the same bytes; only addresses and that list change."""
    usual = {"sharedStrings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}
    moved = {book_part: "xl/workbook.xml"} | {
        t: usual[k] for k, t in rels.values() if k in usual and t in archive.namelist()
    }
    book_rels = posixpath.join(posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels")
    lines = "".join(
        f'<Relationship Id="{_xml_escape(i)}" Type="{REL}{_xml_escape(k)}" Target="/{_xml_escape(moved.get(t, t))}"/>'
        for i, (k, t) in rels.items()
    )
    skip = {*moved, *moved.values(), book_rels, "_rels/.rels", "xl/_rels/workbook.xml.rels"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in archive.infolist():
            if info.filename not in skip:
                package.writestr(undated(info.filename), archive.read(info))
        for old, new in moved.items():
            package.writestr(undated(new), book if old == book_part else archive.read(old))
        package.writestr(
            undated("xl/_rels/workbook.xml.rels"),
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{lines}</Relationships>',
        )
        package.writestr(
            undated("_rels/.rels"),
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{REL}officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
    return out.getvalue()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
