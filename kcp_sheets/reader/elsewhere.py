"""Answers not on their own action's row: typed on a spare row, a title or a
total, pasted one row too far, or another cluster's rows and text pasted in.
What the table reader asks of each such row, so it stays one idea."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..cellref import cell_name
from ..sent import other_text
from ..spec import Column, Table
from .records import Row

if TYPE_CHECKING:
    from .reading import Reading


def spare_answers(
    found: list[tuple[int, str, list[Any], list[int]]],
    spills: list[tuple[int, str, list[Any], list[int]]],
    spare: set[str],
    sent_by_id: dict[str, dict[str, Any]],
    answered: set[int],
) -> tuple[list[Any], list[Any]]:
    """Answers alone on a spare row (or a row with no ID) are a new action, as
    the spare row offers, unless they sit right against the actions' rows,
    where a block pasted one row too far lands (its last row perhaps empty):
    that stays a question. A group's title or a total row holds no action
    either way. The rows taken as new actions are added to `answered`."""
    actions = {r for r, ident, _, _ in found if ident in sent_by_id}
    kept, new = [], []
    for spill in spills:
        r, ident = spill[0], spill[1]
        if (ident in spare or not ident) and r - 1 not in actions and r + 1 not in actions:
            new.append(spill)
            answered.add(r)
        else:
            kept.append(spill)
    return (sorted(found + new, key=lambda row: row[0]) if new else found), kept


def others_id(reading: Reading, ident: str) -> bool:
    """Whether `ident` is the ID of another cluster's row: answers
    on it are that cluster's, whatever else the row lacks."""
    plan = reading.result.sent
    return bool(
        ident and plan is not None and plan.cluster and reading.planned.others(plan.spec.template, plan.cluster, ident)
    )


def other_clusters_row(reading: Reading, table: Table, ident: str, row: Row) -> tuple[Any, dict[str, Any]] | None:
    """The other cluster's sent row this row is, by its ID or its action text, or None."""
    plan = reading.result.sent
    if plan is None or not plan.cluster:
        return None
    found = reading.planned.others(plan.spec.template, plan.cluster, ident) if ident else None
    text = other_text("action", row.values.get("action"))
    return found or (reading.planned.others(plan.spec.template, plan.cluster, text) if text else None)


def pasted_over(
    reading: Reading, sheet_name: str, cell: str, ident: str, edited: list[tuple[Column, Any]], answers: str
) -> None:
    """A row of this cluster whose changed fixed text is another cluster's: that
    cluster's row was pasted over it, its answers most likely with it. An error
    naming both clusters and both rows, with the answers it holds."""
    plan = reading.result.sent
    if plan is None or not plan.cluster:
        return
    for col, raw in edited:
        text = other_text(col.key, raw)
        found = reading.planned.others(plan.spec.template, plan.cluster, text) if text else None
        if found is not None:
            other, their = found
            reading.add(
                "row-other-clusters-text",
                sheet=sheet_name,
                cell=cell,
                row_id=ident,
                found=answers or "no answers",
                detail=f"{other.content.identity.get('cluster_name', other.cluster)} ({other.cluster})",
                theirs=str(their["id"]),
                what=col.header,
                here=reading.identity_facts().get("cluster_name", ""),
            )
            return


def spilled(
    reading: Reading,
    sheet_name: str,
    r: int,
    cells: list[Any],
    present: list[int],
    ident: str,
    by_row: dict[int, tuple[str, list[Any]]],
    answered: set[int],
    text: str,
    id_col: int,
) -> None:
    """Answers typed on a row with no action (a spare row, a group's title, the
    total): never a new action. If answered rows run from here up (or down),
    a block has likely moved one row: the error names those rows, and the other
    answered rows of the same run of actions, since how far the block reached
    cannot be known."""
    where = {"sheet": sheet_name, "cell": cell_name(r + 1, min(present)), "found": text}
    blocks, others, directions = _moved_blocks(r, by_row, answered)
    if not blocks:
        # Perhaps typed for a new action, perhaps a block pasted too far: the answered
        # rows of the actions beside it are named, since which cannot be known.
        beside = _answered_beside(r, by_row, answered)
        also = (
            (
                " If answers were pasted one row too far, "
                f"check those for {', '.join(by_row[o][0] for o in sorted(beside))}."
            )
            if beside
            else ""
        )
        reading.add("answers-without-action", **where, row_id=ident, also=also)
        return
    rows = sorted((r, *(b for b in blocks if b in answered)))
    named = [by_row[b][0] for b in sorted(blocks)]
    also = (
        f"; the answers for {', '.join(by_row[o][0] for o in sorted(others))} may have moved with them"
        if others
        else ""
    )
    reading.add(
        "answers-shifted",
        **where,
        row_id=named[0],
        detail=f"{rows[0] + 1}-{rows[-1] + 1}",
        direction=" or ".join(directions),
        ids=", ".join(named) + also,
    )


def _moved_blocks(
    r: int, by_row: dict[int, tuple[str, list[Any]]], answered: set[int]
) -> tuple[list[int], list[int], list[str]]:
    """The answered rows running up or down from row `r` (with the row each
    run moved away from), the other answered rows of the same runs of
    actions, and which ways the answers moved."""
    blocks: list[int] = []
    others: list[int] = []
    directions: list[str] = []
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
    return blocks, others, directions


def _answered_beside(r: int, by_row: dict[int, tuple[str, list[Any]]], answered: set[int]) -> list[int]:
    """The answered rows of the runs of actions either side of row `r`."""
    beside: list[int] = []
    for step in (-1, 1):
        s = r + step
        while s in by_row:
            if s in answered:
                beside.append(s)
            s += step
    return beside
