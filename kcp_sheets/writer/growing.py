"""A worksheet whose rows can be given a height and still grow.

A row written with a height is marked as sized by hand (customHeight), and
neither Excel nor LibreOffice ever resizes such a row, so what is typed into
it is cut off. LibreOffice does not size rows when it opens a file, so a row
with pre-filled text needs a height. Rows in `growing` get their height
without the mark: shown whole when opened, and refitted by either program as
soon as something is typed in them.

xlsxwriter (3.3.1) has no public way to give a row a height without the
mark: `set_row` and `set_row_pixels` write customHeight whenever a row has a
height other than the default, and their options are only hidden, level and
collapsed. So the mark is dropped where the `<row>` element is written, in
the two private methods that write it (streamed or not). The subclass itself
is how xlsxwriter's own examples extend a worksheet (a class given to
`add_worksheet`; here `Workbook.worksheet_class`). Rewriting the sheets' XML
after the file is closed would need no private method but would read every
sheet back.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from ..pages import MAX_ROW_HEIGHT


class GrowingSheet(Worksheet):
    """A worksheet that knows the heights it gave its rows, and lets them grow."""

    def __init__(self) -> None:
        super().__init__()
        self.growing: set[int] = set()  # 1-based row numbers
        self.heights: dict[int, float] = {}  # 0-based row: points, of the rows given a height

    def fit_row(self, row: int, height: float) -> None:
        """Give a row (0-based) the height its pre-filled text needs, free to grow."""
        self.set_row(row, min(MAX_ROW_HEIGHT, height))
        self.heights[row] = min(MAX_ROW_HEIGHT, height)
        self.growing.add(row + 1)

    def _xml_start_tag_unencoded(self, tag: str, attributes: Any = None) -> None:
        super()._xml_start_tag_unencoded(tag, self._free(tag, attributes))

    def _xml_empty_tag_unencoded(self, tag: str, attributes: Any = None) -> None:
        super()._xml_empty_tag_unencoded(tag, self._free(tag, attributes))

    def _free(self, tag: str, attributes: Any) -> Any:
        if tag == "row" and attributes and attributes[0][1] in self.growing:
            return [a for a in attributes if a[0] != "customHeight"]
        return attributes
