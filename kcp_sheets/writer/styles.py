"""The workbook being written: its spec and content, its formats by style
name, and the style of each column of a table in a plain, a highlighted and
a spare row. Every sheet's module is handed one `Book`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from ..content import Content
from ..spec import Table, WorkbookSpec

RowStyles = list[tuple[str, float, tuple[str, str, str]]]  # per column: key, width, styles (plain, highlighted, spare)


@dataclass
class Book:
    """What every part of the workbook is written with."""

    wb: Workbook
    spec: WorkbookSpec
    content: Content
    streaming: bool = False  # rows written one by one (xlsxwriter constant_memory): no tables, no laying out
    formats: dict[str, Format] = field(default_factory=dict)
    date_formats: dict[str, Format] = field(default_factory=dict)
    _styles: dict[int, tuple[Table, RowStyles]] = field(
        default_factory=dict
    )  # by id, the table kept so its id is never reused

    def __post_init__(self) -> None:
        common = self.spec.common
        base: dict[str, Any] = {"font_name": common.font, "font_size": common.font_size}
        self.formats = {name: self.wb.add_format({**base, **style}) for name, style in common.styles.items()}
        self.date_formats = {
            # Left, as text is: a column of due dates reads one way, "31/12/2004" beside "March 2005".
            name: self.wb.add_format({**base, **style, "num_format": common.date_format, "align": "left"})
            for name, style in common.styles.items()
        }

    def row_styles(self, table: Table) -> RowStyles:
        """Per column: key, width and its style in a plain, a highlighted and a spare row."""
        held, cached = self._styles.get(id(table), (None, None))
        if held is not table or cached is None:
            cached = []
            for column in table.columns:
                entry = "stage2" if column.stage == 2 else "stage1"
                if column.kind == "id":
                    styles = ("fixed", "fixed", "fixed")
                elif column.is_input:
                    styles = (entry, entry, entry)
                else:
                    styles = ("fixed", "highlight", entry)  # a spare row's every cell is typed in
                cached.append((column.key, column.width, styles))
            self._styles[id(table)] = (table, cached)
        return cached
