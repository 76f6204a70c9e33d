"""Reading a table: rows found by their ID, columns by their header, each
cell parsed by its column's kind; what does not fit is reported."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..spec import Column, Sheet, Table, cell_name
from ..values import (
    as_text,
    is_blank,
    parse_choice,
    parse_date,
    parse_flag,
    parse_score,
    parse_text,
    same_text,
)
from .opening import Grid
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading

HEADER_SCAN_ROWS = 60


def read_table(reading: Reading, sheet_name: str, sheet: Sheet, table: Table, sent: list[dict[str, Any]], start: int = 0, fixed_ids: list[str] | None = None) -> None:
    """Read the table found on `sheet_name` into the Return's rows for `sheet`.

    `sent` are the rows the workbook was sent with; `fixed_ids` are the
    row IDs of a form's fixed-size table (no rows sent, none new)."""
    grid = reading.grids[sheet_name]
    accounts = reading.accounts
    expected_at = (table.header_row - 1) if table.header_row else (sheet.form_table_header_row() - 1)
    header_row, columns = find_header(grid, table, expected_at, start)
    reading.result.columns[sheet.key] = columns
    if start == 0:
        accounts.take(sheet_name, sheet.title_cells)
    if header_row < 0:
        reading.add("header-missing", sheet=sheet_name, detail=", ".join(c.header for c in table.columns[:3]) + " ...")
        accounts.settle(sheet_name, start)
        return
    for col in table.columns:
        if col.key not in columns:
            reading.add("header-missing", sheet=sheet_name, cell=cell_name(header_row + 1, 0), detail=col.header)
    header = grid[header_row]
    extra = {c: as_text(v).strip() for c, v in enumerate(header) if not is_blank(v) and c not in columns.values()}
    accounts.take(sheet_name, ((header_row, c) for c, v in enumerate(header) if not is_blank(v)))
    for c, title in extra.items():
        reading.add("column-added", sheet=sheet_name, cell=cell_name(header_row + 1, c), found=title)
    known = set(columns.values()) | set(extra)
    headers = {c: col.header for col in table.columns for c in [columns.get(col.key)] if c is not None} | extra
    sent_by_id = {str(r["id"]): r for r in sent}
    if fixed_ids is not None:
        sent_by_id.update({i: {"id": i} for i in fixed_ids})
    spare = {table.new_id.format(n=n, **reading.identity_facts()) for n in range(1, table.spare_rows + 1)} if table.new_id else set()
    group_titles = {as_text(t).strip() for t in reading.group_titles()}
    id_col = columns.get("id", 0)
    inputs = {columns[c.key] for c in table.inputs if c.key in columns}
    fixed = [c for c in table.columns if not c.is_input and c.kind != "id" and c.key in columns]

    def typed(cells: list[Any], where: set[int]) -> str:
        return "; ".join(f"{headers.get(c, '?')}: {as_text(cells[c])}" for c in sorted(where) if c < len(cells) and not is_blank(cells[c]))

    # First pass: the rows that hold something, and what is ours among them.
    found: list[tuple[int, str, list[Any], list[int]]] = []
    spills: list[tuple[int, str, list[Any], list[int]]] = []  # answers on a row with no action
    for r in range(header_row + 1, len(grid)):
        cells = grid[r]
        present = [c for c, v in enumerate(cells) if v != "" and v is not None and (v.__class__ is not str or v.strip())]  # is_blank, written out
        if not present:
            continue
        ident = as_text(cells[id_col]).strip() if id_col < len(cells) else ""
        is_total = bool(table.total_label) and ident.casefold() == table.total_label.casefold()
        ours = {id_col, columns.get(table.total_of or "", -1)} if is_total else {id_col}
        if (is_total or ident in group_titles or ident in spare) and all(c in ours for c in present):
            accounts.take(sheet_name, ((r, c) for c in present))
            continue
        if ident in sent_by_id and fixed_ids is not None and present == [id_col]:
            accounts.take(sheet_name, [(r, id_col)])
            continue
        no_action = fixed and ident not in sent_by_id and not any(c in present for c in (columns[f.key] for f in fixed))
        if fixed_ids is None and (is_total or ident in group_titles or no_action):
            spills.append((r, ident, cells, present))
            continue
        found.append((r, ident, cells, present))

    answered = {r for r, _, cells, present in found if not inputs.isdisjoint(present)}
    assigned = _match_by_text(reading, sheet_name, table, columns, fixed, sent_by_id, found, id_col) if fixed_ids is None and fixed else {}
    rows: list[Row] = []
    seen: dict[str, int] = {}
    new_count = 0
    order = [(col, columns.get(col.key), col.is_input) for col in table.columns if col.kind != "id"]  # once per table, not per row
    for r, ident, cells, present in found:
        read_as = assigned.get(r, ident)
        if read_as in seen:
            # The row is not read twice: everything typed on it goes into the problem.
            text = typed(cells, set(present) - {id_col})
            reading.add("row-duplicated", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=read_as, found=text, detail=text or "nothing typed")
            accounts.take(sheet_name, ((r, c) for c in present))
            continue
        row = _row(reading, sheet_name, order, extra, cells, r, read_as, sent_by_id.get(read_as))
        accounts.take(sheet_name, ((r, c) for c in present if c in known))
        for c in present:
            if c not in known:
                reading.add("cell-unread", sheet=sheet_name, cell=cell_name(r + 1, c), row_id=read_as, found=as_text(cells[c]), detail=f"in a column with no header, on the row for {read_as or 'a row with no ID'}")
        if read_as in sent_by_id:
            seen[read_as] = r
            rows.append(row)
            continue
        elsewhere = _other_clusters_row(reading, table, ident, row) if fixed_ids is None and table.new_id else None
        if elsewhere is not None:  # another cluster's row pasted here: its answers are that cluster's, never this one's
            other, their = elsewhere
            text = typed(cells, set(present) - {id_col})
            reading.add("row-other-cluster", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=str(their["id"]), found=text,
                        detail=f"{other.content.identity.get('cluster_name', other.cluster)} ({other.cluster})",
                        here=reading.identity_facts().get("cluster_name", ""))
            accounts.take(sheet_name, ((r, c) for c in present))
            continue
        row.new = True
        if not ident or ident not in spare:
            if ident:
                reading.add("row-unknown-id", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=ident, detail=ident)
            else:
                new_count += 1
                n = table.spare_rows + new_count
                ident = table.new_id.format(n=n, **reading.identity_facts()) if table.new_id else f"NEW-{r + 1}"
            row.id = row.values["id"] = ident
        if fixed_ids is None:
            what = next((as_text(row.values[k]) for k in ("action", "outcome", "issue", "title") if row.values.get(k)), "")
            reading.add("new-action", sheet=sheet_name, cell=cell_name(r + 1, id_col), row_id=row.id, detail=what or "a row with no action text")
        rows.append(row)
    by_row = {r: (assigned.get(r, ident), cells) for r, ident, cells, _ in found}  # each row by the action it was read as
    for r, ident, cells, present in spills:
        _spilled(reading, sheet_name, r, cells, present, ident, by_row, answered, typed(cells, set(present) - {id_col}), id_col)
        accounts.take(sheet_name, ((r, c) for c in present))
    if fixed_ids is None:
        for ident in sent_by_id:
            if ident not in seen:
                reading.add("row-deleted", sheet=sheet_name, row_id=ident)
    reading.result.rows[sheet.key] = rows
    accounts.settle(sheet_name, start)


def _match_by_text(reading: Reading, sheet_name: str, table: Table, columns: dict[str, int], fixed: list[Column], sent_by_id: dict[str, dict[str, Any]],
                   found: list[tuple[int, str, list[Any], list[int]]], id_col: int) -> dict[int, str]:
    """Which sent row each returned row is, by its ID and its fixed text together.

    A row whose fixed text is its ID's is that row. One whose text is another
    sent row's (the IDs were sorted apart from the rest, say) is read as that
    row, and the officer is told; if its text fits several rows as well as its
    own, that is an error and the row stays with its ID. A row is another's
    only if it has more than half of that row's fixed text, its longest text
    among it, and some text no other row has: a spare row where someone chose "NRF funded: Yes", or
    typed an issue or a partner other rows share, is a new action, as it
    looks."""
    def text(cells: list[Any], col: Column) -> str:
        c = columns[col.key]
        return _norm(_sent_text(cells[c]) if c < len(cells) and isinstance(cells[c], bool) else (cells[c] if c < len(cells) else ""))

    positions = [(col.key, columns[col.key]) for col in fixed]

    def as_sent(cells: list[Any], sent: dict[str, Any]) -> bool:  # the usual case, at its cheapest
        width = len(cells)
        for key, c in positions:
            if c >= width:
                return False
            raw, old = cells[c], sent.get(key)
            if raw != old and raw != _sent_text(old):
                return False
        return True

    sent_text: dict[str, list[str]] = {}
    shared: list[Counter[str]] = []  # per fixed column: how many sent rows hold each text
    assigned: dict[int, str] = {}
    for r, ident, cells, _ in found:
        if ident in sent_by_id and as_sent(cells, sent_by_id[ident]):
            continue
        mine = [text(cells, col) for col in fixed]
        if not sent_text:
            sent_text = {i: [_norm(_sent_text(row.get(col.key))) for col in fixed] for i, row in sent_by_id.items()}
            shared = [Counter(theirs[n] for theirs in sent_text.values()) for n in range(len(fixed))]
        if ident in sent_text and sent_text[ident] == mine:
            continue
        fits = {i: _fit(theirs, mine, shared) for i, theirs in sent_text.items()}
        best = max(fits.values(), default=0)
        own = fits.get(ident, 0)
        if best == 0 or own >= best:
            continue  # its text was edited, or fits nothing better than its own ID
        winners = [i for i, n in fits.items() if n == best]
        where = {"sheet": sheet_name, "cell": cell_name(r + 1, id_col)}
        if len(winners) == 1:
            assigned[r] = winners[0]
            reading.add("row-moved", **where, row_id=winners[0], found=ident or "no ID", detail=f"row {r + 1}")
        else:
            reading.add("row-text-ambiguous", **where, row_id=ident, found=ident or "no ID", detail=", ".join(winners[:6]) + (" ..." if len(winners) > 6 else ""))
    return assigned


def _other_clusters_row(reading: Reading, table: Table, ident: str, row: Row) -> tuple[Any, dict[str, Any]] | None:
    """The other cluster's sent row this row is, by its ID or its action text, or None."""
    plan = reading.result.plan
    if plan is None or not plan.cluster:
        return None
    found = reading.planned.others(plan.spec.template, plan.cluster, ident) if ident else None
    text = " ".join(str(row.values.get("action") or "").split()).casefold()
    return found or (reading.planned.others(plan.spec.template, plan.cluster, f"text:{text}") if len(text) >= 20 else None)


def _fit(theirs: list[str], mine: list[str], shared: list[Counter[str]]) -> int:
    """How much of a sent row's fixed text a returned row has (0 when it is not
    enough to say it is that row: half or less of it, none of it its own, or
    not its longest text, which says what the row is)."""
    same = [n for n, (a, b) in enumerate(zip(theirs, mine, strict=True)) if a == b and a != ""]
    longest = max(range(len(theirs)), key=lambda n: len(theirs[n]), default=-1)
    if 2 * len(same) <= sum(a != "" for a in theirs) or longest not in same or not any(shared[n][theirs[n]] == 1 for n in same):
        return 0
    return len(same)


def _spilled(reading: Reading, sheet_name: str, r: int, cells: list[Any], present: list[int], ident: str, by_row: dict[int, tuple[str, list[Any]]],
             answered: set[int], text: str, id_col: int) -> None:
    """Answers typed on a row with no action (a spare row, a group's title, the
    total): never a new action. If answered rows run from here up (or down),
    a block has likely moved one row: the error names those rows, and the other
    answered rows of the same run of actions, since how far the block reached
    cannot be known."""
    where = {"sheet": sheet_name, "cell": cell_name(r + 1, min(present)), "found": text}
    blocks, others, directions = [], [], []
    for step, direction in ((-1, "down"), (1, "up")):
        s, block = r + step, []
        while s in answered:
            block.append(s)
            s += step
        if not block:
            continue
        directions.append(direction)
        blocks += block
        if s in by_row:  # the row the block moved away from, left without answers
            blocks.append(s)
            s += step
        while s in by_row:  # the rest of this run of actions, up to a title, a total or the header
            if s in answered:
                others.append(s)
            s += step
    if not blocks:
        # Perhaps typed for a new action, perhaps a block pasted too far: the answered
        # rows of the actions beside it are named, since which cannot be known.
        for step in (-1, 1):
            s = r + step
            while s in by_row:
                if s in answered:
                    others.append(s)
                s += step
        also = f" If answers were pasted one row too far, check those for {', '.join(by_row[o][0] for o in sorted(others))}." if others else ""
        reading.add("answers-without-action", **where, row_id=ident, also=also)
        return
    rows = sorted((r, *(b for b in blocks if b in answered)))
    named = [by_row[b][0] for b in sorted(blocks)]
    also = f"; the answers for {', '.join(by_row[o][0] for o in sorted(others))} may have moved with them" if others else ""
    reading.add("answers-shifted", **where, row_id=named[0], detail=f"{rows[0] + 1}-{rows[-1] + 1}", direction=" or ".join(directions), ids=", ".join(named) + also)


def _row(reading: Reading, sheet_name: str, order: list[tuple[Column, int | None, bool]], extra: dict[int, str], cells: list[Any], r: int, ident: str, sent: dict[str, Any] | None) -> Row:
    """One row's values by column; `order` is each column but the ID, where it was found, and whether it is for answers."""
    values: dict[str, Any] = {"id": ident}
    notes: dict[str, str] = {}
    formulas = reading.formulas.get(sheet_name, ())

    def at(c: int | None) -> dict[str, str]:
        return {"sheet": sheet_name, "cell": cell_name(r + 1, c) if c is not None else "", "row_id": ident, "column": column}

    width = len(cells)
    for col, c, is_input in order:
        column = col.header  # the sender's word for the cell, for the reminders
        raw = cells[c] if c is not None and c < width else None
        if not is_input and sent is not None:
            old = sent.get(col.key)
            if raw == old and raw.__class__ is str:  # as sent, the usual case
                values[col.key] = old
                continue
            was = _sent_text(old)
            if raw != was and not (raw in ("", None) and was == "") and not same_text(_sent_text(raw) if isinstance(raw, bool) else raw, was):
                reading.add("fixed-edited", **at(c), found=as_text(raw), old=was, new=as_text(raw))
            values[col.key] = old
            continue
        if (raw is None or raw == "") and (r, c) not in formulas:
            values[col.key] = None
            continue
        value, code, note = reading.parse(col, raw)
        if code:
            report_value(reading, code, value, note, raw, at(c), col)
        if (r, c) in formulas:
            reading.add("formula", **at(c), found=as_text(raw))
        if note or (code and col.kind == "score"):
            notes[col.key] = note if code == "score-note" else as_text(raw)
        if value is not None and col.is_input:
            reading.result.answers += 1
        values[col.key] = value
    extras = {title: cells[c] for c, title in extra.items() if c < len(cells) and not is_blank(cells[c])}
    return Row(ident, values, r + 1, extra=extras, notes=notes)


def parse_cell(col: Column, raw: Any, scales: dict[str, dict[int, str]]) -> tuple[Any, str, str]:
    """A cell's value by its column's kind, the problem code if it cannot be
    taken at its word, and a score's note (words typed with it) or readings."""
    if col.kind == "score":
        return tuple(parse_score(raw, scales.get(col.scale, {})))  # type: ignore[return-value]
    if col.kind == "flag":
        return (*parse_flag(raw), "")
    if col.kind == "choice":
        return (*parse_choice(raw, col.choices), "")
    if col.kind == "date":
        return (*parse_date(raw), "")
    return (*parse_text(raw), "")


def report_value(reading: Reading, code: str, value: Any, note: str, raw: Any, at: dict[str, str], col: Column) -> None:
    """The problem a cell's value raised, with the cell's full text."""
    if code == "score-note":
        reading.add(code, **at, found=as_text(raw), value=value, note=note)
    elif code == "score-ambiguous":
        reading.add(code, **at, found=as_text(raw), detail=note)
    elif code:
        reading.add(code, **at, found=as_text(raw), detail=", ".join(col.choices))


def _sent_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return as_text(value)


def _norm(text: Any) -> str:
    """Text as compared: runs of whitespace as one space, case folded (split() and
    a regex on whitespace agree on what whitespace is; split() is the faster)."""
    return " ".join(as_text(text).split()).casefold()


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
