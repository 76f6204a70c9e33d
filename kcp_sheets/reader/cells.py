"""A row's cells read by their columns' kinds: fixed text compared with what
was sent, answers parsed, and what cannot be taken at its word reported."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..cellref import cell_name
from ..spec import Column
from ..values import as_text, is_blank, parse_choice, parse_date, parse_flag, parse_score, parse_text, same_text
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading


def row_values(
    reading: Reading,
    sheet_name: str,
    order: list[tuple[Column, int | None, bool]],
    extra: dict[int, str],
    cells: list[Any],
    r: int,
    ident: str,
    sent: dict[str, Any] | None,
    edited: list[tuple[Column, Any]],
) -> Row:
    """One row's values by column; `order` is each column but the ID, where it was found, and whether it is for answers.
    Fixed text found changed is added to `edited`, with what it now holds."""
    values: dict[str, Any] = {"id": ident}
    notes: dict[str, str] = {}
    formulas = reading.formulas.get(sheet_name, ())

    def at(c: int | None) -> dict[str, str]:
        return {
            "sheet": sheet_name,
            "cell": cell_name(r + 1, c) if c is not None else "",
            "row_id": ident,
            "column": column,
        }

    width = len(cells)
    for col, c, is_input in order:
        column = col.header  # the sender's word for the cell, for the reminders
        raw = cells[c] if c is not None and c < width else None
        if not is_input and sent is not None:
            old = sent.get(col.key)
            if raw == old and raw.__class__ is str:  # as sent, the usual case
                values[col.key] = old
                continue
            was = as_sent_text(old)
            if (
                raw != was
                and not (raw in ("", None) and was == "")
                and not same_text(as_sent_text(raw) if isinstance(raw, bool) else raw, was)
            ):
                reading.add("fixed-edited", **at(c), found=as_text(raw), old=was, new=as_text(raw))
                edited.append((col, raw))
            values[col.key] = old
            continue
        if (raw is None or raw == "") and (not formulas or (r, c) not in formulas):
            values[col.key] = None
            continue
        value, code, note = reading.parse(col, raw)
        if code:
            report_value(reading, code, value, note, raw, at(c), col)
        if (r, c) in formulas:
            reading.add("formula", **at(c), found=as_text(raw))
        if note or (code and col.kind == "score"):
            notes[col.key] = note if code == "score-note" else as_text(raw)
        if value is not None and is_input:
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


def as_sent_text(value: Any) -> str:
    """A sent value as the text a cell shows: a flag as Yes or No."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return as_text(value)
