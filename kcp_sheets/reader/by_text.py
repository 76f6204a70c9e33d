"""Which sent row a returned row is when its ID says otherwise: matched by
the fixed text we sent on it (the IDs sorted apart from the rest, say)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..cellref import cell_name
from ..spec import Column
from ..values import as_text
from .cells import as_sent_text
from .found import Found, Line


def match_by_text(found: Found, sent_by_id: dict[str, dict[str, Any]], lines: list[Line]) -> dict[int, str]:
    """Which sent row each returned row is, by its ID and its fixed text together.

    A row whose fixed text is its ID's is that row. One whose text is another
    sent row's (the IDs were sorted apart from the rest, say) is read as that
    row, and the officer is told; if its text fits several rows as well as its
    own, that is an error and the row stays with its ID. A row is another's
    only if it has more than half of that row's fixed text, its longest text
    among it, and some text no other row has: a spare row where someone chose "NRF funded: Yes", or
    typed an issue or a partner other rows share, is a new action, as it
    looks."""
    positions = [(col.key, found.columns[col.key]) for col in found.fixed]
    sent: _SentTexts | None = None  # made for the first row that is not as sent: most returns have none
    assigned: dict[int, str] = {}
    for r, ident, cells, _ in lines:
        if ident in sent_by_id and _as_sent(cells, sent_by_id[ident], positions):
            continue
        mine = [_text(cells, c) for _, c in positions]
        if sent is None:
            sent = _SentTexts(found.fixed, sent_by_id)
        if ident in sent_by_id and sent.row(ident) == mine:
            continue
        fits = {i: _fit(sent.row(i), mine, sent.shared) for i in sent.sharing_a_text(mine)}
        best = max(fits.values(), default=0)
        if best == 0 or fits.get(ident, 0) >= best:
            continue  # its text was edited, or fits nothing better than its own ID
        winner = _report(found, r, ident, [i for i, n in fits.items() if n == best])
        if winner is not None:
            assigned[r] = winner
    return assigned


class _SentTexts:
    """The sent rows' fixed texts as compared, normalised only where a returned
    row needs them: a column where the row has text, to find the sent rows it
    could be, and then those rows whole. A row fits only a sent row that has
    its longest text, so no other sent row need be normalised."""

    def __init__(self, fixed: list[Column], sent_by_id: dict[str, dict[str, Any]]) -> None:
        self.keys = [col.key for col in fixed]
        self.sent_by_id = sent_by_id
        self.rows: dict[str, list[str]] = {}
        self.columns: dict[int, dict[str, str]] = {}  # column -> each sent row's text there, by ID
        self.shared: dict[int, Counter[str]] = {}  # column -> how many sent rows hold each text

    def row(self, ident: str) -> list[str]:
        found = self.rows.get(ident)
        if found is None:
            row = self.sent_by_id[ident]
            found = self.rows[ident] = [norm(as_sent_text(row.get(key))) for key in self.keys]
        return found

    def sharing_a_text(self, mine: list[str]) -> list[str]:
        """The sent rows, in order, with the same text as `mine` in some column where it has text."""
        ids: set[str] = set()
        for n, text in enumerate(mine):
            if text:
                ids.update(i for i, theirs in self._column(n).items() if theirs == text)
        return [i for i in self.sent_by_id if i in ids]

    def _column(self, n: int) -> dict[str, str]:
        found = self.columns.get(n)
        if found is None:
            key = self.keys[n]
            found = self.columns[n] = {i: norm(as_sent_text(row.get(key))) for i, row in self.sent_by_id.items()}
            self.shared[n] = Counter(found.values())
        return found


def _report(found: Found, r: int, ident: str, winners: list[str]) -> str | None:
    """The one sent row a row's text fits best, the officer told it moved; None
    (and an error) if it fits several."""
    where = {"sheet": found.sheet_name, "cell": cell_name(r + 1, found.id_col)}
    if len(winners) == 1:
        found.reading.add("row-moved", **where, row_id=winners[0], found=ident or "no ID", detail=f"row {r + 1}")
        return winners[0]
    found.reading.add(
        "row-text-ambiguous",
        **where,
        row_id=ident,
        found=ident or "no ID",
        detail=", ".join(winners[:6]) + (" ..." if len(winners) > 6 else ""),
    )
    return None


def _as_sent(cells: list[Any], sent: dict[str, Any], positions: list[tuple[str, int]]) -> bool:
    """Whether a row's fixed cells are as sent: the usual case, at its cheapest."""
    width = len(cells)
    for key, c in positions:
        if c >= width:
            return False
        raw, old = cells[c], sent.get(key)
        if raw != old and raw != as_sent_text(old):
            return False
    return True


def _text(cells: list[Any], c: int) -> str:
    """A returned cell's fixed text as compared (a ticked box as the text it was sent as)."""
    return norm(
        as_sent_text(cells[c])
        if c < len(cells) and isinstance(cells[c], bool)
        else (cells[c] if c < len(cells) else "")
    )


def _fit(theirs: list[str], mine: list[str], shared: dict[int, Counter[str]]) -> int:
    """How much of a sent row's fixed text a returned row has (0 when it is not
    enough to say it is that row: half or less of it, none of it its own, or
    not its longest text, which says what the row is). `shared` holds every
    column where `mine` has text, which is every column it can share."""
    same = [n for n, (a, b) in enumerate(zip(theirs, mine, strict=True)) if a == b and a != ""]
    longest = max(range(len(theirs)), key=lambda n: len(theirs[n]), default=-1)
    if (
        2 * len(same) <= sum(a != "" for a in theirs)
        or longest not in same
        or not any(shared[n][theirs[n]] == 1 for n in same)
    ):
        return 0
    return len(same)


def norm(text: Any) -> str:
    """Text as compared: runs of whitespace as one space, case folded (split() and
    a regex on whitespace agree on what whitespace is; split() is the faster)."""
    return " ".join(as_text(text).split()).casefold()
