"""A return's life, in one place: the states it passes through, the one
function that says which it is in, and the words every surface uses for it.

A return is received (by e-mail, its Date; otherwise when the ledger first
saw its bytes), read against the edition its cluster was sent, with problems
of which the officer may mark some dealt with; the officer may decide on it
(accept it with a note, reject it with a reason, or undo that); a newer copy
of the same workbook supersedes it; and so it is used in the plan or left
out, with the reason. `check`, `status`, `remind`, `returns`, the plan, the
problems workbook and the desk only render what this module says.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from .problems import counted

NEW: Final = "new"  # read, no error left to deal with, not decided on
HAS_PROBLEMS: Final = "has problems"  # read, with errors not dealt with (or not a workbook of this review)
ACCEPTED: Final = "accepted"  # the officer takes it as it is, with a note
REJECTED: Final = "rejected"  # the officer will not use it, with a reason
SUPERSEDED: Final = "superseded"  # a newer copy of the same workbook came; merged into it
STATES: Final = (NEW, HAS_PROBLEMS, ACCEPTED, REJECTED, SUPERSEDED)
DECISIONS: Final = (ACCEPTED, REJECTED)
UNDO: Final = NEW  # what the officer asks for to undo a decision


def state_of(*, recognised: bool, decision: str, superseded: bool, open_errors: int) -> str:
    """The one transition: a return's state from what is known of it.

    The officer's rejection stands over everything; a superseded copy is
    merged into the newer whatever was decided; an accepted return is used
    with its errors; otherwise open errors, or not being a workbook of this
    review, hold it back."""
    if decision == REJECTED:
        return REJECTED
    if superseded:
        return SUPERSEDED
    if decision == ACCEPTED:
        return ACCEPTED
    return HAS_PROBLEMS if open_errors or not recognised else NEW


def used_in_plan(state: str, recognised: bool = True) -> bool:
    """Whether a return in this state goes into the plan."""
    return recognised and state in (NEW, ACCEPTED)


def why_left_out(*, recognised: bool, state: str, note: str, open_errors: int, newer: str = "") -> str:
    """Why a return is not used in the plan, in the officer's words ("" if it is used)."""
    if not recognised:
        return "not a workbook of this review"
    if state == REJECTED:
        return f"rejected: {note}"
    if state == SUPERSEDED:
        return f"an older copy, merged into {newer}" if newer else "an older copy, merged into the newer"
    if state == HAS_PROBLEMS:
        return f"{counted(open_errors, 'error')} not dealt with: accept it or deal with them"
    return ""


def left_out_in_papers(
    *, state: str, note: str, open_errors: int, newer: str = "", public: bool = False, own: bool = False
) -> str:
    """Why a return is not used, as the steering group's papers say it: no
    instruction meant for the officer, and in the public copy no officer's note.
    The partnership's `own` workbooks (health, accreditation) have no cluster to resolve errors with."""
    if public:
        return "not used in this plan"
    if state == HAS_PROBLEMS:
        return f"left out: {counted(open_errors, 'error')} still to resolve" + ("" if own else " with the cluster")
    return "left out: " + why_left_out(recognised=True, state=state, note=note, open_errors=open_errors, newer=newer)


def described(state: str, note: str = "", newer: str = "") -> str:
    """A state as every surface prints it: "rejected: <reason>", "accepted: <note>",
    "superseded by <newer copy>"."""
    if state in DECISIONS and note:
        return f"{state}: {note}"
    if state == SUPERSEDED and newer:
        return f"superseded by {newer}"
    return state


def received_text(when: dt.datetime | None, state: str = "", note: str = "", late: bool = False) -> str:
    """A workbook sent, as it stands: "not yet received", "received 24/04/2004 (late)",
    "received 24/04/2004, rejected: <reason>". A return that came is never called missing."""
    if when is None:
        return "not yet received"
    said = f"received {when:%d/%m/%Y}" + (" (late)" if late else "")
    if state == REJECTED:
        said += f", {described(state, note)}"
    return said
