"""The reader: a returned workbook plus the spec it was sent with, read back
into records and problems.

Rows are matched by their ID, columns by their header and form fields by
their label, so sorting, moving, hiding, re-saving and re-formatting do not
matter. Every non-empty cell of every sheet is either taken into a record or
reported, so nothing typed is silently dropped.

One module per step of a read, in the order data flows:
`opening` (bytes -> sheets of cells), `recognising` (which workbook this is),
`table` and `form` (cells -> values), `moved` (the formats a cut leaves),
`accounting` (every cell taken or reported), `stage` (what the return still
lacks); `reading` runs them and `records` holds what comes out. `crossed`
compares the returns of one check with each other.
"""

from .opening import xlsx_cell_marks
from .reading import read_source
from .records import Return, Row
from .table import find_header

__all__ = ["Return", "Row", "find_header", "read_source", "xlsx_cell_marks"]
