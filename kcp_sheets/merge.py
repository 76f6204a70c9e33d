"""Two returns for one workbook, merged cell by cell: where only one has a
value it is taken; where both differ the newer wins, and a problem shows
both values so the officer can choose. The newer is decided by the e-mail's
Date header, then by when the workbook says it was saved, then by file time."""

from __future__ import annotations

import functools
from typing import Any

from .cellref import cell_name
from .problems import problem
from .reader import Return, Row
from .spec import Sheet
from .values import as_text

NOW_ANSWERED = {
    "score-unscored",
    "score-unscored-review",
    "agreed-missing",
}  # warnings the other return's answers may settle


def newest_first(returns: list[Return]) -> list[Return]:
    """The returns for one workbook, the newest first."""
    return sorted(returns, key=functools.cmp_to_key(_compare), reverse=True)


def standing_first(returns: list[Return]) -> list[Return]:
    """The copies of one workbook in the order they stand: the cluster's own,
    newest first, then those from outside the cluster, which the officer has
    yet to take as theirs. A stranger's copy never stands over the cluster's."""
    return sorted(newest_first(returns), key=lambda ret: ret.from_outside)


def _compare(a: Return, b: Return) -> int:
    for x, y in (
        (a.source.received if a.source.emailed else None, b.source.received if b.source.emailed else None),
        (a.saved, b.saved),
        (a.source.received, b.source.received),
    ):
        if x is not None and y is not None and x != y:
            return -1 if x < y else 1
    return -1 if a.source.name < b.source.name else (1 if a.source.name > b.source.name else 0)


def why_newer(newer: Return, older: Return) -> str:
    if newer.source.emailed and older.source.emailed and newer.source.received != older.source.received:
        return f"e-mailed {newer.source.received:%d/%m/%Y %H:%M}"
    if newer.saved and older.saved and newer.saved != older.saved:
        return f"saved {newer.saved:%d/%m/%Y %H:%M}"
    return f"file time {newer.source.received:%d/%m/%Y %H:%M}"


def merge_into(newer: Return, older: Return) -> None:
    """Fill `newer` with what only `older` has; report every cell where they differ."""
    assert newer.sent is not None
    differ: list[tuple[str, str, str, str, str]] = []  # sheet, cell, row ID, newer text, older text
    for sheet in newer.sent.spec.sheets:
        if sheet.table is not None:
            _merge_rows(newer, older, sheet, differ)
        if sheet.kind == "form":
            mine_fields = newer.fields.setdefault(sheet.key, {})
            field_rows = sheet.field_rows()
            for f in sheet.fields:
                where = cell_name(field_rows[f.key], sheet.form_value_col)
                _merge_value(
                    newer,
                    mine_fields,
                    f.key,
                    older.fields.get(sheet.key, {}).get(f.key),
                    None,
                    {},
                    differ,
                    (sheet.name, where, "", f.label),
                )
    for sheet_name, cell, row_id, now, was in differ:
        newer.problems.append(
            problem(
                "returns-differ",
                newer.source.name,
                sheet=sheet_name,
                cell=cell,
                row_id=row_id,
                found=now,
                old=was,
                older=older.source.name,
            )
        )
    newer.stage = max(newer.stage, older.stage)
    for ret in (newer, older):
        _drop_settled(ret, newer)


def _merge_rows(newer: Return, older: Return, sheet: Sheet, differ: list[tuple[str, str, str, str, str]]) -> None:
    """A sheet's table merged row by row: a row only `older` has is taken whole;
    in a row both have, each answer (or a new row's text) only `older` has is
    taken, and every one they differ in is added to `differ`."""
    assert sheet.table is not None
    mine = {r.id: r for r in newer.rows.get(sheet.key, [])}
    for theirs in older.rows.get(sheet.key, []):
        row = mine.get(theirs.id)
        if row is None:
            newer.rows.setdefault(sheet.key, []).append(theirs)
            mine[theirs.id] = theirs
            newer.answers += sum(
                v is not None for k, v in theirs.values.items() if k != "id" and sheet.table.column(k).is_input
            )
            continue
        for key, value in theirs.values.items():
            if key == "id" or value is None or value == "" or _same(row.values.get(key), value):
                continue  # nothing to take: the usual case when both returns are copies of one
            column = sheet.table.column(key)
            if not column.is_input and not theirs.new:
                continue
            where = cell_name(row.cell_row, sheet.table.index(key))
            _merge_value(
                newer,
                row.values,
                key,
                value,
                theirs.notes.get(key),
                row.notes,
                differ,
                (sheet.name, where, row.id, column.header),
            )
        for title, value in theirs.extra.items():
            _merge_value(newer, row.extra, title, value, None, {}, differ, (sheet.name, "", row.id, title), count=False)


def _merge_value(
    newer: Return,
    values: dict[str, Any],
    key: str,
    theirs: Any,
    their_note: str | None,
    notes: dict[str, str],
    differ: list[tuple[str, str, str, str, str]],
    where: tuple[str, str, str, str],
    count: bool = True,
) -> None:
    mine = values.get(key)
    if theirs is None or theirs == "":
        return
    typed = notes.get(key) if mine is None or mine == "" else None
    if typed:  # the newer copy has words here that are no value ("3 or 4"): they stand, the older value beside them
        sheet_name, cell, row_id, header = where
        differ.append((sheet_name, cell, row_id, f"{header}: {typed}", f"{header}: {as_text(theirs)}"))
        return
    if mine is None or mine == "":
        values[key] = theirs
        if their_note:
            notes[key] = their_note
        if count:
            newer.answers += 1
        return
    if _text(mine) != _text(theirs):
        sheet_name, cell, row_id, header = where
        differ.append((sheet_name, cell, row_id, f"{header}: {as_text(mine)}", f"{header}: {as_text(theirs)}"))


def _same(mine: Any, theirs: Any) -> bool:
    """The same value of the same type: neither taken nor reported, whatever the column."""
    return type(mine) is type(theirs) and mine == theirs


def _text(value: Any) -> str:
    return " ".join(as_text(value).split()).casefold()


def _drop_settled(ret: Return, merged: Return) -> None:
    """'No score given' is no longer true of a row the merged return has scored."""
    assert merged.sent is not None
    main = merged.sent.spec.main_table()
    table = main.table
    rows: dict[str, Row] = {r.id: r for r in merged.rows.get(main.key, [])}

    def settled(code: str, row_id: str) -> bool:
        row = rows.get(row_id)
        if row is None:
            return False
        if code in ("score-unscored", "score-unscored-review"):
            return any(row.values.get(k) is not None for k in table.scored_by)
        return table.agreed is not None and row.values.get(table.agreed) is not None

    ret.problems = [p for p in ret.problems if not (p.code in NOW_ANSWERED and settled(p.code, p.row_id))]
