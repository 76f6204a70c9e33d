"""What inspecting a file finds: its format and each sheet's real extent,
or the one reason it must not be parsed; and the limits a file must keep."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any

MAX_UNZIPPED = 256 * 1024 * 1024  # the whole package, pictures included
MAX_PART = 64 * 1024 * 1024  # one part a parser reads (a sheet, the shared strings)
MAX_RATIO = 200
MAX_PARTS = 2000
MAX_GRID_CELLS = 2_000_000  # rows x columns of every sheet of one file, as grids
MAX_SHARED_STRINGS = 2_000_000
MAX_FORMULA_CELLS = 100_000  # formula cells marked per sheet; a workbook of ours has none typed


@dataclass(frozen=True)
class SheetFacts:
    """One sheet as its file declares it, with the extent its cells really take."""

    name: str
    kind: str = "worksheet"  # worksheet, chart, dialog, macro (Excel 4 macros)
    rows: int = 0  # one past the last row holding a value
    cols: int = 0  # one past the last column holding a value
    cells: int = 0  # cells holding a value
    part: str = ""  # the package part of an .xlsx sheet
    formulas: set[tuple[int, int]] = field(default_factory=set)  # .ods cells holding a formula (0-based)

    @property
    def grid(self) -> int:
        """Cells in the grid from A1 to the farthest value."""
        return self.rows * self.cols


@dataclass
class Facts:
    """What inspection found in a file that may be parsed."""

    kind: str  # "xlsx", "xls" or "ods": the format to open it as
    sheets: list[SheetFacts] = field(default_factory=list)
    macros: bool = False
    formulas_or_errors: bool = False  # some .xlsx sheet holds <f> or t="e" cells
    # the file as the reading library takes it (parts where it looks, names and XML normalised), if not as received
    package: bytes = b""
    cells: dict[str, Any] | None = None  # a flat file's sheets (formats.flat.Cells), read here: no library reads it
    parts_read: set[str] = field(default_factory=set)  # parts already checked whole
    # The sheets' extents as their files declare them, not measured from their cells (the cheap
    # look, in a worker with limits of its own): the grids the library builds are measured instead.
    declared: bool = False
    # The package as the cheap look opened it: the notes and the file's properties are read
    # from it rather than from the package opened again.
    archive: zipfile.ZipFile | None = None


class Refused(Exception):
    """The file must not be parsed: the problem code, and the facts its message needs."""

    def __init__(self, code: str, **facts: str) -> None:
        super().__init__(code)
        self.code, self.facts = code, facts
