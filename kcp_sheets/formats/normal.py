"""A zip package as the format writes it, for one a program wrote its own way:
part names with Windows' backslashes ("xl\\workbook.xml"), and XML parts in
UTF-16. Excel and LibreOffice open both; the reading library and the
inspection find neither. The parts' contents are the same; only their names'
separators and their XML's encoding change. Runs after the package's sizes
were checked, so it rewrites no more than a workbook holds."""

from __future__ import annotations

import io
import re
import zipfile

from .zipsafe import XML_SUFFIXES

UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
DECLARED = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][\w-]+["']""")


def normalised(archive: zipfile.ZipFile, limit: int) -> bytes | None:
    """The package with '/' in its part names and its XML in UTF-8, or None if
    it is so already. A part larger than `limit` is left for the size checks."""
    infos = archive.infolist()
    renamed = any("\\" in info.filename for info in infos)
    wide = {info.filename for info in infos if _utf16(archive, info, limit)}
    if not renamed and not wide:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        seen: set[str] = set()
        for info in infos:
            name = info.filename.replace("\\", "/").lstrip("/")
            if name in seen or info.is_dir():
                continue
            seen.add(name)
            data = archive.read(info)
            if info.filename in wide:
                data = _as_utf8(data)
            package.writestr(
                zipfile.ZipInfo(name, info.date_time),
                data,
                compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def _utf16(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bool:
    if not info.filename.lower().endswith(XML_SUFFIXES) or info.file_size > limit or info.flag_bits & 0x1:
        return False
    with archive.open(info) as stream:
        return stream.read(2) in UTF16_MARKS


def _as_utf8(data: bytes) -> bytes:
    """UTF-16 XML (with or without its byte-order mark) as UTF-8, its declaration saying so."""
    encoding = (
        "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-16-le" if data[:2] == b"<\x00" else "utf-16-be")
    )
    text = data.decode(encoding, "replace")
    return DECLARED.sub(r'\1"UTF-8"', text, count=1).encode("utf-8")
