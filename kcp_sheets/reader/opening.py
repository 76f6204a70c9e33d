"""Opening a return into bounded sheets: its bytes become grids of cell
values, with error cells shown as their error text and the cells that hold
formulas marked.

What the file is comes from `formats.inspect`, which reads its structure
first; the reading library is then told the format rather than left to guess,
and no grid is built until every sheet's real extent (measured from its cells)
is known to fit the budget. A flat file (.fods aside) was read while it was
measured. Where the library fails, Rust panics included, a second reader
tries (xlrd for .xls, openpyxl for .xlsx); only what neither reads costs the
file a problem, in words that say what is wrong with it."""

from __future__ import annotations

import io
import os
import sys
import tempfile
import xml.etree.ElementTree as ET  # the parse error the marks may raise
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import python_calamine as calamine

from .. import deadline
from ..formats import MAX_GRID_CELLS, ZIP_ERRORS, Facts, Refused, SheetFacts, inspect, saved_at, xlsx_cell_marks
from ..intake import Source
from ..spec import cell_name
from .notes import cell_notes
from .second import Unread, xls_grids, xlsx_grids

Grid = list[list[Any]]
# Where the bytes are handed to the library as a file: memory-backed where the system has it.
SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
Report = Callable[..., None]


@dataclass
class Sheets:
    """A workbook's sheets as grids of cell values (0-based rows and columns)."""

    grids: dict[str, Grid] = field(default_factory=dict)
    formulas: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # by sheet name
    damaged: set[str] = field(default_factory=set)  # sheets the library could not read: already reported
    notes: list[tuple[str, int, int, str]] = field(
        default_factory=list
    )  # cell notes and comments: sheet, row, column, text
    received: zipfile.ZipFile | None = None  # the file as received, opened by the cheap look: read for its properties


EXCEL_DEFAULT_PASSWORD = (
    "VelvetSweatshop"  # what Excel encrypts with when a workbook is protected but given no password to open
)


def open_sheets(source: Source, report: Report, look: Callable[[bytes], Facts] = inspect) -> Sheets | None:
    """Every sheet of the source, or None (with a problem reported) if it cannot
    be opened. `look` says what the file is: the full inspection, or in a
    worker process with limits of its own a cheap look (`glance`)."""
    try:
        facts = look(source.data)
    except Refused as refused:
        opened = _with_default_password(source.data) if refused.code == "file-encrypted" else None
        if opened is None:
            report(refused.code, **refused.facts)
            return None
        source = replace(source, data=opened)  # the same return (its hash is the file's), read as decrypted
        try:
            facts = inspect(opened)
        except Refused as again:
            report(again.code, **again.facts)
            return None
    if facts.macros:
        report("file-macro")
    for sheet in facts.sheets:
        if sheet.kind == "macro":
            report("file-macro-sheet", sheet=sheet.name)
        elif sheet.kind == "missing":
            report("file-truncated", sheet=sheet.name, detail=f"the sheet '{sheet.name}' is missing from the file")
    if not _fits(facts.sheets, report):
        return None
    if facts.cells is not None:  # a flat file, read while it was measured
        if facts.kind == "csv":
            report("file-csv")
        return Sheets(
            {s.name: facts.cells[s.name].grid() for s in facts.sheets},
            {s.name: s.formulas for s in facts.sheets if s.formulas},
        )
    sheets = Sheets()
    data = facts.package or source.data
    try:
        failed = _first_reader(data, facts, sheets)
    except calamine.PasswordError:
        report("file-encrypted")
        return None
    except (KeyboardInterrupt, SystemExit, deadline.ReadTooLong):
        raise
    except BaseException:  # noqa: BLE001 - the library's error, or its panic (a BaseException)
        failed = None
    if (failed is None or failed) and not _second_reader(data, facts, sheets, failed, report):
        return None
    if facts.declared and not _fits_as_built(sheets.grids, report):
        return None  # a dimension that understated the sheet: the worker reads it again fully inspected
    if facts.formulas_or_errors:
        _mark_errors_and_formulas(data, facts, sheets)
    sheets.formulas.update({s.name: s.formulas for s in facts.sheets if s.formulas})  # .ods: found while measuring
    sheets.notes = cell_notes(data, facts)
    sheets.received = facts.archive  # of the bytes received, which the look was given
    return sheets


# Why a file neither reader could read is damaged, in words the officer can pass on.
DAMAGE = {
    "xlsx": "its Excel content does not follow the format, so its sheets cannot be read",
    "ods": "its OpenDocument content does not follow the format, so its sheets cannot be read",
    "xls": "its Excel 97-2003 workbook stream does not follow the format, so its sheets cannot be read",
}


SECOND = {"xls": xls_grids, "xlsx": xlsx_grids}


def _first_reader(data: bytes, facts: Facts, sheets: Sheets) -> list[str]:
    """The sheets as python-calamine reads them, and the names of those it
    could not read. A whole workbook it cannot open (or panics on) raises."""
    failed: list[str] = []
    with _library_workbook(data, facts) as workbook:
        unread = {
            s.name for s in facts.sheets if s.kind in ("macro", "missing")
        }  # not run; or not found, so not measured
        for meta in workbook.sheets_metadata:
            if meta.name in unread or meta.typ == calamine.SheetTypeEnum.MacroSheet:
                continue
            try:
                sheets.grids[meta.name] = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except (KeyboardInterrupt, SystemExit, deadline.ReadTooLong):
                raise
            except BaseException:  # noqa: BLE001 - the library's error, or its panic
                failed.append(meta.name)
    return failed


@contextmanager
def _library_workbook(data: bytes, facts: Facts) -> Iterator[calamine.CalamineWorkbook]:
    """The workbook opened by python-calamine, told the format found: it picks
    its reader by a file's extension, so the bytes go to a file named for the
    format, since from memory it tries formats in turn. A package the cheap
    look vouched for (`Facts.declared`) is read from memory all the same: it
    is a zip (never an .xls) holding none of the parts an .xlsb or .ods reader
    takes, so only the .xlsx reader can read it; a temporary file is spared."""
    if facts.declared:
        with _quiet_stderr(), calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            yield workbook
        return
    with tempfile.NamedTemporaryFile(prefix="kcp-", suffix=f".{facts.kind}", dir=SCRATCH) as file:
        file.write(data)
        file.flush()
        with _quiet_stderr(), calamine.CalamineWorkbook.from_path(file.name) as workbook:
            yield workbook


def _second_reader(data: bytes, facts: Facts, sheets: Sheets, failed: list[str] | None, report: Report) -> bool:
    """The sheets the first reader failed on (None: the whole workbook) read by
    the second, where there is one; what neither reads is reported in plain
    words. False if nothing of the workbook could be read."""
    wanted = {s.name for s in facts.sheets if s.kind == "worksheet"} if failed is None else set(failed)
    second = SECOND.get(facts.kind)
    try:
        found = second(data, wanted) if second is not None else {}
    except Unread:
        found = {}
    sheets.grids.update(found)
    if failed is None and not found:
        report("file-truncated", detail=DAMAGE[facts.kind])
        return False
    for name in sorted(wanted - set(found)) if failed is not None else []:
        report(
            "file-truncated", sheet=name, detail=f"the sheet '{name}' does not follow the format, so it cannot be read"
        )
        sheets.grids[name] = []
        sheets.damaged.add(name)
    return True


def _with_default_password(data: bytes) -> bytes | None:
    """A workbook Excel encrypted with its well-known default password (the
    sender set none; Excel and LibreOffice open it without asking), decrypted;
    None if it has a real password. Its contents are then inspected as any
    return's are."""
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=EXCEL_DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception:  # noqa: BLE001 - any failure means a real password, or not an encryption the library knows
        return None
    return out.getvalue()


def _fits(sheets: list[SheetFacts], report: Report) -> bool:
    """Whether every sheet's grid, from A1 to its farthest value, fits the budget
    together; if not, the sheets that spread farthest are named."""
    total = sum(s.grid for s in sheets)
    if total <= MAX_GRID_CELLS:
        return True
    for sheet in sorted(sheets, key=lambda s: -s.grid):
        if total <= MAX_GRID_CELLS:
            break
        total -= sheet.grid
        spread = f"{sheet.rows:,} rows by {sheet.cols:,} columns ({sheet.cells:,} values)"
        report("sheet-too-large", sheet=sheet.name, detail=spread, far=cell_name(sheet.rows, sheet.cols - 1))
    return False


def _fits_as_built(grids: dict[str, Grid], report: Report) -> bool:
    """Whether the grids the library built fit the budget, for sheets whose
    extent was only declared; if not, the sheets that spread farthest are named."""
    extents = {name: (len(grid), max(map(len, grid), default=0)) for name, grid in grids.items()}
    if sum(rows * cols for rows, cols in extents.values()) <= MAX_GRID_CELLS:
        return True
    valued = {name: sum(v is not None and v != "" for row in grid for v in row) for name, grid in grids.items()}
    return _fits([SheetFacts(n, rows=r, cols=c, cells=valued[n]) for n, (r, c) in extents.items()], report)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """The reading library prints a panic to stderr before Python sees it; the
    officer sees the file's problem line instead, never a backtrace."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, 2)
            yield
        finally:  # each step runs even if a read's time limit goes off in another
            try:
                os.dup2(saved, 2)
            finally:
                os.close(sink)
    finally:
        os.close(saved)


def _mark_errors_and_formulas(data: bytes, facts: Facts, sheets: Sheets) -> None:
    """calamine reads error cells as empty and formulas as their values; the
    sheet XML says which cells they are, so neither passes unnoticed."""
    try:
        marks = xlsx_cell_marks(data, {s.name: s.part for s in facts.sheets if s.part})
    except (*ZIP_ERRORS, ET.ParseError):
        return
    for name, (errors, formulas) in marks.items():
        grid = sheets.grids.get(name)
        if grid is None:
            continue
        for (r, c), text in errors.items():
            if r < len(grid) and c < len(grid[r]):
                grid[r][c] = text
        sheets.formulas[name] = formulas


__all__ = ["Grid", "Sheets", "open_sheets", "saved_at", "xlsx_cell_marks"]
