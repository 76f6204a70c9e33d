"""An OpenDocument spreadsheet (.ods): told apart from the other OpenDocument
files, each table measured with repeated rows and cells counted as what
they become, and handed to the reading library in a form it can read."""

from __future__ import annotations

import io
import re
import zipfile

from .facts import MAX_FORMULA_CELLS, MAX_UNZIPPED, Facts, Refused, SheetFacts
from .zipsafe import attribute, chunks, open_part, read_part, undated, xml_heads, xml_text

ODS_TAG = re.compile(rb"<(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)([\s/][^<>]*)?>")


def opendocument(archive: zipfile.ZipFile, names: set[str]) -> Facts:
    if "META-INF/manifest.xml" in names:
        manifest = read_part(archive, "META-INF/manifest.xml", 8 * 1024 * 1024)
        if b"encryption-data" in manifest:
            raise Refused("file-encrypted")
    if "mimetype" in names:
        kind = read_part(archive, "mimetype", 1024).strip()
        if kind and b"spreadsheet" not in kind:
            what = kind.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise Refused("file-not-spreadsheet", detail=f"an OpenDocument {what} file, not a spreadsheet")
    if "content.xml" not in names:
        raise Refused("file-truncated", detail="the content part is missing")
    sheets = _ods_extents(archive)
    for _ in xml_heads(archive, names - {"content.xml"}):
        pass
    return Facts(
        "ods",
        sheets,
        macros=any(n.startswith("Basic/") for n in names),
        package=_ods_as_the_library_reads(archive, names),
    )


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Whitespace laid between a table's elements, or between a cell's paragraphs,
# by a program that indents its XML (Gnumeric does): no part of any text.
ODS_LAYOUT = re.compile(rb">[ \t\r\n]+(?=</?(?:table:[\w-]+|text:p)[\s/>])")


def _ods_as_the_library_reads(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    """The .ods as the reading library can read it, or b"" if it already can:
    its content without the layout whitespace between table elements (which
    the library takes for a cell and refuses), and with the mimetype entry a
    program may leave out (Google Docs does). Nothing anyone typed changes."""
    with open_part(archive, "content.xml") as stream:
        head = stream.read(1024 * 1024)
    if "mimetype" in names and not ODS_LAYOUT.search(head):
        return b""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name in sorted(names - {"mimetype"}):
            data = read_part(archive, name, MAX_UNZIPPED) if name == "content.xml" else archive.read(name)
            package.writestr(undated(name), ODS_LAYOUT.sub(b">", data) if name == "content.xml" else data)
    return out.getvalue()


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

    for chunk in chunks(archive, "content.xml"):
        for match in ODS_TAG.finditer(chunk):
            tag, attrs = match.group(1), match.group(2) or b""
            if tag == b"table":
                if in_table:
                    end_row()
                    sheets.append(SheetFacts(name, "worksheet", rows, cols, cells, formulas=formulas))
                formulas = set()
                name = xml_text(attribute(attrs, b"name") or b"")
                rows = cols = cells = row = row_cols = row_cells = col = repeat = 0
                in_table = True
            elif tag == b"table-row":
                end_row()
                repeat = _repeat(attrs, b"number-rows-repeated")
            else:
                span = _repeat(attrs, b"number-columns-repeated")
                if b"value-type" in attrs or not attrs.rstrip().endswith(b"/"):
                    row_cols, row_cells = col + span, row_cells + span
                if (
                    b"formula" in attrs
                    and attribute(attrs, b"formula") is not None
                    and len(formulas) < MAX_FORMULA_CELLS
                ):
                    # Read as its value by the library; marked so the officer is told it was a formula.
                    formulas.update(
                        (r, c) for r in range(row, row + min(repeat, 64)) for c in range(col, col + min(span, 64))
                    )
                col += span
    if in_table:
        end_row()
        sheets.append(SheetFacts(name, "worksheet", rows, cols, cells, formulas=formulas))
    return sheets


def _repeat(attrs: bytes, name: bytes) -> int:
    value = attribute(attrs, name)
    return int(value) if value and value.isdigit() and len(value) < 10 else 1
