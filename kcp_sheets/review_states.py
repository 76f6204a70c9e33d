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
from dataclasses import replace
from pathlib import Path

from .dates import local
from .ledger import BUSY_SECONDS, Ledger
from .ledger import returns as ledger_returns
from .ledger.returns import Event, ProblemRecord, Read, ReturnRecord
from .lifecycle import ACCEPTED, DECISIONS, REJECTED, SUPERSEDED, UNDO, state_of
from .merge import newest_first
from .problems import Problem, ProblemError, problem
from .reader import Return

__all__ = [
    "Event",
    "ProblemRecord",
    "ReturnRecord",
    "events",
    "get_return",
    "list_returns",
    "mark_dealt_with",
    "problems_of",
    "set_state",
    "undo_dealt_with",
]


# While checking: what the ledger knows about these returns, and what they are now.
def load_decisions(ledger: Ledger, returns: list[Return]) -> None:
    """Give each return read its number, the officer's decision from earlier
    reads, and when it was received as first recorded: a file's time changes
    when a folder is copied, the ledger's record does not (an e-mail's own
    Date is the e-mail's, and stands)."""
    for ret in returns:
        known = ledger_returns.known(ledger, ret.source.sha256)
        if known is None:
            continue
        ret.ledger_id, ret.decision, ret.note = known.id, known.decision, known.note
        if not ret.source.emailed:
            ret.source.received = local(dt.datetime.fromisoformat(known.received))
        if ret.decision == REJECTED:
            ret.used = False


def _dealt(p: Problem, dealt: dict[str, str]) -> Problem:
    note = dealt.get(p.key)
    return replace(p, dealt_with=note) if note else p


def return_state(ret: Return) -> str:
    """A return's state as read, by the one transition of lifecycle.py."""
    recognised = ret.sent is not None
    return state_of(
        recognised=recognised, decision=ret.decision, superseded=recognised and bool(ret.newer), open_errors=ret.errors
    )


def settle(ledger: Ledger, returns: list[Return]) -> None:
    """Each return's problems as the officer left them (dealt with, or settled
    by accepting the return), and so its state."""
    for ret in returns:
        if ret.ledger_id:  # problems dealt with at an earlier read stay dealt with
            dealt = ledger_returns.dealt_notes(ledger, ret.ledger_id)
            if dealt:
                ret.problems = [_dealt(p, dealt) for p in ret.problems]
        if (
            ret.decision == ACCEPTED
        ):  # accepted as it is: its errors are settled by that decision, not asked about again
            ret.problems = [
                _dealt(p, {p.key: f"accepted with the return: {ret.note}"}) if p.open_error else p for p in ret.problems
            ]
        ret.state = return_state(ret)


def record_returns(
    ledger: Ledger, review_id: str, returns: list[Return], sent_ids: dict[tuple[str, str, int], int]
) -> None:
    """Write every return read, its state and its problems (the earlier ones
    replaced), and each copy's place among its workbook's copies, so that a
    decision made before the next check restates them as that check will."""
    settle(ledger, returns)
    ranks = _copy_ranks(returns)
    ledger_returns.forget_copy_ranks(ledger, review_id)
    for ret in returns:
        source = ret.source
        read = Read(
            source.sha256,
            source.name,
            source.sender or "",
            source.received.astimezone(dt.UTC).isoformat(
                timespec="seconds"
            ),  # the ledger keeps every time in UTC: they sort as text
            sent_ids.get(ret.sent.key) if ret.sent else None,
            ret.stage,
            ret.answers,
            ret.errors,
            ret.warnings,
            ret.state,
            _keyed(ret.problems),
            ranks.get(id(ret)),
        )
        ret.ledger_id = ledger_returns.record_read(ledger, review_id, read, ret.ledger_id)


def _copy_ranks(returns: list[Return]) -> dict[int, int]:
    """Each recognised return's place among the copies of its workbook, the newest 0, rejected ones too."""
    copies: dict[str, list[Return]] = {}
    for ret in returns:
        if ret.sent is not None:
            copies.setdefault(ret.label, []).append(ret)
    return {id(ret): rank for group in copies.values() for rank, ret in enumerate(newest_first(group))}


def _keyed(problems: list[Problem]) -> list[tuple[str, str, str, str, str, str, str, str, str]]:
    """Each problem with its key; the same problem twice in one file keeps both."""
    seen: set[str] = set()
    rows = []
    for p in problems:
        key, n = p.key, 1
        while key in seen:
            n += 1
            key = f"{p.key}-{n}"
        seen.add(key)
        rows.append((key, p.code, p.severity, p.sheet, p.cell, p.row_id, p.found, p.message, p.ask))
    return rows


# The officer's side.
def list_returns(folder: Path, busy_seconds: float = BUSY_SECONDS) -> list[ReturnRecord]:
    """Every return the ledger has seen, in the order first read."""
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        return ledger_returns.all_returns(ledger)


def get_return(folder: Path, ref: int | str, busy_seconds: float = BUSY_SECONDS) -> ReturnRecord:
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        return ledger_returns.one_return(ledger, ledger_returns.find(ledger, ref))


def problems_of(folder: Path, ref: int | str, busy_seconds: float = BUSY_SECONDS) -> list[ProblemRecord]:
    """A return's problems at its last read, errors first, each with its key and whether dealt with."""
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        return ledger_returns.problems(ledger, ledger_returns.find(ledger, ref))


# How the command line is told why (the desk has a box beside each button: desk/views/returns.py).
SAY_WHY = {
    ACCEPTED: '--note (e.g. --note "scores agreed by telephone")',
    REJECTED: '--reason (e.g. --reason "sent the wrong cluster\'s workbook")',
    "dealt with": '--note (e.g. --note "the sender confirmed 4 by e-mail")',
}


def set_state(
    folder: Path, ref: int | str, state: str, note: str = "", busy_seconds: float = BUSY_SECONDS
) -> ReturnRecord:
    """Accept or reject a return (with a note), or undo the decision with ``new``."""
    if state not in (*DECISIONS, UNDO):
        raise ProblemError([problem("ledger-bad-state", "ledger", detail=state)])
    note = note.strip()
    if state in DECISIONS and not note:
        raise ProblemError([problem("ledger-note-needed", "ledger", what="A return", detail=state, how=SAY_WHY[state])])
    with Ledger(folder, busy_seconds=busy_seconds) as ledger, ledger.transaction():
        ident = ledger_returns.find(ledger, ref)
        if state == ACCEPTED and ledger_returns.one_return(ledger, ident).state == SUPERSEDED:
            raise ProblemError([problem("ledger-accept-older-copy", "ledger", detail=f"#{ident}")])
        ledger_returns.decide(ledger, ident, state if state in DECISIONS else "", note)
        return ledger_returns.one_return(ledger, ident)


def mark_dealt_with(
    folder: Path, ref: int | str, key: str, note: str, busy_seconds: float = BUSY_SECONDS
) -> ProblemRecord:
    """Mark one problem of a return dealt with; it stays so when the return is read again."""
    if not note.strip():
        raise ProblemError(
            [
                problem(
                    "ledger-note-needed",
                    "ledger",
                    what="A problem",
                    detail="marked dealt with",
                    how=SAY_WHY["dealt with"],
                )
            ]
        )
    with Ledger(folder, busy_seconds=busy_seconds) as ledger, ledger.transaction():
        ident = ledger_returns.find(ledger, ref)
        ledger_returns.deal_with(ledger, ident, key, note.strip())
        return next(p for p in ledger_returns.problems(ledger, ident) if p.key == key)


def undo_dealt_with(folder: Path, ref: int | str, key: str, busy_seconds: float = BUSY_SECONDS) -> None:
    with Ledger(folder, busy_seconds=busy_seconds) as ledger, ledger.transaction():
        ledger_returns.undo_dealt_with(ledger, ledger_returns.find(ledger, ref), key)


def events(folder: Path, ref: int | str | None = None, busy_seconds: float = BUSY_SECONDS) -> list[Event]:
    """The audit log: what was sent, read, decided, consolidated; oldest first."""
    with Ledger(folder, read_only=True, busy_seconds=busy_seconds) as ledger:
        return ledger_returns.events(ledger, None if ref is None else ledger_returns.find(ledger, ref))
