"""Zip safety: a package's parts are counted, sized and checked for XML
entity tricks before any parser reads them, and read in bounded chunks."""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from .facts import MAX_PART, MAX_PARTS, MAX_RATIO, MAX_UNZIPPED, Refused

CHUNK = 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml", ".rdf")  # the parts a parser may read as XML: each is checked
# What Python's zipfile raises on a damaged or unusual container.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    NotImplementedError,
    KeyError,
)
HEAD = 64 * 1024  # of a part, what is searched for declarations: they can only come before its first element
DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[")  # a document type with declarations of its own
# What may come before a document type and the first element: whitespace,
# processing instructions (the XML declaration among them) and comments.
PROLOG = re.compile(rb"(?:\s|<\?.*?\?>|<!--.*?-->)*+", re.S)
# A document type read whole as a parser reads it, so that a ']' or '>' in a
# comment, an instruction or a quoted literal of its declarations does not end it.
DOCTYPE = re.compile(
    rb"<!DOCTYPE(?>[^\[>\"']|\"[^\"]*\"|'[^']*')*+"
    rb"(?:\[(?>\s|%[^;<>]*;|<!--.*?-->|<\?.*?\?>|<!(?!--)(?>[^>\"']|\"[^\"]*\"|'[^']*')*+>)*+\])?\s*>",
    re.S,
)


def undated(part: str) -> zipfile.ZipInfo:
    """A part to write into a package made for the reading library, deflated
    and dated as zipfile dates a part with no date: the package is then the
    same bytes each time the same file is inspected."""
    info = zipfile.ZipInfo(part)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def unpacking(part: str) -> Refused:
    """The refusal of a part that cannot be unpacked: the file was cut short or damaged."""
    return Refused("file-truncated", detail=f"the part {part} inside it cannot be unpacked")


def opened(data: bytes) -> tuple[zipfile.ZipFile, set[str]]:
    """The zip package and its part names, refused before any part is read if
    it is broken, has absurdly many parts or would unpack to absurd sizes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS:
        raise Refused(
            "file-truncated",
            detail=(
                "its zip package is incomplete: the end of the file, which lists what is inside, is missing or broken"
            ),
        ) from None
    refusal = too_many_or_too_large(infos)
    if refusal is not None:
        raise refusal
    return archive, {i.filename for i in infos}


def too_many_or_too_large(infos: list[zipfile.ZipInfo]) -> Refused | None:
    """Why a package is refused from its central directory alone (absurdly
    many parts, or parts that together would unpack to absurd sizes), or None:
    one rule for the full inspection and the cheap look."""
    if len(infos) > MAX_PARTS:
        return Refused("file-hostile", detail=f"{len(infos)} parts inside the file")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        return Refused("file-hostile", detail=f"it would unpack to {total / 1024 / 1024:.1f} MB (a 'zip bomb')")
    return None


def read_part(archive: zipfile.ZipFile, part: str, limit: int = MAX_PART) -> bytes:
    """A small part, whole, after the checks every part a parser reads must pass."""
    try:
        with open_part(archive, part, limit) as stream:
            data = stream.read(limit + 1)
    except ZIP_ERRORS:
        raise unpacking(part) from None
    no_entities(part, data[:HEAD])
    return data


def open_part(archive: zipfile.ZipFile, part: str, limit: int = MAX_PART) -> IO[bytes]:
    """A part opened as a stream, after its size and encryption are checked."""
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
        raise unpacking(part) from None


def part_head(archive: zipfile.ZipFile, part: str) -> bytes:
    """A part's first `HEAD` bytes, where its declarations must be if it has any."""
    try:
        with archive.open(part) as stream:
            return stream.read(HEAD)
    except ZIP_ERRORS as exc:
        if "encrypted" in str(exc).lower():
            raise Refused("file-encrypted") from None
        raise unpacking(part) from None


def no_entities(part: str, head: bytes) -> None:
    """Refuses XML that declares an entity (the way to expand a few bytes into
    gigabytes, or to read another file), or whose own declarations run past
    the head so they cannot be checked; a DOCTYPE line alone is no hazard.
    `head`: the part's first `HEAD` bytes, or all of it if it is shorter."""
    if b"<!ENTITY" in head:  # plain byte searches: the longer the word, the faster they run
        raise Refused("file-hostile", detail=f"{part} declares XML entities")
    cut = len(head) >= HEAD  # the part goes on past the head
    if b"<!DOCTYPE" not in head and not cut:  # most parts: no document type, so no declarations of its own
        return
    subset = DOCTYPE_SUBSET.search(head)
    if (subset and b"]" not in head[subset.end() :]) or (cut and not _prolog_in(head)):
        raise Refused("file-hostile", detail=f"{part} declares a document type too long to check")


def _prolog_in(head: bytes) -> bool:
    """Whether all that may come before a part's first element (where alone a
    document type, and so a declaration, may stand) ends within its head: a
    document type that starts or ends past it, or after a comment that does,
    could declare what the search of the head did not see."""
    end = PROLOG.match(head, 3 if head.startswith(b"\xef\xbb\xbf") else 0).end()
    if head.startswith(b"<!DOCTYPE", end):
        doctype = DOCTYPE.match(head, end)
        if doctype is None:
            return False
        end = PROLOG.match(head, doctype.end()).end()
    return len(head) - end >= len(b"<!DOCTYPE") and head[end : end + 2] not in (b"<!", b"<?")


def chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part's bytes in chunks, each starting where a tag starts: bounded memory for any size."""
    carry = b""
    try:
        with open_part(archive, part) as stream:
            first = True
            while True:
                block = stream.read(CHUNK)
                if first:
                    no_entities(part, block[:HEAD])
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
        raise unpacking(part) from None
    if carry:
        yield carry


ATTRIBUTES: dict[bytes, re.Pattern[bytes]] = {}


def attribute(attrs: bytes, name: bytes) -> bytes | None:
    """An attribute's raw value in a tag's attribute text, prefixed or not, in either quotes."""
    pattern = ATTRIBUTES.get(name)
    if pattern is None:
        pattern = ATTRIBUTES[name] = re.compile(rb"(?:^|[\s])(?:[\w.-]+:)?" + name + rb'\s*=\s*["\']([^"\']*)["\']')
    match = pattern.search(attrs)
    return match.group(1) if match else None


def xml_text(raw: bytes) -> str:
    """An attribute's text, its character references read."""
    return html.unescape(raw.decode("utf-8", "replace"))


def xml_heads(archive: zipfile.ZipFile, parts: set[str]) -> Iterator[tuple[str, bytes]]:
    """Every XML part not otherwise checked, refused if absurdly large or if it
    declares entities: whatever reads it (the library, or the file's properties)
    reads a checked part. Yields each with its first 64 KB."""
    for part in sorted(parts):
        if not part.lower().endswith(XML_SUFFIXES):
            continue
        size = archive.getinfo(part).file_size
        if size > MAX_PART:  # no XML part of a workbook is this large
            raise Refused("file-hostile", detail=f"{part} would unpack to {size / 1024 / 1024:.1f} MB")
        head = part_head(archive, part)
        no_entities(part, head)
        yield part, head
