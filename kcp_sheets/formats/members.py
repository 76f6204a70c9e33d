"""Parts of a zip package unpacked straight from its bytes, for the cheap look.

Python's zipfile reads a part through a file object that seeks, checks and
unpacks it a few kilobytes at a time: right for a part of any size, and
about as costly as unpacking for the dozen small parts of a return. Here a
small part is unpacked in one call from the package's bytes, after the same
checks zipfile makes (its local header's signature and name agree with the
central directory, the method is one zipfile reads, no flag marks it
encrypted or stored in a way zipfile refuses, and a part read whole has the
size and checksum the directory gives). Anything else is not read
(`Unusual`): the full inspection, which reads with zipfile, then says what
the file is.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # signature ... name length, extra length: 30 bytes
LOCAL_SIGNATURE = b"PK\x03\x04"
UTF8_NAME = 0x800
# Flags zipfile refuses to read a part under: encrypted, compressed patched
# data (bit 5), strong encryption (bit 6). The full inspection says what such a file is.
REFUSED_FLAGS = 0x1 | 0x20 | 0x40


class Unusual(Exception):
    """A part this reader does not vouch for."""


def unpacked(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The first `limit` bytes of a part (all of it if it is no longer),
    checked as zipfile checks it; a part read whole, by its size and checksum."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & REFUSED_FLAGS:
        raise Unusual(info.filename)
    # A negative offset (a directory that says it starts past where it does):
    # zipfile cannot seek there, while indexing the bytes would count from their end.
    if info.header_offset < 0:
        raise Unusual(info.filename)
    try:
        fields = LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error:
        raise Unusual(info.filename) from None
    signature, name_length, extra_length = fields[0], fields[-2], fields[-1]
    start = info.header_offset + LOCAL_HEADER.size
    try:  # decoded strictly, as zipfile decodes it: a name it cannot decode is a part it will not read
        name = data[start : start + name_length].decode("utf-8" if fields[3] & UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        raise Unusual(info.filename) from None
    if signature != LOCAL_SIGNATURE or name != info.orig_filename:
        raise Unusual(info.filename)
    start += name_length + extra_length
    packed = data[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        raise Unusual(info.filename)
    whole = limit >= info.file_size
    wanted = info.file_size if whole else limit
    try:
        out = packed[:wanted] if info.compress_type == zipfile.ZIP_STORED else _inflated(packed, wanted)
    except zlib.error:
        raise Unusual(info.filename) from None
    # A part that ends short of what is wanted: zipfile, reaching its end,
    # checks its checksum (or raises) even when reading only its head.
    if len(out) != wanted or (whole and zlib.crc32(out) != info.CRC):
        raise Unusual(info.filename)
    return out


def _inflated(packed: bytes, most: int) -> bytes:
    """At most `most` bytes of a deflated part: never more, whatever it would unpack to."""
    return zlib.decompressobj(-15).decompress(packed, most) if most else b""
