"""What a file is, from its bytes: an OLE compound file, a zip package
(OOXML or OpenDocument), a bare Excel 2-4 stream, a flat spreadsheet, or
something that is no spreadsheet at all. The file's name is not trusted."""

from __future__ import annotations

import struct

from .facts import MAX_PART, Facts, Refused
from .flat import flat, other_program
from .normal import normalised
from .ods import opendocument
from .ooxml import ooxml
from .xls import compound
from .zipsafe import ZIP_ERRORS, opened

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BIFF_OLD = {0x0009: "Excel 2", 0x0209: "Excel 3", 0x0409: "Excel 4"}  # BOF record ids of bare BIFF2-4 streams


def inspect(data: bytes) -> Facts:
    """The file's format and sheets; raises Refused with the one problem that says why not."""
    try:
        return _inspect(data)
    except (*ZIP_ERRORS, struct.error, UnicodeError):  # structure that contradicts itself
        raise Refused(
            "file-truncated", detail="its structure contradicts itself, as a file cut short or damaged on the way does"
        ) from None


def _inspect(data: bytes) -> Facts:
    if not data:
        raise Refused("file-empty")
    if data.startswith(OLE_MAGIC):
        return compound(data)
    if data.startswith(ZIP_MAGIC):
        return _package(data)
    if len(data) >= 4 and struct.unpack_from("<H", data)[0] in BIFF_OLD and struct.unpack_from("<H", data, 2)[0] <= 32:
        raise Refused("file-old-excel", detail=BIFF_OLD[struct.unpack_from("<H", data)[0]])
    other_program(data)
    facts = flat(data, _package)
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


def _package(data: bytes, normalise: bool = True) -> Facts:
    """An .xlsx or .ods package, told apart from other zip files."""
    archive, names = opened(data)
    other_program(data, names)
    with archive:
        rewritten = normalised(archive, MAX_PART) if normalise else None
        if (
            rewritten is not None
        ):  # backslashes in its part names, or XML in UTF-16: inspected and read as the format writes them
            facts = _package(rewritten, normalise=False)
            facts.package = facts.package or rewritten
            return facts
        if "content.xml" in names or "mimetype" in names or "META-INF/manifest.xml" in names:
            return opendocument(archive, names)
        if {"_rels/.rels", "[content_types].xml"} & {n.casefold() for n in names}:
            return ooxml(archive, names)
    if any(n.startswith(("word/", "ppt/")) for n in names):
        raise Refused("file-not-spreadsheet", detail="a Word or PowerPoint document")
    raise Refused("file-not-spreadsheet", detail="a zip archive of other files")
