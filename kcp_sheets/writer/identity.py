"""The hidden identity sheet: which workbook this is, for the reader to know
it again, protected so nobody edits it by mistake."""

from __future__ import annotations

from ..content import IDENTITY_MARK
from .styles import Book


def identity(book: Book) -> None:
    """The mark, a plea to leave the sheet alone, and the workbook's identity, key by key."""
    ws = book.wb.add_worksheet(book.spec.common.identity_sheet)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 60)
    ws.write_string(0, 0, IDENTITY_MARK)
    ws.write_string(0, 1, "Please do not edit or delete this sheet: it tells the officer which workbook this is.")
    for row, (key, value) in enumerate(book.content.identity.items(), start=1):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.hide()
    ws.protect(book.content.password)
