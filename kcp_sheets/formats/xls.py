"""An .xls: an OLE compound file holding a BIFF5 or BIFF8 workbook stream,
told apart from the other Office files such a container holds, and each
sheet measured from its cell records as `inspect` measures every
workbook's, before either reader sees a byte."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from .facts import Facts, Refused, SheetFacts


def compound(data: bytes) -> Facts:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        if {"EncryptionInfo", "EncryptedPackage"} <= streams:
            raise Refused("file-encrypted")  # an .xlsx or .xlsb with a password to open
        stream = next((s for s in ("Workbook", "Book", "WORKBOOK", "BOOK") if s in streams), None)
        if stream is None:
            if any(s.startswith("__substg1.0_") for s in streams):
                raise Refused("file-not-spreadsheet", detail="an Outlook message (.msg)")
            if "WordDocument" in streams:
                raise Refused("file-not-spreadsheet", detail="a Word document")
            if "PowerPoint Document" in streams:
                raise Refused("file-not-spreadsheet", detail="a PowerPoint presentation")
            raise Refused("file-not-spreadsheet", detail="an Office file with no workbook inside")
        book = ole.openstream(stream).read()
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - olefile raises many kinds on a damaged container
        raise Refused("file-truncated", detail="the Office container around the workbook is broken") from None
    return Facts("xls", _biff_sheets(book), macros=any(s.startswith(("_VBA_PROJECT_CUR", "Macros")) for s in streams))


BIFF_CELLS = {
    0x0006,
    0x0203,
    0x0204,
    0x0205,
    0x027E,
    0x00FD,
    0x00D6,
}  # FORMULA NUMBER LABEL BOOLERR RK LABELSST RSTRING
BIFF_SHEET_KINDS = {0: "worksheet", 1: "macro", 2: "chart", 6: "vba"}


def _records(book: bytes, pos: int) -> Iterator[tuple[int, int, bytes]]:
    """BIFF records from pos: (offset, type, body); a record cut short is damage."""
    while pos + 4 <= len(book):
        kind, size = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + size]
        if len(body) < size:
            raise Refused("file-truncated", detail="the workbook stream is cut short")
        yield pos, kind, body
        pos += 4 + size


def _biff_sheets(book: bytes) -> list[SheetFacts]:
    """The sheets of a BIFF5/8 workbook stream, each measured from its cell records."""
    records = _records(book, 0)
    first = next(records, None)
    if first is None or first[1] != 0x0809:
        raise Refused("file-truncated", detail="the workbook stream does not start as a workbook")
    version = struct.unpack_from("<H", first[2])[0] if len(first[2]) >= 2 else 0
    declared: list[tuple[str, str, int]] = []
    globals_end = len(book)
    for pos, kind, body in records:
        if kind == 0x000A:  # EOF of the workbook globals
            globals_end = pos + 4 + len(body)
            break
        if kind == 0x002F:  # FILEPASS: the rest is encrypted
            raise Refused("file-encrypted")
        if kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET
            offset, sheet_type = struct.unpack_from("<I", body)[0], body[5]
            declared.append((_biff_name(body[6:], version), BIFF_SHEET_KINDS.get(sheet_type, "other"), offset))
    sheets = []
    found: list[int] | None = None
    for n, (name, kind, offset) in enumerate(declared):
        if offset + 4 > len(book):  # an offset past the stream: the sheets follow the globals in order
            found = _substreams(book, globals_end) if found is None else found
            if n >= len(found):
                sheets.append(SheetFacts(name, "missing"))
                continue
            offset = found[n]
        sheets.append(_biff_extent(book, name, kind, offset))
    return sheets


BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)


def _substreams(book: bytes, pos: int) -> list[int]:
    """Where each sheet's substream starts after the workbook globals (a
    chart's substream inside a sheet's is not one of them)."""
    starts: list[int] = []
    depth = 0
    try:
        for at, kind, _ in _records(book, pos):
            if kind in BIFF_BOF:
                if depth == 0:
                    starts.append(at)
                depth += 1
            elif kind == 0x000A and depth:
                depth -= 1
    except Refused:  # the stream cut short: the sheets found before the cut stand
        pass
    return starts


def _biff_name(raw: bytes, version: int) -> str:
    if not raw:
        return ""
    count = raw[0]
    if version >= 0x0600 and len(raw) >= 2:
        wide = raw[1] & 1
        text = raw[2 : 2 + count * (2 if wide else 1)]
        return text.decode("utf-16-le" if wide else "latin-1", "replace")
    return raw[1 : 1 + count].decode("cp1252", "replace")


def _biff_extent(book: bytes, name: str, kind: str, offset: int) -> SheetFacts:
    """A sheet's extent from its substream's cell records (charts inside it
    skipped). Where its offset leads to no BOF record the records there are
    measured all the same: the reader reads them as the sheet."""
    records = _records(book, offset)
    if struct.unpack_from("<H", book, offset)[0] in BIFF_BOF:
        next(records, None)
    rows = cols = cells = 0
    depth = 1
    for _, record, body in records:
        if record in BIFF_BOF:
            depth += 1
        elif record == 0x000A:
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and len(body) >= 6 and record in BIFF_CELLS:
            row, col = struct.unpack_from("<HH", body)
            rows, cols, cells = max(rows, row + 1), max(cols, col + 1), cells + 1
        elif depth == 1 and len(body) >= 6 and record == 0x00BD:  # MULRK: several numbers in one row
            row, first_col = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            if last >= first_col:
                rows, cols, cells = max(rows, row + 1), max(cols, last + 1), cells + last - first_col + 1
    return SheetFacts(name, kind, rows, cols, cells)
