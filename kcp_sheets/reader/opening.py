"""Opening a return into bounded sheets: its bytes become grids of cell
values, with error cells shown as their error text and the cells that hold
formulas marked.

What the file is comes from `formats.inspect`, which reads its structure
first; the reading library is then told the format rather than left to guess,
and no grid is built until every sheet's real extent (measured from its cells)
is known to fit the budget. A failure of the library, Rust panics included,
costs this one file a problem."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import xml.etree.ElementTree as ET  # noqa: N817 - parts were checked for entity declarations first
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import python_calamine as calamine

from ..formats import MAX_GRID_CELLS, ZIP_ERRORS, Facts, Refused, SheetFacts, inspect
from ..intake import Source
from ..spec import a1, cell_name
from .notes import cell_notes

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
    notes: list[tuple[str, int, int, str]] = field(default_factory=list)  # cell notes and comments: sheet, row, column, text


EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"  # what Excel encrypts with when a workbook is protected but given no password to open


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
    sheets = Sheets()
    # The library picks its reader by the file's extension: it is told the format we found.
    with tempfile.NamedTemporaryFile(prefix="kcp-", suffix=f".{facts.kind}", dir=SCRATCH) as file:
        file.write(facts.package or source.data)
        file.flush()
        path = file.name
        with _quiet_stderr():
            try:
                workbook = calamine.CalamineWorkbook.from_path(path)
            except calamine.PasswordError:
                report("file-encrypted")
                return None
            except calamine.CalamineError as exc:
                report("file-truncated", detail=_said(exc))
                return None
            with workbook:
                macro = {s.name for s in facts.sheets if s.kind == "macro"}
                for meta in workbook.sheets_metadata:
                    if meta.name in macro or meta.typ == calamine.SheetTypeEnum.MacroSheet:
                        continue
                    try:
                        sheets.grids[meta.name] = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                    except calamine.CalamineError as exc:
                        report("file-truncated", sheet=meta.name, detail=_said(exc, 120))
                        sheets.grids[meta.name] = []
                        sheets.damaged.add(meta.name)
    if facts.formulas_or_errors:
        _mark_errors_and_formulas(source, facts, sheets)
    sheets.formulas.update({s.name: s.formulas for s in facts.sheets if s.formulas})  # .ods: found while measuring
    sheets.notes = cell_notes(source.data, facts)
    return sheets


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


def _said(exc: BaseException, limit: int = 160) -> str:
    return (str(exc) or type(exc).__name__)[:limit]


def _mark_errors_and_formulas(source: Source, facts: Facts, sheets: Sheets) -> None:
    """calamine reads error cells as empty and formulas as their values; the
    sheet XML says which cells they are, so neither passes unnoticed."""
    try:
        marks = xlsx_cell_marks(source.data, {s.name: s.part for s in facts.sheets if s.part})
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


def saved_at(data: bytes) -> dt.datetime | None:
    """When the spreadsheet program last saved the workbook, from its own
    properties (docProps/core.xml, or meta.xml in .ods); None if not said."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            part, tag = ("docProps/core.xml", "{http://purl.org/dc/terms/}modified") if "docProps/core.xml" in names else ("meta.xml", "{http://purl.org/dc/elements/1.1/}date")
            if part not in names or archive.getinfo(part).file_size > 1024 * 1024:  # properties are a few hundred bytes
                return None
            found = ET.fromstring(archive.read(part)).find(f".//{tag}")
    except (*ZIP_ERRORS, ET.ParseError):
        return None
    if found is None or not found.text:
        return None
    try:
        when = dt.datetime.fromisoformat(found.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def xlsx_cell_marks(data: bytes, parts: dict[str, str]) -> dict[str, tuple[dict[tuple[int, int], str], set[tuple[int, int]]]]:
    """Per sheet name (its part found by formats.inspect): error cells with
    their text, and cells holding formulas (0-based). Rows are dropped once
    read, so memory does not grow with the sheet."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    marks: dict[str, tuple[dict[tuple[int, int], str], set[tuple[int, int]]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, part in parts.items():
            errors: dict[tuple[int, int], str] = {}
            formulas: set[tuple[int, int]] = set()
            rows: ET.Element | None = None
            with archive.open(part) as stream:
                for event, element in ET.iterparse(stream, events=("start", "end")):
                    if event == "start":
                        if element.tag == f"{ns}sheetData":
                            rows = element
                        continue
                    if element.tag == f"{ns}row" and rows is not None:
                        rows.clear()
                        continue
                    if element.tag != f"{ns}c":
                        continue
                    has_formula = element.find(f"{ns}f") is not None
                    if element.get("t") == "e" or has_formula:
                        where = a1(element.get("r", ""))
                        if where is not None:
                            if element.get("t") == "e":
                                value = element.find(f"{ns}v")
                                errors[where] = value.text if value is not None and value.text else "#ERROR"
                            if has_formula:
                                formulas.add(where)
            marks[name] = (errors, formulas)
    return marks
