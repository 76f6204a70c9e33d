"""Opening a return: its bytes become sheets of cells (grids), with error
cells shown as their error text and the cells that hold formulas marked."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import xml.etree.ElementTree as ET  # noqa: N817 - parts were checked for entity declarations first

import python_calamine as calamine

from ..intake import ZIP_ERRORS, Source

Grid = list[list[Any]]
Report = Callable[..., None]


@dataclass
class Sheets:
    """A workbook's sheets as grids of cell values (0-based rows and columns)."""

    grids: dict[str, Grid] = field(default_factory=dict)
    formulas: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # by sheet name


def open_sheets(source: Source, report: Report) -> Sheets | None:
    """Every sheet of the source, or None (with a problem reported) if it cannot be opened."""
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(source.data))
    except calamine.PasswordError:
        report("file-encrypted")
        return None
    except (calamine.ZipError, calamine.XmlError) as exc:
        report("file-truncated", detail=str(exc)[:160])
        return None
    except calamine.CalamineError as exc:
        report("file-unreadable", detail=str(exc)[:160])
        return None
    sheets = Sheets()
    for meta in workbook.sheets_metadata:
        try:
            sheets.grids[meta.name] = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except calamine.CalamineError as exc:
            report("file-truncated", sheet=meta.name, detail=str(exc)[:120])
            sheets.grids[meta.name] = []
    if source.formulas_or_errors:
        _mark_errors_and_formulas(source, sheets)
    return sheets


def _mark_errors_and_formulas(source: Source, sheets: Sheets) -> None:
    """calamine reads error cells as empty and formulas as their values; the
    sheet XML says which cells they are, so neither passes unnoticed."""
    try:
        marks = xlsx_cell_marks(source.data)
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
            if part not in names:
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


def xlsx_cell_marks(data: bytes) -> dict[str, tuple[dict[tuple[int, int], str], set[tuple[int, int]]]]:
    """Per sheet name: error cells with their text, and cells holding formulas (0-based)."""
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    marks: dict[str, tuple[dict[tuple[int, int], str], set[tuple[int, int]]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        for sheet in book.iter(f"{ns}sheet"):
            target = targets.get(sheet.get(f"{rel_ns}id"), "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if part not in archive.namelist():
                continue
            errors: dict[tuple[int, int], str] = {}
            formulas: set[tuple[int, int]] = set()
            with archive.open(part) as stream:
                for _, element in ET.iterparse(stream):
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
                    element.clear()
            marks[sheet.get("name", "")] = (errors, formulas)
    return marks


def a1(ref: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not match:
        return None
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1
