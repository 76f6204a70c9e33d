"""Review states: what the officer decided about each return, kept in the ledger.

Each return (a file, known by its SHA-256, so a re-read or a renamed copy is
the same return) has one state, worked out by `lifecycle.state_of` alone:
new, has problems, accepted, rejected or superseded. ``consolidate`` merges
the returns that are accepted or new (clean) and says which it left out and
why. A problem can be marked dealt with, with a note; it stays dealt with
whenever the same return is read again, and no longer counts as an error.

The library functions, for the command line and the web desk alike, each
take the review folder and one transaction:

- ``list_returns(folder)`` -> [ReturnRecord]: every return seen, with its state;
- ``get_return(folder, ref)`` -> ReturnRecord (ref: its number, or its file name);
- ``problems_of(folder, ref)`` -> [ProblemRecord], each with its ``key``;
- ``set_state(folder, ref, state, note)``: ``accepted`` or ``rejected`` (a note
  is required), or ``new`` to undo a decision;
- ``mark_dealt_with(folder, ref, key, note)`` / ``undo_dealt_with(folder, ref, key)``;
- ``events(folder, ref=None)``: the audit log, oldest first.

Each raises ProblemError (with a message for the officer) when the return or
problem is not known or a note is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .ledger import BUSY_SECONDS, Ledger, now
from .lifecycle import ACCEPTED, DECISIONS, REJECTED, SUPERSEDED, UNDO, state_of
from .problems import Problem, ProblemError, problem
from .reader import Return


@dataclass(frozen=True)
class ReturnRecord:
    """One return as the ledger knows it."""

    id: int
    name: str
    sha256: str
    sender: str
    received: str
    template: str
    cluster: str
    edition: int
    state: str
    note: str
    decided_at: str
    errors: int  # errors not dealt with, at the last read
    warnings: int
    stage: int
    answers: int
    first_read: str
    last_read: str


@dataclass(frozen=True)
class ProblemRecord:
    key: str
    code: str
    severity: str
    sheet: str
    cell: str
    row_id: str
    message: str
    ask: str
    found: str
    dealt_with: str  # the note, or "" while open
    dealt_at: str


@dataclass(frozen=True)
class Event:
    at: str
    what: str
    return_id: int | None
    detail: str


# While checking: what the ledger knows about these returns, and what they are now.
def load_decisions(ledger: Ledger, returns: list[Return]) -> None:
    """Give each return read its number, the officer's decision from earlier
    reads, and when it was received as first recorded: a file's time changes
    when a folder is copied, the ledger's record does not (an e-mail's own
    Date is the e-mail's, and stands)."""
    for ret in returns:
        row = ledger.db.execute("SELECT id, decision, note, received FROM returns WHERE sha256 = ?", (ret.source.sha256,)).fetchone()
        if row is None:
            continue
        ret.ledger_id, ret.decision, ret.note = row["id"], row["decision"], row["note"]
        if not ret.source.emailed:
            ret.source.received = dt.datetime.fromisoformat(row["received"])
        if ret.decision == REJECTED:
            ret.used = False


def _dealt(p: Problem, dealt: dict[str, str]) -> Problem:
    from dataclasses import replace

    note = dealt.get(p.key)
    return replace(p, dealt_with=note) if note else p


def return_state(ret: Return) -> str:
    """A return's state as read, by the one transition of lifecycle.py."""
    recognised = ret.plan is not None
    return state_of(recognised=recognised, decision=ret.decision, superseded=recognised and not ret.used, open_errors=ret.errors)


def settle(ledger: Ledger, returns: list[Return]) -> None:
    """Each return's problems as the officer left them (dealt with, or settled
    by accepting the return), and so its state."""
    for ret in returns:
        if ret.ledger_id:  # problems dealt with at an earlier read stay dealt with
            dealt = {r["key"]: r["note"] for r in ledger.db.execute("SELECT key, note FROM dealt_with WHERE return_id = ?", (ret.ledger_id,))}
            if dealt:
                ret.problems = [_dealt(p, dealt) for p in ret.problems]
        if ret.decision == ACCEPTED:  # accepted as it is: its errors are settled by that decision, not asked about again
            ret.problems = [_dealt(p, {p.key: f"accepted with the return: {ret.note}"}) if p.open_error else p for p in ret.problems]
        ret.state = return_state(ret)


def record_returns(ledger: Ledger, review_id: str, returns: list[Return], sent_ids: dict[tuple[str, str, int], int]) -> None:
    """Write every return read, its state and its problems (the earlier ones replaced)."""
    settle(ledger, returns)
    when = now()
    for ret in returns:
        source = ret.source
        values = (source.name, source.sender or "", source.received.isoformat(timespec="seconds"), sent_ids.get(ret.plan.key) if ret.plan else None,
                  review_id, when, ret.stage, ret.answers, ret.errors, ret.warnings, ret.state)
        if ret.ledger_id:
            ledger.db.execute(
                "UPDATE returns SET name = ?, sender = ?, received = ?, sent_id = ?, review = ?, last_read = ?, stage = ?, answers = ?,"
                " errors = ?, warnings = ?, state = ? WHERE id = ?", (*values, ret.ledger_id))
        else:
            cursor = ledger.db.execute(
                "INSERT INTO returns (name, sender, received, sent_id, review, last_read, stage, answers, errors, warnings, state, sha256, first_read)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET last_read = excluded.last_read RETURNING id",
                (*values, source.sha256, when))
            ret.ledger_id = int(cursor.fetchone()[0])
            ledger.event("received", ret.ledger_id, source.name)
        ledger.db.execute("DELETE FROM problems WHERE return_id = ?", (ret.ledger_id,))
        seen: set[str] = set()
        rows = []
        for p in ret.problems:
            key = p.key
            n = 1
            while key in seen:  # the same problem twice in one file: keep both
                n += 1
                key = f"{p.key}-{n}"
            seen.add(key)
            rows.append((ret.ledger_id, key, p.code, p.severity, p.sheet, p.cell, p.row_id, p.found, p.message, p.ask))
        ledger.db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# The officer's side.
_SELECT = """SELECT r.id, r.name, r.sha256, r.sender, r.received, COALESCE(s.template, '') AS template, COALESCE(s.cluster, '') AS cluster,
    COALESCE(s.edition, 0) AS edition, r.state, r.note, r.decided_at, r.errors, r.warnings, r.stage, r.answers, r.first_read, r.last_read
    FROM returns r LEFT JOIN sent s ON s.id = r.sent_id"""


def list_returns(folder: Path, busy_seconds: float = BUSY_SECONDS) -> list[ReturnRecord]:
    """Every return the ledger has seen, in the order first read."""
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        return [ReturnRecord(**dict(r)) for r in ledger.db.execute(_SELECT + " ORDER BY r.id")]


def get_return(folder: Path, ref: int | str, busy_seconds: float = BUSY_SECONDS) -> ReturnRecord:
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        return _record(ledger, _find(ledger, ref))


def problems_of(folder: Path, ref: int | str, busy_seconds: float = BUSY_SECONDS) -> list[ProblemRecord]:
    """A return's problems at its last read, errors first, each with its key and whether dealt with."""
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        ident = _find(ledger, ref)
        rows = ledger.db.execute(
            "SELECT p.key, p.code, p.severity, p.sheet, p.cell, p.row_id, p.message, p.ask, p.found,"
            " COALESCE(d.note, '') AS dealt_with, COALESCE(d.at, '') AS dealt_at"
            " FROM problems p LEFT JOIN dealt_with d ON d.return_id = p.return_id AND d.key = p.key"
            " WHERE p.return_id = ? ORDER BY p.severity = 'warning', p.rowid", (ident,))
        return [ProblemRecord(**dict(r)) for r in rows]


def set_state(folder: Path, ref: int | str, state: str, note: str = "", busy_seconds: float = BUSY_SECONDS) -> ReturnRecord:
    """Accept or reject a return (with a note), or undo the decision with ``new``."""
    if state not in (*DECISIONS, UNDO):
        raise ProblemError([problem("ledger-bad-state", "ledger", detail=state)])
    note = note.strip()
    if state in DECISIONS and not note:
        raise ProblemError([problem("ledger-note-needed", "ledger", detail=state)])
    with Ledger(folder, busy_seconds=busy_seconds) as ledger, ledger.transaction():
        ident = _find(ledger, ref)
        decision = state if state in DECISIONS else ""
        ledger.db.execute("UPDATE returns SET decision = ?, note = ?, decided_at = ? WHERE id = ?", (decision, note if decision else "", now() if decision else "", ident))
        _restate(ledger, ident)
        ledger.event(state if decision else "decision undone", ident, note)
        return _record(ledger, ident)


def mark_dealt_with(folder: Path, ref: int | str, key: str, note: str, busy_seconds: float = BUSY_SECONDS) -> ProblemRecord:
    """Mark one problem of a return dealt with; it stays so when the return is read again."""
    if not note.strip():
        raise ProblemError([problem("ledger-note-needed", "ledger", detail="marked dealt with")])
    with Ledger(folder, busy_seconds=busy_seconds) as ledger, ledger.transaction():
        ident = _find(ledger, ref)
        _problem_key(ledger, ident, key)
        ledger.db.execute("INSERT OR REPLACE INTO dealt_with (return_id, key, note, at) VALUES (?, ?, ?, ?)", (ident, key, note.strip(), now()))
        _restate(ledger, ident)
        ledger.event("dealt with", ident, f"{key}: {note.strip()}")
    return next(p for p in problems_of(folder, ident, busy_seconds) if p.key == key)


def undo_dealt_with(folder: Path, ref: int | str, key: str, busy_seconds: float = BUSY_SECONDS) -> None:
    with Ledger(folder, busy_seconds=busy_seconds) as ledger, ledger.transaction():
        ident = _find(ledger, ref)
        _problem_key(ledger, ident, key)
        ledger.db.execute("DELETE FROM dealt_with WHERE return_id = ? AND key = ?", (ident, key))
        _restate(ledger, ident)
        ledger.event("dealt with undone", ident, key)


def events(folder: Path, ref: int | str | None = None, busy_seconds: float = BUSY_SECONDS) -> list[Event]:
    """The audit log: what was sent, read, decided, consolidated; oldest first."""
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        if ref is None:
            rows = ledger.db.execute("SELECT at, what, return_id, detail FROM events ORDER BY id")
        else:
            rows = ledger.db.execute("SELECT at, what, return_id, detail FROM events WHERE return_id = ? ORDER BY id", (_find(ledger, ref),))
        return [Event(**dict(r)) for r in rows]


def _find(ledger: Ledger, ref: int | str) -> int:
    """A return by its number, its file name (as shown by check) or the start of its SHA-256."""
    text = str(ref).strip()
    if text.startswith("#") and text[1:].isdigit():  # as check and returns show it
        text = text[1:]
    if text.isdigit():
        row = ledger.db.execute("SELECT id FROM returns WHERE id = ?", (int(text),)).fetchone()
    else:
        row = ledger.db.execute("SELECT id FROM returns WHERE name = ? ORDER BY id DESC", (text,)).fetchone()
        if row is None and len(text) >= 8:
            found = ledger.db.execute("SELECT id FROM returns WHERE sha256 LIKE ?", (text.lower() + "%",)).fetchall()
            row = found[0] if len(found) == 1 else None
    if row is None:
        raise ProblemError([problem("ledger-unknown-return", "ledger", detail=text)])
    return int(row[0])


def _problem_key(ledger: Ledger, ident: int, key: str) -> None:
    if ledger.db.execute("SELECT 1 FROM problems WHERE return_id = ? AND key = ?", (ident, key)).fetchone() is None:
        raise ProblemError([problem("ledger-unknown-problem", "ledger", detail=key)])


def _restate(ledger: Ledger, ident: int) -> None:
    """The stored counts and state after a decision, as the next read would find them."""
    open_counts = ledger.db.execute(
        "SELECT COALESCE(SUM(p.severity = 'error'), 0), COALESCE(SUM(p.severity = 'warning'), 0) FROM problems p"
        " LEFT JOIN dealt_with d ON d.return_id = p.return_id AND d.key = p.key WHERE p.return_id = ? AND d.key IS NULL", (ident,)).fetchone()
    row = ledger.db.execute("SELECT decision, state, sent_id FROM returns WHERE id = ?", (ident,)).fetchone()
    state = state_of(recognised=row["sent_id"] is not None, decision=row["decision"], superseded=row["state"] == SUPERSEDED, open_errors=open_counts[0])
    ledger.db.execute("UPDATE returns SET errors = ?, warnings = ?, state = ? WHERE id = ?", (open_counts[0], open_counts[1], state, ident))


def _record(ledger: Ledger, ident: int) -> ReturnRecord:
    return ReturnRecord(**dict(ledger.db.execute(_SELECT + " WHERE r.id = ?", (ident,)).fetchone()))
