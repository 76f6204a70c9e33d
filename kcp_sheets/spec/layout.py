"""A workbook's layout: its sheets, tables, columns, forms and blocks, and
where each thing is (which row holds the headers, which row a form field is
on), so the writer and the reader never disagree about a cell; and the
layout for one workbook, its placeholders filled."""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal, get_args

from ..problems import ProblemError, problem

CellKind = Literal["id", "fixed", "text", "score", "flag", "choice", "date"]
CELL_KINDS: tuple[str, ...] = get_args(CellKind)
INPUT_KINDS = ("text", "score", "flag", "choice", "date")
SCALES = ("achievement", "appropriateness", "health")
FLAG_CHOICES = ("Yes", "No")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    kind: CellKind
    stage: int = 0
    scale: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    fixed: bool = False
    per_earlier_year: bool = False
    per_scored_year: bool = False  # one column per earlier year with scores carried forward
    personal: bool = False  # names people (with organisations and roles): the public copy removes the people
    turned: bool = False  # header printed upwards, for a narrow column of ticks
    optional: bool = False  # shown and printed only when some row has a value in it
    formerly: tuple[str, ...] = ()  # headers it had in workbooks sent before: a return of one is still read

    @property
    def is_input(self) -> bool:
        return self.kind in INPUT_KINDS and not self.fixed


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: CellKind
    lines: int = 1
    help: str = ""


@dataclass(frozen=True)
class Paragraph:
    heading: str
    text: str


@dataclass(frozen=True)
class Table:
    """Rows of cells under one header row, each row keyed by its ID column."""

    columns: tuple[Column, ...]
    header_row: int = 0  # 1-based; for a form's table it is computed
    title: str = ""
    rows: int = 0  # fixed number of rows (form tables)
    id: str = ""  # ID pattern of fixed rows, e.g. AI-{n:02d}
    spare_rows: int = 0
    new_id: str = ""
    highlight_when: str = ""
    group_by: str = ""
    group_title: str = ""
    total_of: str = ""
    total_label: str = ""
    scored_by: tuple[str, ...] = ()
    agreed: str = ""
    excel_table: str = ""  # written as a filterable Excel table of this name
    repeat_columns: int = 1  # printed at the left of every page when the table is more than a page wide

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    def index(self, key: str) -> int:
        return self._indexes[key]

    @cached_property
    def _indexes(self) -> dict[str, int]:
        """Column positions by key, worked out once per table (a merge asks per cell)."""
        found: dict[str, int] = {}
        for i, c in enumerate(self.columns):
            found.setdefault(c.key, i)
        return found

    @property
    def inputs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_input)


@dataclass(frozen=True)
class Block:
    """A small table on a summary sheet."""

    key: str
    title: str
    columns: tuple[Column, ...]
    officer: bool = False  # the officer's working facts (file names, notes): never published


@dataclass(frozen=True)
class Chart:
    block: str
    title: str
    series: tuple[str, ...]
    colours: tuple[str, ...]
    height_rows: int


@dataclass(frozen=True)
class Sheet:
    name: str  # what people see on the tab
    kind: Literal["instructions", "table", "form", "summary"]
    title: str = ""
    subtitle: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    scale_heading: str = ""
    contacts_heading: str = ""
    table: Table | None = None
    fields: tuple[FormField, ...] = ()
    blocks: tuple[Block, ...] = ()
    chart: Chart | None = None
    key: str = ""  # what code calls it: content is keyed by this, so a tab can be renamed in the template alone
    first_row: int = 4  # a form's first field (1-based); labels in column A, values from B
    officer: bool = (
        False  # the officer's working sheet: hidden, so printing the workbook prints the papers; never published
    )

    def field_rows(self) -> dict[str, int]:
        """1-based row of each form field; the form's table follows them."""
        return {f.key: self.first_row + n for n, f in enumerate(self.fields)}

    form_value_col = 1  # 0-based: a form's labels are in column A, what is typed from column B
    title_cells = ((0, 0), (1, 0))  # 0-based (row, column) of every sheet's title and subtitle

    def form_last_col(self) -> int:
        """0-based last column of a form's value cells: they span its table's width."""
        return len(self.table.columns) - 1 if self.table else 3

    def form_table_header_row(self) -> int:
        """A blank row and the table's title row after the last field, then its headers."""
        return self.first_row + len(self.fields) + 2


@dataclass(frozen=True)
class Common:
    identity_sheet: str
    paper: str
    orientation: str
    font: str
    font_size: int
    date_format: str
    styles: dict[str, dict[str, Any]]
    smallest_print_scale: int = 85  # percent: below it printed text is smaller than 8.5 pt, so print wider instead


@dataclass(frozen=True)
class WorkbookSpec:
    template: str
    version: int
    title: str
    file_name: str
    footer_name: str
    sheets: tuple[Sheet, ...]
    protect: bool = True
    identity: bool = True
    common: Common = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    def sheet(self, key: str) -> Sheet:
        return next(s for s in self.sheets if s.key == key)

    def main_table(self) -> Sheet:
        """The sheet holding the rows a return is mostly about."""
        return next(s for s in self.sheets if s.kind == "table")

    def resolve(
        self, context: dict[str, Any], earlier_years: tuple[int, ...] = (), scored_years: tuple[int, ...] = ()
    ) -> WorkbookSpec:
        """The spec for one workbook: placeholders filled, per-year columns expanded."""
        fill = _Filler(context)
        sheets = []
        for sheet in self.sheets:
            table = sheet.table
            if table is not None:
                columns: list[Column] = []
                for col in table.columns:
                    if col.per_earlier_year or col.per_scored_year:
                        for year in earlier_years if col.per_earlier_year else scored_years:
                            columns.append(
                                replace(
                                    col,
                                    key=f"{col.key.removesuffix('_earlier')}_{year}",
                                    header=fill(col.header, earlier_year=year),
                                    per_earlier_year=False,
                                    per_scored_year=False,
                                )
                            )
                    else:
                        columns.append(replace(col, header=fill(col.header), help=fill(col.help)))
                table = replace(table, columns=tuple(columns), title=fill(table.title))
            blocks = tuple(
                replace(b, title=fill(b.title), columns=tuple(replace(c, header=fill(c.header)) for c in b.columns))
                for b in sheet.blocks
            )
            chart = replace(sheet.chart, title=fill(sheet.chart.title)) if sheet.chart else None
            sheets.append(
                replace(
                    sheet,
                    title=fill(sheet.title),
                    subtitle=fill(sheet.subtitle),
                    paragraphs=tuple(Paragraph(fill(p.heading), fill(p.text)) for p in sheet.paragraphs),
                    table=table,
                    blocks=blocks,
                    chart=chart,
                )
            )
        return replace(
            self,
            title=fill(self.title),
            file_name=fill(self.file_name),
            footer_name=fill(self.footer_name),
            sheets=tuple(sheets),
        )


class _Filler:
    """Fills {placeholders}; an unknown name is a template mistake, not a crash."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context

    def __call__(self, text: str, **extra: Any) -> str:
        try:
            return string.Formatter().vformat(text, (), {**self.context, **extra})
        except (KeyError, IndexError, ValueError) as exc:
            raise ProblemError(
                [
                    problem(
                        "template-invalid",
                        "workbook_templates",
                        detail=f"the placeholder {exc} in '{text[:60]}' is not known",
                    )
                ]
            ) from None
