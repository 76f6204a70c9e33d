"""The file: written aside under a name `unfinished.sweep` knows, its
document properties from the review, then each sheet by its kind, protected
where the spec says, and the hidden identity sheet last."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from .. import unfinished
from ..content import Content
from ..spec import WorkbookSpec
from . import paper
from .form import form
from .growing import GrowingSheet
from .identity import identity
from .instructions import instructions
from .styles import Book
from .summary import summary
from .table_sheet import table_sheet

STREAM_FROM_ROWS = 20_000  # larger workbooks are streamed row by row (xlsxwriter constant_memory)
PROTECTION = {
    "autofilter": True,
    "format_columns": True,
    "format_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


def write_workbook(spec: WorkbookSpec, content: Content, path: Path, stream_from_rows: int = STREAM_FROM_ROWS) -> Path:
    """Render the workbook atomically at `path`."""
    aside = write_aside(spec, content, path, stream_from_rows)
    os.replace(aside, path)
    return path


def write_aside(spec: WorkbookSpec, content: Content, path: Path, stream_from_rows: int = STREAM_FROM_ROWS) -> Path:
    """Render the workbook beside `path` under a name `unfinished.sweep` knows,
    to be renamed into place once what records it is committed; a run killed
    before then leaves a file the next run removes, never a half-written one.
    A workbook of more than `stream_from_rows` rows is written row by row,
    in little memory, without Excel tables or rows laid out page by page."""
    tmp = unfinished.aside(path)
    try:
        large = sum(len(rows) for rows in content.rows.values()) > stream_from_rows
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        options.update({"constant_memory": True} if large else {"in_memory": True})
        workbook = xlsxwriter.Workbook(str(tmp), options)
        workbook.worksheet_class = GrowingSheet
        render(Book(workbook, spec, content, streaming=large))
        workbook.close()
    except FileCreateError as exc:  # the disk full, say: said of the file asked for, as any OSError is
        tmp.unlink(missing_ok=True)
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise OSError(cause.errno, cause.strerror or str(cause), str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def render(book: Book) -> None:
    """The document's properties, every sheet in the spec's order, and the identity sheet."""
    spec, content = book.spec, book.content
    book.wb.set_properties(
        {
            "title": spec.title,
            "subject": spec.template,
            "author": content.author,
            "company": content.company,
            "created": dt.datetime.combine(content.created, dt.time(9, 0)),
            "keywords": f"{spec.template} v{spec.version}",
            "comments": "Made by kcp-sheets. Fill the coloured cells and e-mail the workbook back.",
        }
    )
    for sheet in spec.sheets:
        ws = book.wb.add_worksheet(sheet.name)
        paper.page_setup(book, ws)
        if sheet.kind == "instructions":
            instructions(book, ws, sheet)
        elif sheet.kind == "table":
            assert sheet.table is not None
            table_sheet(book, ws, sheet, sheet.table)
        elif sheet.kind == "summary":
            summary(book, ws, sheet)
        else:
            form(book, ws, sheet)
        if sheet.officer:
            ws.hide()
        if spec.protect:
            ws.protect(content.password, PROTECTION)
    if spec.identity:
        identity(book)
