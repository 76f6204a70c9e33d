"""The layouts loaded from workbook_templates/ and checked: every mistake
names the file and the entry. The folder is the shipped one unless given."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..problems import ProblemError, problem
from .layout import (
    CELL_KINDS,
    FLAG_CHOICES,
    INPUT_KINDS,
    SCALES,
    Block,
    Chart,
    Column,
    Common,
    FormField,
    Paragraph,
    Sheet,
    Table,
    WorkbookSpec,
)


def templates_dir() -> Path:
    """workbook_templates/ as shipped in the wheel, or beside the source tree."""
    here = Path(__file__).resolve().parent.parent  # the package
    for candidate in (here / "workbook_templates", here.parent / "workbook_templates"):
        if (candidate / "common.yaml").is_file():
            return candidate
    raise ProblemError(
        [
            problem(
                "template-invalid",
                "workbook_templates",
                detail="the folder workbook_templates/ was not found; reinstall kcp-sheets",
            )
        ]
    )


@cache
def load_common(folder: Path | None = None) -> Common:
    """What every workbook shares (paper, font, styles), from `folder` or the shipped templates."""
    path = (folder or templates_dir()) / "common.yaml"
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
def load_spec(name: str, folder: Path | None = None) -> WorkbookSpec:
    """Load and check one template, from `folder` or the shipped templates;
    every mistake names the file and the entry."""
    path = (folder or templates_dir()) / f"{name}.yaml"
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
        common=load_common(folder),
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
    fields = _fields(raw, where, errors)
    if kind == "form":
        table = _table(raw["table"], f"{where}.table", errors) if raw.get("table") else None
    blocks = _blocks(raw, where, errors)
    chart = _chart(raw["chart"], blocks, where, errors) if raw.get("chart") else None
    return Sheet(
        name=name,
        kind=kind,
        title=str(raw.get("title", "")),
        subtitle=str(raw.get("subtitle", "")),
        paragraphs=tuple(
            Paragraph(str(p.get("heading", "")), str(p.get("text", ""))) for p in raw.get("paragraphs") or []
        ),
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


def _fields(raw: dict[str, Any], where: str, errors: list[str]) -> tuple[FormField, ...]:
    """A form's fields; each must be a kind of input a person can type."""
    fields = tuple(
        FormField(
            str(f.get("key")),
            str(f.get("label")),
            f.get("kind", "text"),
            int(f.get("lines", 1)),
            str(f.get("help", "")),
        )
        for f in raw.get("fields") or []
    )
    for f in fields:
        if f.kind not in INPUT_KINDS:
            errors.append(f"{where}: field {f.key}: kind {f.kind!r} is not an input kind")
    return fields


def _blocks(raw: dict[str, Any], where: str, errors: list[str]) -> tuple[Block, ...]:
    """A summary sheet's tables, each with its columns."""
    return tuple(
        Block(
            str(b.get("key")),
            str(b.get("title", "")),
            tuple(_column(c, f"{where}.blocks[{i}]", errors) for c in b.get("columns") or []),
            bool(b.get("officer", False)),
        )
        for i, b in enumerate(raw.get("blocks") or [])
    )


def _chart(c: dict[str, Any], blocks: tuple[Block, ...], where: str, errors: list[str]) -> Chart:
    """A summary sheet's chart; it draws one of the sheet's blocks, by that block's columns."""
    chart = Chart(
        str(c.get("block")),
        str(c.get("title", "")),
        tuple(c.get("series") or ()),
        tuple(c.get("colours") or ()),
        int(c.get("height_rows", 18)),
    )
    block = next((b for b in blocks if b.key == chart.block), None)
    if block is None:
        errors.append(f"{where}: the chart's block '{chart.block}' is not a block of the sheet")
    elif any(s not in {col.key for col in block.columns} for s in chart.series):
        errors.append(f"{where}: a chart series names no column of block '{chart.block}'")
    return chart


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
        formerly=tuple(str(x) for x in c.get("formerly") or ()),
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
