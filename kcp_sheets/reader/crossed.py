"""Answers shared between two clusters' returns: another cluster's answers
pasted over this cluster's rows keep this cluster's IDs and fixed text, so
only the words give them away, when the other cluster's return, holding
the same words, is read too.

A progress report is the same as another's by chance when it is short or
stock ("On track", "Partly achieved: started, but delayed by staff
changes", however long): a match is a run of rows in a row whose free-text
answers, all of them, are the other return's on rows in the same order. A
single row alone is never enough; nor are answers pasted from another
cluster's workbook that is not in the inbox (the README says so)."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from ..bulk import building
from ..cellref import cell_name
from ..problems import problem
from ..values import as_text
from .records import Return, Row

MIN_TEXT = 12  # free text shorter than this ("Done", "On track") is anyone's
MIN_RUN = 2  # rows in a row, each the same as the other return's rows in the same order
STOCK = 20  # answers found on more rows than this are a stock phrase, whoever typed them
ROW_BITS = 32  # a place is kept as one number: its return's position, then its row's in these low bits
ROW_MASK = (1 << ROW_BITS) - 1


def answers_from_other_returns(returns: Iterable[Return], min_run: int = MIN_RUN) -> None:
    """Add to both returns an error for each run of rows whose free-text
    answers are word for word another cluster's return's, in the same order."""
    tables: list[tuple[Return, list[Row]]] = []  # each return compared, with its rows in sheet order
    first: dict[int, int] = {}  # a row's free-text answers (their hash) -> where first found
    again: dict[int, list[int]] = {}  # answers found on more than one row -> every place they are
    with building():  # a national review's 200,000 rows: one small entry each, none of them in a cycle
        for ret in returns:
            if ret.sent is None or not ret.cluster:
                continue
            rows, hashes = _texts(ret)
            base = len(tables) << ROW_BITS
            tables.append((ret, rows))
            for n, texts in enumerate(hashes):
                if texts is not None:
                    seen = first.setdefault(texts, base | n)
                    if seen != base | n:
                        again.setdefault(texts, [seen]).append(base | n)
    for (a, b), matched in _pairs(tables, again.values()).items():
        for run in _runs(matched, min_run):
            mine, theirs = [tables[a][1][i] for i, _ in run], [tables[b][1][j] for _, j in run]
            _report(tables[a][0], mine, tables[b][0], theirs)
            _report(tables[b][0], theirs, tables[a][0], mine)


def _pairs(
    tables: list[tuple[Return, list[Row]]], shared: Iterable[list[int]]
) -> dict[tuple[int, int], set[tuple[int, int]]]:
    """Rows of two clusters' returns whose answers are the same, by (table a, table b):
    (row a, row b). Answers on more than STOCK rows are a stock phrase, never a match."""
    pairs: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for places in shared:
        if len(places) > STOCK:
            continue
        found = [(p >> ROW_BITS, p & ROW_MASK) for p in places]
        for x, (a, i) in enumerate(found):
            for b, j in found[x + 1 :]:
                if tables[a][0].cluster != tables[b][0].cluster:
                    pairs.setdefault((a, b), set()).add((i, j))
    return pairs


def _texts(ret: Return) -> tuple[list[Row], list[int | None]]:
    """The rows of the return's main table, in sheet order, and each one's
    free-text answers as compared, by their hash (a national review holds
    200,000 rows); None for a row with none longer than a word or two."""
    sheet = ret.sent.spec.main_table()
    keys = [c.key for c in sheet.table.columns if c.is_input and c.kind == "text"] if sheet.table else []
    rows = sorted(ret.rows.get(sheet.key, []), key=attrgetter("cell_row"))  # no work when in order already
    hashes: list[int | None] = []
    for row in rows:
        values = row.values
        texts = [_compared(values.get(k)) for k in keys]
        hashes.append(hash("\x1f".join(texts)) if any(len(t) >= MIN_TEXT for t in texts) else None)
    return rows, hashes


def _compared(value: object) -> str:
    """An answer as compared: its words, in any case, however spaced."""
    if value is None:
        return ""
    return " ".join((value if value.__class__ is str else as_text(value)).split()).casefold()  # type: ignore[union-attr]


def _runs(matched: set[tuple[int, int]], min_run: int) -> list[list[tuple[int, int]]]:
    """Runs of matched rows in a row on both sides, at least `min_run` long."""
    runs: list[list[tuple[int, int]]] = []
    ending: dict[tuple[int, int], list[tuple[int, int]]] = {}  # each run by its last pair
    for i, j in sorted(matched):
        run = ending.pop((i - 1, j - 1), None)
        if run is None:
            run = []
            runs.append(run)
        run.append((i, j))
        ending[(i, j)] = run
    return [run for run in runs if len(run) >= min_run]


def _report(ret: Return, mine: list[Row], other: Return, theirs: list[Row]) -> None:
    here = ret.sent.content.identity.get("cluster_name", ret.cluster) if ret.sent else ret.cluster
    there = other.sent.content.identity.get("cluster_name", other.cluster) if other.sent else other.cluster
    sheet = ret.sent.spec.main_table().name if ret.sent else ""
    rows = f"{mine[0].cell_row}" if len(mine) == 1 else f"{mine[0].cell_row}-{mine[-1].cell_row}"
    found = " | ".join(
        f"{r.id}: {as_text(r.values.get('progress'))}" for r in mine
    )  # the rest of each row is in the plan
    ret.problems.append(
        problem(
            "answers-other-return",
            ret.source.name,
            sheet=sheet,
            cell=cell_name(
                mine[0].cell_row, ret.columns.get(ret.sent.spec.main_table().key, {}).get("id", 0) if ret.sent else 0
            ),
            row_id=mine[0].id,
            found=found,
            detail=rows,
            ids=", ".join(r.id for r in mine),
            here=here,
            there=f"{there} ({other.cluster})",
            theirs=", ".join(r.id for r in theirs),
            other=other.source.name,
        )
    )
