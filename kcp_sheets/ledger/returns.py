"""The ledger's returns: every return seen, its problems, what the officer
decided and dealt with, and the audit events of each. All the SQL about
returns is here; each change writes its event in the same function, inside
the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..lifecycle import ACCEPTED, DECISIONS, SUPERSEDED, state_of
from ..problems import ProblemError, problem
from .opening import now
from .store import Ledger


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


@dataclass(frozen=True)
class Known:
    """What the ledger already knows of a return's bytes: its number, the
    officer's decision, and when it was first received."""

    id: int
    decision: str
    note: str
    received: str


@dataclass(frozen=True)
class Read:
    """One return as a check read it, to be recorded."""

    sha256: str
    name: str
    sender: str
    received: str
    sent_id: int | None
    stage: int
    answers: int
    errors: int
    warnings: int
    state: str
    problems: list[
        tuple[str, str, str, str, str, str, str, str, str]
    ]  # key, code, severity, sheet, cell, row_id, found, message, ask
    copy_rank: int | None = None  # its place among the copies of its workbook, the newest 0


def known(ledger: Ledger, sha256: str) -> Known | None:
    row = ledger.db.execute("SELECT id, decision, note, received FROM returns WHERE sha256 = ?", (sha256,)).fetchone()
    return Known(**dict(row)) if row else None


def dealt_notes(ledger: Ledger, return_id: int) -> dict[str, str]:
    """A return's problems marked dealt with, by key: their notes."""
    return {
        r["key"]: r["note"]
        for r in ledger.db.execute("SELECT key, note FROM dealt_with WHERE return_id = ?", (return_id,))
    }


def record_read(ledger: Ledger, review_id: str, read: Read, ident: int = 0) -> int:
    """Record a return as read (its problems replacing the earlier ones); a
    return first seen gets its number and a "received" event. Returns its number."""
    when = now()
    values = (
        read.name,
        read.sender,
        read.received,
        read.sent_id,
        review_id,
        when,
        read.stage,
        read.answers,
        read.errors,
        read.warnings,
        read.state,
        read.copy_rank,
    )
    if ident:
        ledger.db.execute(
            "UPDATE returns SET name = ?, sender = ?, received = ?, sent_id = ?, review = ?, last_read = ?, stage = ?, "
            "answers = ?,"
            " errors = ?, warnings = ?, state = ?, copy_rank = ? WHERE id = ?",
            (*values, ident),
        )
    else:
        cursor = ledger.db.execute(
            "INSERT INTO returns (name, sender, received, sent_id, review, last_read, stage, answers, errors, "
            "warnings, state, copy_rank, sha256, first_read)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (sha256) DO UPDATE SET last_read = excluded.last_read, copy_rank = excluded.copy_rank"
            " RETURNING id",
            (*values, read.sha256, when),
        )
        ident = int(cursor.fetchone()[0])
        ledger.event("received", ident, read.name)
    ledger.db.execute("DELETE FROM problems WHERE return_id = ?", (ident,))
    ledger.db.executemany(
        "INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(ident, *p) for p in read.problems]
    )
    return ident


_SELECT = (
    "SELECT r.id, r.name, r.sha256, r.sender, r.received,"
    " COALESCE(s.template, '') AS template, COALESCE(s.cluster, '') AS cluster,\n"
    "    COALESCE(s.edition, 0) AS edition, r.state, r.note, r.decided_at, r.errors, r.warnings, r.stage, r.answers,"
    " r.first_read, r.last_read\n"
    "    FROM returns r LEFT JOIN sent s ON s.id = r.sent_id"
)


def all_returns(ledger: Ledger) -> list[ReturnRecord]:
    """Every return the ledger has seen, in the order first read."""
    return [ReturnRecord(**dict(r)) for r in ledger.db.execute(_SELECT + " ORDER BY r.id")]


def one_return(ledger: Ledger, ident: int) -> ReturnRecord:
    return ReturnRecord(**dict(ledger.db.execute(_SELECT + " WHERE r.id = ?", (ident,)).fetchone()))


def problems(ledger: Ledger, ident: int) -> list[ProblemRecord]:
    """A return's problems at its last read, errors first, each with its key and whether dealt with."""
    rows = ledger.db.execute(
        "SELECT p.key, p.code, p.severity, p.sheet, p.cell, p.row_id, p.message, p.ask, p.found,"
        # An accepted return's errors are settled by that decision, as a check settles them.
        " COALESCE(d.note, CASE WHEN r.decision = 'accepted' AND p.severity = 'error'"
        " THEN 'accepted with the return: ' || r.note END, '') AS dealt_with,"
        " COALESCE(d.at, CASE WHEN r.decision = 'accepted' AND p.severity = 'error' THEN r.decided_at END, '')"
        " AS dealt_at"
        " FROM problems p JOIN returns r ON r.id = p.return_id"
        " LEFT JOIN dealt_with d ON d.return_id = p.return_id AND d.key = p.key"
        " WHERE p.return_id = ? ORDER BY p.severity = 'warning', p.rowid",
        (ident,),
    )
    return [ProblemRecord(**dict(r)) for r in rows]


def events(ledger: Ledger, ident: int | None = None) -> list[Event]:
    """The audit log, oldest first: the whole review's, or one return's."""
    if ident is None:
        rows: Iterable = ledger.db.execute("SELECT at, what, return_id, detail FROM events ORDER BY id")
    else:
        rows = ledger.db.execute(
            "SELECT at, what, return_id, detail FROM events WHERE return_id = ? ORDER BY id", (ident,)
        )
    return [Event(**dict(r)) for r in rows]


def find(ledger: Ledger, ref: int | str) -> int:
    """A return by its number ("3" or "#3", as check shows it), its file name
    (as check shows it) or the start of its SHA-256."""
    text = str(ref).strip()
    if text.startswith("#") and text[1:].isdigit():
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


def decide(ledger: Ledger, ident: int, decision: str, note: str) -> None:
    """Accept or reject a return with a note, or undo the decision (""): its
    state follows, and its other copies' (a rejected copy supersedes nothing,
    so an older one may be current again), and the event is written with it."""
    ledger.db.execute(
        "UPDATE returns SET decision = ?, note = ?, decided_at = ? WHERE id = ?",
        (decision, note if decision else "", now() if decision else "", ident),
    )
    _restate_copies(ledger, ident)
    ledger.event(decision if decision in DECISIONS else "decision undone", ident, note)


def forget_copy_ranks(ledger: Ledger, review_id: str) -> None:
    """Before a check records what it found: a copy it does not find again
    (taken out of the inbox) is no longer one of its workbook's copies."""
    ledger.db.execute("UPDATE returns SET copy_rank = NULL WHERE review = ?", (review_id,))


# A copy sent from outside the cluster that the officer has not yet taken as the
# cluster's (accepted it, or dealt with that problem): it never stands over the
# cluster's own, as `merge.standing_first` orders them in a check.
_FROM_OUTSIDE = (
    "r.decision != 'accepted' AND EXISTS (SELECT 1 FROM problems p WHERE p.return_id = r.id"
    " AND p.code = 'sender-unexpected' AND NOT EXISTS (SELECT 1 FROM dealt_with d"
    " WHERE d.return_id = p.return_id AND d.key = p.key))"
)


def _restate_copies(ledger: Ledger, ident: int) -> None:
    """Every copy returned for the same workbook, as the next check would find
    them: the cluster's own newest that is not rejected is current, the
    others superseded, but a copy from outside the cluster is held aside while
    one of the cluster's own stands. Newest as the last check ordered them
    (`copy_rank`: by the time each was e-mailed, saved, received); copies it
    did not find are left as they were."""
    sent_id = ledger.db.execute("SELECT sent_id FROM returns WHERE id = ?", (ident,)).fetchone()[0]
    if sent_id is None:
        _restate(ledger, ident)
        return
    copies = ledger.db.execute(
        f"SELECT r.id, r.decision, r.copy_rank, {_FROM_OUTSIDE} AS outside FROM returns r WHERE r.sent_id = ?"
        " ORDER BY outside, r.copy_rank, r.received DESC, r.id DESC",
        (sent_id,),
    ).fetchall()
    if any(c["copy_rank"] is not None for c in copies):  # else a ledger not checked since copies were ranked
        copies = [c for c in copies if c["copy_rank"] is not None]
    current = next((c for c in copies if c["decision"] != "rejected"), None)
    for copy in copies:
        held = bool(copy["outside"]) and current is not None and not current["outside"]
        superseded = copy["decision"] != "rejected" and copy["id"] != current["id"] and not held if current else False
        _restate(ledger, copy["id"], superseded=superseded)
    if all(c["id"] != ident for c in copies):  # the copy decided on is not in the inbox now
        _restate(ledger, ident)


def deal_with(ledger: Ledger, ident: int, key: str, note: str) -> None:
    """Mark one problem dealt with: it stays so when the return is read again."""
    _problem_key(ledger, ident, key)
    ledger.db.execute(
        "INSERT OR REPLACE INTO dealt_with (return_id, key, note, at) VALUES (?, ?, ?, ?)", (ident, key, note, now())
    )
    _restate_copies(ledger, ident)  # a stranger's copy taken as the cluster's may now stand
    ledger.event("dealt with", ident, f"{key}: {note}")


def undo_dealt_with(ledger: Ledger, ident: int, key: str) -> None:
    _problem_key(ledger, ident, key)
    ledger.db.execute("DELETE FROM dealt_with WHERE return_id = ? AND key = ?", (ident, key))
    _restate_copies(ledger, ident)
    ledger.event("dealt with undone", ident, key)


def _problem_key(ledger: Ledger, ident: int, key: str) -> None:
    if ledger.db.execute("SELECT 1 FROM problems WHERE return_id = ? AND key = ?", (ident, key)).fetchone() is None:
        raise ProblemError([problem("ledger-unknown-problem", "ledger", detail=key)])


def _restate(ledger: Ledger, ident: int, superseded: bool | None = None) -> None:
    """The stored counts and state after a decision, as the next read would find them."""
    row = ledger.db.execute("SELECT decision, state, sent_id FROM returns WHERE id = ?", (ident,)).fetchone()
    open_counts = ledger.db.execute(
        "SELECT COALESCE(SUM(p.severity = 'error'), 0), COALESCE(SUM(p.severity = 'warning'), 0) FROM problems p"
        " LEFT JOIN dealt_with d ON d.return_id = p.return_id AND d.key = p.key"
        " WHERE p.return_id = ? AND d.key IS NULL",
        (ident,),
    ).fetchone()
    errors = 0 if row["decision"] == ACCEPTED else open_counts[0]  # accepted as it is: its errors are settled
    was_superseded = row["state"] == SUPERSEDED if superseded is None else superseded
    state = state_of(
        recognised=row["sent_id"] is not None, decision=row["decision"], superseded=was_superseded, open_errors=errors
    )
    ledger.db.execute(
        "UPDATE returns SET errors = ?, warnings = ?, state = ? WHERE id = ?", (errors, open_counts[1], state, ident)
    )
