"""The spec: what a workbook is, read from workbook_templates/.

Every sheet, column, header, width, kind of cell and position is declared in
a template file; this module loads and checks those files and answers where
things are (which row holds the headers, which row a form field is on), so
the writer and the reader never disagree about a cell.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from .cellref import a1, cell_name, column_letter
from .problems import ProblemError, problem

CellKind = Literal["id", "fixed", "text", "score", "flag", "choice", "date"]
CELL_KINDS: tuple[str, ...] = get_args(CellKind)
INPUT_KINDS = ("text", "score", "flag", "choice", "date")
SCALES = ("achievement", "appropriateness", "health")
FLAG_CHOICES = ("Yes", "No")
TEMPLATES = ("cluster_tracker", "partnership_health", "accreditation_review", "return_problems", "improvement_plan")


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
    officer: bool = False  # the officer's working sheet: hidden, so printing the workbook prints the papers; never published

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

    def resolve(self, context: dict[str, Any], earlier_years: tuple[int, ...] = (), scored_years: tuple[int, ...] = ()) -> WorkbookSpec:
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
                            columns.append(replace(col, key=f"{col.key.removesuffix('_earlier')}_{year}", header=fill(col.header, earlier_year=year), per_earlier_year=False, per_scored_year=False))
                    else:
                        columns.append(replace(col, header=fill(col.header), help=fill(col.help)))
                table = replace(table, columns=tuple(columns), title=fill(table.title))
            blocks = tuple(replace(b, title=fill(b.title), columns=tuple(replace(c, header=fill(c.header)) for c in b.columns)) for b in sheet.blocks)
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
        return replace(self, title=fill(self.title), file_name=fill(self.file_name), footer_name=fill(self.footer_name), sheets=tuple(sheets))


class _Filler:
    """Fills {placeholders}; an unknown name is a template mistake, not a crash."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context

    def __call__(self, text: str, **extra: Any) -> str:
        try:
            return string.Formatter().vformat(text, (), {**self.context, **extra})
        except (KeyError, IndexError, ValueError) as exc:
            raise ProblemError([problem("template-invalid", "workbook_templates", detail=f"the placeholder {exc} in '{text[:60]}' is not known")]) from None


def templates_dir() -> Path:
    """workbook_templates/ as shipped in the wheel, or beside the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "workbook_templates", here.parent / "workbook_templates"):
        if (candidate / "common.yaml").is_file():
            return candidate
    raise ProblemError([problem("template-invalid", "workbook_templates", detail="the folder workbook_templates/ was not found; reinstall kcp-sheets")])


@cache
def load_common() -> Common:
    path = templates_dir() / "common.yaml"
    data = _load_yaml(path)
    try:
        return Common(
            identity_sheet=str(data["identity_sheet"]),
            paper=str(data["paper"]),
            orientation=str(data["orientation"]),
            font=str(data["font"]),
            font_size=int(data["font_size"]),
            date_format=str(data["date_format"]),
            styles=dict(data["styles"]),
            smallest_print_scale=int(data.get("smallest_print_scale", 85)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ProblemError([problem("template-invalid", path.name, detail=f"missing or wrong entry {exc}")]) from None


@cache
def load_spec(name: str) -> WorkbookSpec:
    """Load and check one template; every mistake names the file and the entry."""
    path = templates_dir() / f"{name}.yaml"
    data = _load_yaml(path)
    errors: list[str] = []
    sheets = tuple(_sheet(s, i, errors) for i, s in enumerate(data.get("sheets") or []))
    for key in ("template", "version", "title", "file_name", "footer_name"):
        if key not in data:
            errors.append(f"'{key}' is missing")
    if not sheets:
        errors.append("there are no sheets")
    keys = [s.key for s in sheets]
    if len(set(keys)) != len(keys):
        errors.append("two sheets have the same key (or the same name)")
    if not any(s.kind == "table" for s in sheets):
        errors.append("no sheet is a table")
    if errors:
        raise ProblemError([problem("template-invalid", path.name, detail=e) for e in errors])
    return WorkbookSpec(
        template=str(data["template"]),
        version=int(data["version"]),
        title=str(data["title"]),
        file_name=str(data["file_name"]),
        footer_name=str(data["footer_name"]),
        sheets=sheets,
        protect=bool(data.get("protect", True)),
        identity=bool(data.get("identity", True)),
        common=load_common(),
    )


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProblemError([problem("template-invalid", path.name, detail=str(exc))]) from None
    if not isinstance(data, dict):
        raise ProblemError([problem("template-invalid", path.name, detail="not a mapping")])
    return data


def _sheet(raw: dict[str, Any], index: int, errors: list[str]) -> Sheet:
    name = str(raw.get("name", ""))
    where = f"sheets[{index}] ({name or 'no name'})"
    kind = raw.get("kind")
    if not name or len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
        errors.append(f"{where}: a sheet name must be 1 to 31 characters without []:*?/\\")
    if kind not in ("instructions", "table", "form", "summary"):
        errors.append(f"{where}: kind must be instructions, table, form or summary, not {kind!r}")
        kind = "instructions"
    table = None
    if kind == "table":
        table = _table(raw, where, errors)
        if table.header_row < 3:
            errors.append(f"{where}: header_row must be 3 or more (title and subtitle come first)")
    fields = tuple(
        FormField(str(f.get("key")), str(f.get("label")), f.get("kind", "text"), int(f.get("lines", 1)), str(f.get("help", "")))
        for f in raw.get("fields") or []
    )
    for f in fields:
        if f.kind not in INPUT_KINDS:
            errors.append(f"{where}: field {f.key}: kind {f.kind!r} is not an input kind")
    if kind == "form":
        table = _table(raw["table"], f"{where}.table", errors) if raw.get("table") else None
    blocks = tuple(
        Block(str(b.get("key")), str(b.get("title", "")), tuple(_column(c, f"{where}.blocks[{i}]", errors) for c in b.get("columns") or []), bool(b.get("officer", False)))
        for i, b in enumerate(raw.get("blocks") or [])
    )
    chart = None
    if raw.get("chart"):
        c = raw["chart"]
        chart = Chart(str(c.get("block")), str(c.get("title", "")), tuple(c.get("series") or ()), tuple(c.get("colours") or ()), int(c.get("height_rows", 18)))
        block = next((b for b in blocks if b.key == chart.block), None)
        if block is None:
            errors.append(f"{where}: the chart's block '{chart.block}' is not a block of the sheet")
        elif any(s not in {col.key for col in block.columns} for s in chart.series):
            errors.append(f"{where}: a chart series names no column of block '{chart.block}'")
    return Sheet(
        name=name,
        kind=kind,
        title=str(raw.get("title", "")),
        subtitle=str(raw.get("subtitle", "")),
        paragraphs=tuple(Paragraph(str(p.get("heading", "")), str(p.get("text", ""))) for p in raw.get("paragraphs") or []),
        scale_heading=str(raw.get("scale_heading", "")),
        contacts_heading=str(raw.get("contacts_heading", "")),
        table=table,
        fields=fields,
        blocks=blocks,
        chart=chart,
        first_row=int(raw.get("first_row", 4)),
        officer=bool(raw.get("officer", False)),
        key=str(raw.get("key") or name),
    )


def _column(c: dict[str, Any], where: str, errors: list[str], default_kind: str = "fixed") -> Column:
    at = f"{where}.columns ({c.get('key', '?')})"
    kind = c.get("kind", default_kind)
    if kind not in CELL_KINDS:
        errors.append(f"{at}: kind {kind!r} is not one of {', '.join(CELL_KINDS)}")
    if kind == "score" and c.get("scale") not in SCALES:
        errors.append(f"{at}: a score needs scale: one of {', '.join(SCALES)}")
    if kind == "choice" and not c.get("choices"):
        errors.append(f"{at}: a choice needs choices: [...]")
    if len(str(c.get("help", ""))) + len(str(c.get("header", ""))) + 2 > 255:
        errors.append(f"{at}: header and help together must be under 255 characters, or the cell's message is cut off")
    if not c.get("key") or "header" not in c:
        errors.append(f"{at}: key and header are required")
    return Column(
        key=str(c.get("key")),
        header=str(c.get("header", "")),
        width=float(c.get("width", 12)),
        kind=kind,
        stage=int(c.get("stage", 0)),
        scale=str(c.get("scale", "")),
        help=str(c.get("help", "")),
        choices=tuple(str(x) for x in c.get("choices") or (FLAG_CHOICES if kind == "flag" else ())),
        fixed=bool(c.get("fixed", False)),
        per_earlier_year=bool(c.get("per_earlier_year", False)),
        per_scored_year=bool(c.get("per_scored_year", False)),
        personal=bool(c.get("personal", False)),
        optional=bool(c.get("optional", False)),
        turned=bool(c.get("turned", False)),
    )


def _table(raw: dict[str, Any], where: str, errors: list[str]) -> Table:
    columns = [_column(c, where, errors, default_kind="") for c in raw.get("columns") or []]
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        errors.append(f"{where}: column keys must be unique")
    if not columns or columns[0].kind != "id":
        errors.append(f"{where}: the first column must be the row ID (kind: id)")
    for key in [*(raw.get("scored_by") or ()), raw.get("agreed"), raw.get("total_of"), raw.get("highlight_when")]:
        if key and key not in keys:
            errors.append(f"{where}: '{key}' names no column")
    return Table(
        columns=tuple(columns),
        header_row=int(raw.get("header_row", 0)),
        title=str(raw.get("title", "")),
        rows=int(raw.get("rows", 0)),
        id=str(raw.get("id", "")),
        spare_rows=int(raw.get("spare_rows", 0)),
        new_id=str(raw.get("new_id", "")),
        highlight_when=str(raw.get("highlight_when", "")),
        group_by=str(raw.get("group_by", "")),
        group_title=str(raw.get("group_title", "")),
        total_of=str(raw.get("total_of", "")),
        total_label=str(raw.get("total_label", "")),
        scored_by=tuple(str(k) for k in raw.get("scored_by") or ()),
        agreed=str(raw.get("agreed", "")),
        excel_table=str(raw.get("excel_table", "")),
        repeat_columns=int(raw.get("repeat_columns", 1)),
    )
