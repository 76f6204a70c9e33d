"""The reader: a returned workbook plus the spec it was sent with, read back
into records and problems.

Rows are matched by their ID, columns by their header and form fields by
their label, so sorting, moving, hiding, re-saving and re-formatting do not
matter. Every non-empty cell of a sheet we read is either taken into a record
or reported, so nothing typed is silently dropped.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import xml.etree.ElementTree as ET  # noqa: N817 - parts were checked for entity declarations first

import python_calamine as calamine

from .generate import Planned, Plans
from .intake import ZIP_ERRORS, Source, inspect
from .problems import Problem, problem
from .settings import Review
from .spec import Column, Sheet, Table, cell_name, load_common
from .values import as_text, is_blank, parse_choice, parse_date, parse_flag, parse_score, parse_text, same_text
from .writer import IDENTITY_MARK

Grid = list[list[Any]]
HEADER_SCAN_ROWS = 60


@dataclass
class Row:
    """One row as returned: values by column key, in the template's terms."""

    id: str
    values: dict[str, Any]
    cell_row: int  # 1-based row in the returned sheet
    new: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # columns a person added


@dataclass
class Return:
    """One returned workbook, read."""

    source: Source
    plan: Planned | None = None
    identity: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)  # by sheet name
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # form sheets
    problems: list[Problem] = field(default_factory=list)
    stage: int = 0
    answers: int = 0
    used: bool = True

    @property
    def template(self) -> str:
        return self.plan.spec.template if self.plan else ""

    @property
    def cluster(self) -> str:
        return self.plan.cluster if self.plan else ""

    @property
    def label(self) -> str:
        return self.plan.label if self.plan else ""

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    def unscored(self) -> int:
        """Rows the return has not scored yet (none of the table's scored_by)."""
        if not self.plan:
            return 0
        count = 0
        for sheet in self.plan.spec.sheets:
            if sheet.kind == "table" and sheet.table and sheet.table.scored_by:
                for row in self.rows.get(sheet.key, []):
                    if all(row.values.get(k) is None for k in sheet.table.scored_by):
                        count += 1
        return count


def read_source(source: Source, review: Review, planned: list[Planned] | Plans) -> Return:
    """Read one source; whatever happens, the result is a Return with problems."""
    result = Return(source)
    try:
        refused = inspect(source)
        if refused:
            result.problems += refused
            return result
        if source.macros:
            result.problems.append(problem("file-macro", source.name))
        _Reading(result, review, planned if isinstance(planned, Plans) else Plans(planned)).run()
    except Exception as exc:  # one bad file must never cost the run
        result.problems.append(problem("file-read-failed", source.name, detail=f"{type(exc).__name__}: {exc}"[:200]))
    return result


class _Reading:
    def __init__(self, result: Return, review: Review, planned: Plans) -> None:
        self.result = result
        self.review = review
        self.planned = planned
        self.name = result.source.name
        self.grids: dict[str, Grid] = {}
        self.claimed: set[str] = set()
        self.formulas: dict[str, set[tuple[int, int]]] = {}

    def add(self, code: str, **facts: Any) -> None:
        self.result.problems.append(problem(code, self.name, **facts))

    # Opening.
    def run(self) -> None:
        workbook = self._open()
        if workbook is None:
            return
        for meta in workbook.sheets_metadata:
            try:
                self.grids[meta.name] = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except calamine.CalamineError as exc:
                self.add("file-truncated", sheet=meta.name, detail=str(exc)[:120])
                self.grids[meta.name] = []
        if self.result.source.formulas_or_errors:
            self._mark_errors_and_formulas()
        plan = self._recognise()
        if plan is None:
            return
        self.result.plan = plan
        for sheet in plan.spec.sheets:
            if sheet.kind == "instructions":
                self._claim(sheet.name)
                continue
            found = self._find_sheet(sheet)
            if found is None:
                self.add("sheet-missing", sheet=sheet.name)
                continue
            if sheet.kind == "table":
                self._read_table(found, sheet, sheet.table, plan.content.rows.get(sheet.key, []))
            else:
                self._read_form(found, sheet)
        self._stage_checks(plan)
        for name, grid in self.grids.items():
            if name not in self.claimed and any(not is_blank(v) for row in grid for v in row):
                cells = [(r, c, v) for r, row in enumerate(grid) for c, v in enumerate(row) if not is_blank(v)]
                for r, c, v in cells[:50]:
                    self.add("cell-unread", sheet=name, cell=cell_name(r + 1, c), found=as_text(v)[:500], detail="a sheet that was added")

    def _open(self) -> Any:
        try:
            return calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.result.source.data))
        except calamine.PasswordError:
            self.add("file-encrypted")
        except (calamine.ZipError, calamine.XmlError) as exc:
            self.add("file-truncated", detail=str(exc)[:160])
        except calamine.CalamineError as exc:
            self.add("file-unreadable", detail=str(exc)[:160])
        return None

    def _mark_errors_and_formulas(self) -> None:
        """calamine reads error cells as empty and formulas as their values; the
        sheet XML says which cells they are, so neither passes unnoticed."""
        try:
            marks = xlsx_cell_marks(self.result.source.data)
        except (*ZIP_ERRORS, ET.ParseError):
            return
        for name, (errors, formulas) in marks.items():
            grid = self.grids.get(name)
            if grid is None:
                continue
            for (r, c), text in errors.items():
                if r < len(grid) and c < len(grid[r]):
                    grid[r][c] = text
            self.formulas[name] = formulas

    # Which workbook is this?
    def _recognise(self) -> Planned | None:
        common = load_common()
        identity_name = next((n for n, g in self.grids.items() if g and g[0] and as_text(g[0][0]) == IDENTITY_MARK), None)
        if identity_name is None and common.identity_sheet in self.grids:
            identity_name = common.identity_sheet
        if identity_name is not None:
            self._claim(identity_name)
            identity = {as_text(r[0]).strip(): as_text(r[1]).strip() for r in self.grids[identity_name][1:] if len(r) > 1 and not is_blank(r[0])}
            self.result.identity = identity
            return self._by_identity(identity)
        return self._by_headers()

    def _by_identity(self, identity: dict[str, str]) -> Planned | None:
        expected = self.review.review_id
        if identity.get("review") != expected:
            self.add("other-review", detail=f"{identity.get('review') or 'unknown'} (year {identity.get('year', '?')})", expected=expected)
            return None
        template, cluster = identity.get("template", ""), identity.get("cluster", "")
        plan = self.planned.find(template, cluster)
        if plan is None:
            self.add("file-unknown", detail=f"template '{template}' for cluster '{cluster or '-'}' is not part of this review")
            return None
        if identity.get("version") != str(plan.spec.version):
            self.add("other-version", found=identity.get("version", "?"), expected=str(plan.spec.version))
        sent = plan.content.identity
        changed = [k for k in ("template", "cluster", "rows", "fingerprint") if identity.get(k, "") != sent.get(k, "")]
        if changed:
            self.add("identity-edited", detail=", ".join(changed))
        return plan

    def _by_headers(self) -> Planned | None:
        """No identity sheet: find the template whose headers and row IDs fit best."""
        best: tuple[float, Planned | None] = (0.0, None)
        for plan in self.planned.all():
            sheet = plan.spec.main_table()
            table = sheet.table
            ids = {str(r["id"]) for r in plan.content.rows.get(sheet.key, [])}
            for grid in self.grids.values():
                header_row, columns = find_header(grid, table)
                if header_row < 0:
                    continue
                header_fit = len(columns) / len(table.columns)
                found_ids = {as_text(r[0]).strip() for r in grid[header_row + 1 :] if r}
                id_fit = len(ids & found_ids) / max(1, len(ids))
                score = header_fit * 0.4 + id_fit * 0.6
                if score > best[0]:
                    best = (score, plan)
        score, plan = best
        if plan is None or score < 0.5:
            self.add("file-unknown", detail="no identity sheet, and its headers match none of this review's workbooks")
            return None
        what = f"the {plan.spec.title}"
        self.add("identity-missing", detail=what, sure=f"{round(score * 100)}%")
        return plan

    def _claim(self, name: str) -> None:
        self.claimed.add(name)

    def _find_sheet(self, sheet: Sheet) -> str | None:
        if sheet.name in self.grids:
            self._claim(sheet.name)
            return sheet.name
        folded = sheet.name.strip().casefold()
        for name in self.grids:
            if name not in self.claimed and name.strip().casefold() == folded:
                self._claim(name)
                return name
        table = sheet.table
        if table is not None:
            for name, grid in self.grids.items():
                if name in self.claimed:
                    continue
                header_row, columns = find_header(grid, table, table.header_row - 1 if sheet.kind == "table" else -1)
                if header_row >= 0 and len(columns) >= len(table.columns) / 2:
                    self._claim(name)
                    self.add("sheet-renamed", sheet=name, expected=sheet.name)
                    return name
        return None

    # Tables.
    def _read_table(self, sheet_name: str, sheet: Sheet, table: Table, sent: list[dict[str, Any]], start: int = 0, fixed_ids: list[str] | None = None) -> None:
        grid = self.grids[sheet_name]
        expected_at = (table.header_row - 1) if table.header_row else (sheet.form_table_header_row() - 1)
        header_row, columns = find_header(grid, table, expected_at, start)
        consumed: set[tuple[int, int]] = set(sheet.title_cells) if start == 0 else set()
        if header_row < 0:
            self.add("header-missing", sheet=sheet_name, detail=", ".join(c.header for c in table.columns[:3]) + " ...")
            self._unread(sheet_name, grid, consumed, start)
            return
        for col in table.columns:
            if col.key not in columns:
                self.add("header-missing", sheet=sheet_name, cell=cell_name(header_row + 1, 0), detail=col.header)
        header = grid[header_row]
        extra = {c: as_text(v).strip() for c, v in enumerate(header) if not is_blank(v) and c not in columns.values()}
        consumed |= {(header_row, c) for c, v in enumerate(header) if not is_blank(v)}
        for c, title in extra.items():
            self.add("column-added", sheet=sheet_name, cell=cell_name(header_row + 1, c), found=title)
        sent_by_id = {str(r["id"]): r for r in sent}
        if fixed_ids is not None:
            sent_by_id.update({i: {"id": i} for i in fixed_ids})
        spare = {table.new_id.format(n=n, **self._identity_facts()) for n in range(1, table.spare_rows + 1)} if table.new_id else set()
        group_titles = {as_text(t).strip() for t in self._plan_group_titles()}
        rows: list[Row] = []
        seen: dict[str, int] = {}
        id_col = columns.get("id", 0)
        end = len(grid)
        new_count = 0
        for r in range(header_row + 1, end):
            cells = grid[r]
            present = [c for c, v in enumerate(cells) if not is_blank(v)]
            if not present:
                continue
            ident = as_text(cells[id_col]).strip() if id_col < len(cells) else ""
            if table.total_label and ident.casefold() == table.total_label.casefold():
                consumed |= {(r, c) for c in present}
                continue
            if present == [id_col] and (ident in group_titles or ident in spare or (ident in sent_by_id and fixed_ids is not None)):
                consumed.add((r, id_col))
                continue
            row = self._row(sheet_name, table, columns, extra, cells, r, ident, sent_by_id.get(ident))
            consumed |= {(r, c) for c in present}
            if ident in sent_by_id:
                if ident in seen:
                    typed = "; ".join(f"{k}: {as_text(v)}" for k, v in row.values.items() if v is not None and table.column(k).is_input)
                    self.add("row-duplicated", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=ident, detail=typed or "nothing typed")
                    continue
                seen[ident] = r
                rows.append(row)
                continue
            row.new = True
            if not ident or ident not in spare:
                if ident:
                    self.add("row-unknown-id", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=ident, detail=ident)
                else:
                    new_count += 1
                    n = table.spare_rows + new_count
                    ident = table.new_id.format(n=n, **self._identity_facts()) if table.new_id else f"NEW-{r + 1}"
                row.id = row.values["id"] = ident
            if fixed_ids is None:
                what = next((as_text(row.values[k]) for k in ("action", "outcome", "issue", "title") if row.values.get(k)), "")
                self.add("new-action", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=row.id, detail=(what or "a row with no action text")[:200])
            rows.append(row)
        if fixed_ids is None:
            for ident in sent_by_id:
                if ident not in seen:
                    self.add("row-deleted", sheet=sheet_name, row_id=ident)
        self.result.rows[sheet.key] = rows
        self._unread(sheet_name, grid, consumed, start, end)

    def _identity_facts(self) -> dict[str, str]:
        return self.result.plan.content.identity if self.result.plan else {}

    def _plan_group_titles(self) -> list[str]:
        return list(self.result.plan.content.group_titles.values()) if self.result.plan else []

    def _row(self, sheet_name: str, table: Table, columns: dict[str, int], extra: dict[int, str], cells: list[Any], r: int, ident: str, sent: dict[str, Any] | None) -> Row:
        values: dict[str, Any] = {"id": ident}
        formulas = self.formulas.get(sheet_name, ())

        def at(c: int | None) -> dict[str, str]:
            return {"sheet": sheet_name, "cell": cell_name(r + 1, c) if c is not None else "", "row_id": ident}

        for col in table.columns:
            if col.kind == "id":
                continue
            c = columns.get(col.key)
            raw = cells[c] if c is not None and c < len(cells) else None
            if not col.is_input and sent is not None:
                old = sent.get(col.key)
                was = _sent_text(old)
                if raw != was and not (raw in ("", None) and was == "") and not same_text(_sent_text(raw) if isinstance(raw, bool) else raw, was):
                    self.add("fixed-edited", **at(c), found=as_text(raw)[:500], old=was[:300], new=as_text(raw)[:300])
                values[col.key] = old
                continue
            if (raw is None or raw == "") and (r, c) not in formulas:
                values[col.key] = None
                continue
            value, code = self._parse(col, raw)
            if code:
                self.add(code, **at(c), found=as_text(raw)[:500], detail=", ".join(col.choices))
            elif (r, c) in formulas:
                self.add("formula", **at(c), found=as_text(raw)[:500])
            if value is not None and col.is_input:
                self.result.answers += 1
            values[col.key] = value
        extras = {title: cells[c] for c, title in extra.items() if c < len(cells) and not is_blank(cells[c])}
        return Row(ident, values, r + 1, extra=extras)

    def _parse(self, col: Column, raw: Any) -> tuple[Any, str]:
        if col.kind == "score":
            return parse_score(raw, self.review.scales.get(col.scale, {}))
        if col.kind == "flag":
            return parse_flag(raw)
        if col.kind == "choice":
            return parse_choice(raw, col.choices)
        if col.kind == "date":
            return parse_date(raw)
        return parse_text(raw)

    # Forms.
    def _read_form(self, sheet_name: str, sheet: Sheet) -> None:
        grid = self.grids[sheet_name]
        consumed: set[tuple[int, int]] = set(sheet.title_cells)
        values: dict[str, Any] = {}
        labels = {r: as_text(row[0]).strip().casefold() for r, row in enumerate(grid) if row and not is_blank(row[0])}
        last_col = sheet.form_last_col()
        last_field = 0
        for f in sheet.fields:
            r = next((r for r, text in labels.items() if text == f.label.strip().casefold()), None)
            if r is None:
                self.add("header-missing", sheet=sheet_name, detail=f.label)
                continue
            last_field = max(last_field, r)
            consumed.add((r, 0))
            row = grid[r]
            # The value cell spans the columns of the form's table (merged); beyond is not the field.
            first = sheet.form_value_col
            typed = [(c, v) for c, v in enumerate(row[first : last_col + 1], start=first) if not is_blank(v)]
            raw = typed[0][1] if typed else None
            col = Column(key=f.key, header=f.label, width=0, kind=f.kind, stage=2)
            value, code = self._parse(col, raw)
            if code:
                self.add(code, sheet=sheet_name, cell=cell_name(r + 1, typed[0][0] if typed else first), found=as_text(raw)[:500])
            if typed[1:]:
                joined = "\n".join(as_text(v) for _, v in typed)
                value = joined
            consumed |= {(r, c) for c, _ in typed}
            if value is not None:
                self.result.answers += 1
            values[f.key] = value
        self.result.fields[sheet.key] = values
        if sheet.table:
            self._read_form_table(sheet_name, sheet, last_field + 1, consumed)
        else:
            self._unread(sheet_name, grid, consumed, 0)

    def _read_form_table(self, sheet_name: str, sheet: Sheet, start: int, consumed: set[tuple[int, int]]) -> None:
        table = sheet.table
        assert table is not None
        grid = self.grids[sheet_name]
        # Cells above the table that are not fields are reported by _unread below.
        self._unread(sheet_name, grid[:start], consumed, 0)
        ids = [table.id.format(n=n) for n in range(1, table.rows + 1)]
        header_row, _ = find_header(grid, table, sheet.form_table_header_row() - 1, start)
        if header_row > 0 and not is_blank(grid[header_row - 1][0] if grid[header_row - 1] else None):
            title = as_text(grid[header_row - 1][0]).strip()
            if same_text(title, table.title):
                grid[header_row - 1][0] = None  # the table's own title is ours, not typed
        self._read_table(sheet_name, sheet, table, [], start=start, fixed_ids=ids)
        rows = self.result.rows.get(sheet.key, [])
        self.result.rows[sheet.key] = [r for r in rows if any(v is not None for k, v in r.values.items() if k != "id") or r.extra]

    def _unread(self, sheet_name: str, grid: Grid, consumed: set[tuple[int, int]], start: int, end: int | None = None) -> None:
        for r in range(start, len(grid) if end is None else min(end, len(grid))):
            for c, v in enumerate(grid[r]):
                if not is_blank(v) and (r, c) not in consumed:
                    self.add("cell-unread", sheet=sheet_name, cell=cell_name(r + 1, c), found=as_text(v)[:500], detail="outside the table")

    # Stage.
    def _stage_checks(self, plan: Planned) -> None:
        stage2_typed = False
        for sheet in plan.spec.sheets:
            table = sheet.table
            if sheet.kind == "form" and any(v is not None for v in self.result.fields.get(sheet.name, {}).values()):
                stage2_typed = True
            if table is None:
                continue
            stage2 = [c.key for c in table.inputs if c.stage == 2]
            if any(row.values.get(k) is not None for row in self.result.rows.get(sheet.key, []) for k in stage2):
                stage2_typed = True
        self.result.stage = 2 if stage2_typed else 1
        main = plan.spec.main_table()
        table = main.table
        for row in self.result.rows.get(main.key, []):
            if table.scored_by and all(row.values.get(k) is None for k in table.scored_by) and not self._flagged(row, table):
                self.add("score-unscored", sheet=main.name, cell=cell_name(row.cell_row, table.index(table.scored_by[0])), row_id=row.id)
            elif self.result.stage == 2 and table.agreed and row.values.get(table.agreed) is None and not self._flagged(row, table):
                self.add("agreed-missing", sheet=main.name, cell=cell_name(row.cell_row, table.index(table.agreed)), row_id=row.id)

    def _flagged(self, row: Row, table: Table) -> bool:
        """A score already reported as wrong is not also reported as missing."""
        return any(p.row_id == row.id and p.code in ("score-invalid", "score-out-of-range", "cell-error") for p in self.result.problems)


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
                        where = _a1(element.get("r", ""))
                        if where is not None:
                            if element.get("t") == "e":
                                value = element.find(f"{ns}v")
                                errors[where] = value.text if value is not None and value.text else "#ERROR"
                            if has_formula:
                                formulas.add(where)
                    element.clear()
            marks[sheet.get("name", "")] = (errors, formulas)
    return marks


def _a1(ref: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not match:
        return None
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def _sent_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return as_text(value)


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", as_text(text)).strip().casefold()


def find_header(grid: Grid, table: Table, expected: int = -1, start: int = 0) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and the column of each key found in it.

    The row the template puts it on is tried first; only if most headers are
    not there are the rows around it searched (rows inserted above, say)."""
    wanted = {_norm(c.header): c.key for c in table.columns}

    def match(r: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        for c, v in enumerate(grid[r]):
            if isinstance(v, str) and v:
                key = wanted.get(_norm(v))
                if key and key not in columns:
                    columns[key] = c
        return columns

    if start <= expected < len(grid):
        found = match(expected)
        if len(found) * 2 > len(wanted):
            return expected, found
    best: tuple[int, dict[str, int]] = (-1, {})
    for r in range(start, min(len(grid), max(start, expected) + HEADER_SCAN_ROWS)):
        columns = match(r)
        if len(columns) >= 2 and len(columns) > len(best[1]):
            best = (r, columns)
    return best
