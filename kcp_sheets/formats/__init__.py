"""What a returned file really is, read from its own structure before any
spreadsheet library sees it.

The file's name is not trusted: the bytes say whether it is an .xlsx package
(`ooxml`, its sheets by `sheet_xml`), an .xls compound file (`xls`), an
OpenDocument spreadsheet (`ods`), an .xlsb, a workbook from Excel 2-4, a
password-protected workbook of any kind, a spreadsheet saved as one XML or
text file (`flat`), or something else (`kind` tells them apart). For what
can be read, the parts actually used are found by following the package's
relationships, checked for entity tricks and size (`zipsafe`), written as
the format means them where a program wrote them its own way (`normal`),
and every sheet's real extent is measured from its cells (never from a
declared dimension), so an absurd sheet is refused before a grid is built
(`facts` holds what is found and the limits). Only a real hazard is refused
where a reader could read the file.

This package imports nothing from the reader or above it.
"""

from .facts import MAX_FORMULA_CELLS, MAX_GRID_CELLS, MAX_PART, MAX_UNZIPPED, Facts, Refused, SheetFacts
from .kind import inspect
from .saved import saved_at
from .sheet_xml import xlsx_cell_marks
from .zipsafe import ZIP_ERRORS, no_entities

__all__ = [
    "MAX_FORMULA_CELLS",
    "MAX_GRID_CELLS",
    "MAX_PART",
    "MAX_UNZIPPED",
    "ZIP_ERRORS",
    "Facts",
    "Refused",
    "SheetFacts",
    "inspect",
    "no_entities",
    "saved_at",
    "xlsx_cell_marks",
]
