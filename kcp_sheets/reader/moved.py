"""Answers cut away: the evidence a file keeps of a block of answers moved.

Every answer cell of a tracker is sent unlocked (the stage's fill, the
drop-down). Cutting a block of answers and pasting it elsewhere leaves the
cells it came from empty and with the sheet's default format, locked, in
Excel and LibreOffice alike, and the file keeps that: the cell's style in an
.xlsx, its style name in an .ods. So an empty answer cell that is no longer
unlocked is a cell whose answer was cut from it. Only the cells asked about
are looked at (the empty answer cells of a row beside answered rows), so a
read stays fast. An .xls keeps its formats in binary records the reading
library does not give: no evidence is read there (the README says so).
"""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET  # the file passed formats.inspect (no entity declarations) before any read
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..cellref import a1, cell_name
from ..formats import ZIP_ERRORS
from .notes import MAIN, RELS, TABLE, _read

if TYPE_CHECKING:
    from .reading import Reading

STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
Cell = tuple[int, int]  # row, column (0-based)


def locked_cells(data: bytes, sheet: str, cells: Iterable[Cell]) -> set[Cell] | None:
    """Which of `cells` on `sheet` are locked (the default format) in the
    file; None where the format keeps no evidence or it cannot be read."""
    wanted = set(cells)
    if not wanted:
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "content.xml" in names:
                return _ods(archive, sheet, wanted)
            part = _xlsx_part(archive, names, sheet)
            return _xlsx(archive, part, wanted) if part else None
    except (*ZIP_ERRORS, ET.ParseError, KeyError, ValueError):
        return None  # an .xls, or parts that cannot be read: no evidence either way


def _xlsx_part(archive: zipfile.ZipFile, names: set[str], sheet: str) -> str:
    """The part holding the named sheet, by the package's relationships (the
    file was inspected whole before it was read; this finds one part again)."""
    book = next(
        (
            r.get("Target", "")
            for r in ET.fromstring(_read(archive, "_rels/.rels")).iter(f"{RELS}Relationship")
            if r.get("Type", "").endswith("/officeDocument")
        ),
        "",
    ).lstrip("/")
    rels = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
    if book not in names or rels not in names:
        return ""
    ident = next(
        (
            s.get(f"{{{DOC_RELS}}}id", "")
            for s in ET.fromstring(_read(archive, book)).iter(f"{MAIN}sheet")
            if s.get("name") == sheet
        ),
        "",
    )
    target = next(
        (
            r.get("Target", "")
            for r in ET.fromstring(_read(archive, rels)).iter(f"{RELS}Relationship")
            if r.get("Id") == ident and ident
        ),
        "",
    )
    part = (
        target.lstrip("/")
        if target.startswith("/")
        else posixpath.normpath(posixpath.join(posixpath.dirname(book), target))
    )
    return part if target and part in names else ""


def _xlsx(archive: zipfile.ZipFile, part: str, wanted: set[Cell]) -> set[Cell]:
    """An .xlsx cell is locked unless its style's protection says locked="0";
    a cell the sheet does not list takes its row's style, else its column's."""
    locked_styles = _xlsx_locked_styles(archive)
    last = max(r for r, _ in wanted)
    by_cell: dict[Cell, int] = {}
    row_style: dict[int, int] = {}
    col_style: dict[int, int] = {}
    with archive.open(part) as stream:
        for _, element in ET.iterparse(stream, events=("end",)):
            tag = element.tag
            if tag == f"{MAIN}col":
                for c in range(int(element.get("min", "1")) - 1, min(int(element.get("max", "1")), 16384)):
                    col_style[c] = int(element.get("style", "0") or 0)
            elif tag == f"{MAIN}c":
                where = a1(element.get("r", ""))
                if where in wanted:
                    by_cell[where] = int(element.get("s", "0") or 0)
            elif tag == f"{MAIN}row":
                r = int(element.get("r", "0") or 0) - 1
                if element.get("customFormat") in ("1", "true"):
                    row_style[r] = int(element.get("s", "0") or 0)
                element.clear()
                if r >= last:
                    break
    return {(r, c) for r, c in wanted if by_cell.get((r, c), row_style.get(r, col_style.get(c, 0))) in locked_styles}


def _xlsx_locked_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell formats that lock their cells (all but those saying locked="0")."""
    names = set(archive.namelist())
    part = next((n for n in ("xl/styles.xml", "xl/Styles.xml") if n in names), "")
    if not part:
        return {0}
    root = ET.fromstring(_read(archive, part))
    xfs = root.find(f"{MAIN}cellXfs")
    locked = set()
    for n, xf in enumerate(xfs if xfs is not None else []):
        protection = xf.find(f"{MAIN}protection")
        if protection is None or protection.get("locked", "1") not in ("0", "false"):
            locked.add(n)
    return locked


def _ods(archive: zipfile.ZipFile, sheet: str, wanted: set[Cell]) -> set[Cell]:
    """An .ods cell is locked unless its style (or its column's default) says cell-protect="none"."""
    unlocked_styles: set[str] = set()
    last = max(r for r, _ in wanted)
    styles: dict[Cell, str] = {}
    col_default: list[str] = []
    in_row: dict[int, str] = {}  # the style of each cell asked about on the row being read
    columns = sorted({c for _, c in wanted})
    inside, row, col = False, -1, 0
    with archive.open("content.xml") as stream:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{{{TABLE}}}table":
                    inside = element.get(f"{{{TABLE}}}name") == sheet
                elif tag == f"{{{TABLE}}}table-row" and inside:
                    row, col = row + 1, 0
                continue
            if tag == f"{{{STYLE}}}style":
                props = element.find(f"{{{STYLE}}}table-cell-properties")
                if props is not None and props.get(f"{{{STYLE}}}cell-protect") == "none":
                    unlocked_styles.add(element.get(f"{{{STYLE}}}name", ""))
            elif not inside:
                if tag == f"{{{TABLE}}}table-row":
                    element.clear()
            elif tag == f"{{{TABLE}}}table-column":
                repeat = min(
                    int(element.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1),
                    max(0, columns[-1] + 1 - len(col_default)),
                )
                col_default += [element.get(f"{{{TABLE}}}default-cell-style-name", "Default")] * repeat
            elif tag in (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"):
                repeat = int(element.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1)
                style = element.get(f"{{{TABLE}}}style-name")
                for c in columns:  # only the columns asked about: a row's last cell repeats to the sheet's edge
                    if col <= c < col + repeat:
                        in_row[c] = style or (col_default[c] if c < len(col_default) else "Default")
                col += repeat
                element.clear()
            elif tag == f"{{{TABLE}}}table-row":
                repeat = int(element.get(f"{{{TABLE}}}number-rows-repeated", "1") or 1)
                styles.update(
                    {
                        (r, c): s
                        for r in range(row, min(row + repeat, last + 1))
                        for c, s in in_row.items()
                        if (r, c) in wanted
                    }
                )
                row += repeat - 1
                in_row = {}
                element.clear()
                if row >= last:
                    break
            elif tag == f"{{{TABLE}}}table":
                inside = False
    return {cell for cell in wanted if styles.get(cell, "Default") not in unlocked_styles}


def report_cut(
    reading: Reading, sheet_name: str, ids: dict[int, str], answered: set[int], inputs: list[int], spilled: set[int]
) -> None:
    """Name the answers that moved when a block was cut from rows of actions
    and pasted among them: the rows it left (empty, and locked now) and the
    answered rows of the actions on either side, up to a row that is not an
    action's, since how far the block reached cannot be known.
    `ids` is each row of an action (0-based) by the ID it was read as; a block
    that reached a row with no action (`spilled`) is named there already."""
    if not inputs:
        return
    # Runs of action rows with no answer, beside an answered action row: where a cut may have left.
    runs = [
        run
        for run in _runs(r for r in ids if r not in answered)
        if any(s in answered and s in ids for s in (run[0] - 1, run[-1] + 1))
    ]
    if not runs:
        return
    beside = {s for run in runs for s in (run[0] - 1, run[-1] + 1) if s in answered and s in ids}
    asked = [(r, c) for r in (*beside, *(r for run in runs for r in run)) for c in inputs]
    locked = locked_cells(reading.result.source.data, sheet_name, asked)
    if not locked or 2 * sum(r in beside for r, _ in locked) > len(beside) * len(inputs):
        return  # nothing cut, or a program that kept no answer formats: no evidence either way
    left = {r for r, _ in locked if r not in beside}
    vacated = _runs(sorted(left))
    for run in vacated:
        k = f"{len(run)} row{'s' if len(run) > 1 else ''}"
        moved = []  # each way the block may have gone: its rows, and the way
        for step, direction in ((1, "down"), (-1, "up")):
            s, block = (run[-1] if step > 0 else run[0]) + step, []
            while (
                s in ids and s not in left
            ):  # the block may have held empty rows too: every answered row of the run of actions
                if s in answered:
                    block.append(s)
                s += step
            if block and s not in spilled:
                moved.append((sorted(block), direction))
        if moved:
            said = " or ".join(
                (
                    f"rows {_rows(block)} ({', '.join(ids[r] for r in block)}) may hold the answers of "
                    f"{_came_from(block, len(run) if way == 'down' else -len(run), ids)}, moved {k} {way}"
                )
                for block, way in moved
            )
            reading.add(
                "answers-cut",
                sheet=sheet_name,
                cell=cell_name(run[0] + 1, min(inputs)),
                row_id=ids[run[0]],
                detail=_rows(run),
                left=", ".join(ids[r] for r in run),
                moved=said,
                ids=", ".join(ids[r] for block, _ in moved for r in block),
            )


def _runs(rows: Iterable[int]) -> list[list[int]]:
    """Consecutive rows, grouped."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and runs[-1][-1] == r - 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    return runs


def _came_from(block: list[int], by: int, ids: dict[int, str]) -> str:
    """The rows (and their actions) a block `by` rows further down came from."""
    rows = [r - by for r in block]
    named = [ids[r] for r in rows if r in ids]
    return f"rows {_rows(rows)}" + (f" ({', '.join(named)})" if named else "")


def _rows(rows: list[int]) -> str:
    return f"{rows[0] + 1}" if len(rows) == 1 else f"{rows[0] + 1}-{rows[-1] + 1}"
