"""The officer's decisions about returns, kept in the ledger: returns, accept,
reject, reopen, dealt-with. The ledger is imported inside each command: it
brings the reader with it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ..lifecycle import described
from ..problems import counted
from ..settings import SETTINGS_FILE
from .base import CANNOT_RUN, Folder, console, stopping

# `accept 3` in the review folder is `accept . 3`: the folder may be left out
# before the arguments that follow it, as every other command's may.
FolderFirst = Annotated[
    str | None,
    typer.Argument(help="The review folder (default: the current folder).", metavar="[FOLDER]", show_default=False),
]
ReturnRef = Annotated[
    str | None,
    typer.Argument(
        help="The return: its number (as check and returns show it, e.g. 3) or its file name.",
        metavar="RETURN",
        show_default=False,
    ),
]
ProblemKey = Annotated[
    str | None,
    typer.Argument(
        help="The problem's key, as `kcp-sheets returns FOLDER RETURN` lists it.", metavar="KEY", show_default=False
    ),
]


def _shifted(command: str, given: list[str | None], wanted: int) -> list[str]:
    """The folder and the arguments after it, the folder "." when one fewer
    was given; a usage error (exit 2) naming what is missing."""
    typed = [g for g in given if g is not None]
    after = ["RETURN", "KEY"][: wanted - 1]  # what follows the folder
    if len(typed) < len(after):
        missing = " and ".join(f"'{name}'" for name in after[len(typed) :])
        usage = " ".join(["[FOLDER]", *after])
        console(stderr=True).print(f"Error: Missing argument {missing}. Usage: kcp-sheets {command} {usage}")
        raise typer.Exit(CANNOT_RUN)
    return [".", *typed] if len(typed) == len(after) else typed


Note = Annotated[
    str,
    typer.Option(
        "--note", "--reason", help="Why: kept with the decision in the ledger.", metavar="TEXT", show_default=False
    ),
]


def returns(
    folder: Folder = Path("."),
    ret: Annotated[
        str | None,
        typer.Argument(
            help="A return's number or file name: list its problems, each with the key that marks it dealt with.",
            metavar="RETURN",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Every return the ledger has seen, with its review state: new, has problems, accepted, rejected or superseded.

    With RETURN: its problems, each with its key, and its history (received,
    accepted, dealt with...). Run `kcp-sheets check` first: it reads the inbox
    and records what it found.
    """
    from rich.text import Text

    from ..folder import INBOX
    from ..review_states import events, get_return, list_returns, problems_of

    out = console()
    if ret is None and not folder.is_dir() and Path(SETTINGS_FILE).is_file():
        folder, ret = Path("."), str(folder)  # `returns 3` in the review folder
    with stopping():
        if ret is None:
            records = list_returns(folder)
            if not records:
                out.print(f"No returns recorded yet: run kcp-sheets check {folder}")
            for r in records:
                what = (
                    f"{r.template} {r.cluster} edition {r.edition}".replace("  ", " ")
                    if r.template
                    else "not a workbook of this review"
                )
                gone = "" if (folder / INBOX / r.name.split(" > ")[0]).exists() else "; no longer in the inbox"
                out.print(
                    Text(
                        f"#{r.id} {r.name}: {what}; {described(r.state, r.note)}; "
                        f"{counted(r.errors, 'error')}, {counted(r.warnings, 'warning')}; "
                        f"received {_when(r.received)}{gone}"
                    )
                )
            return
        record = get_return(folder, ret)
        out.print(Text(f"#{record.id} {record.name}: {described(record.state, record.note)}"))
        for p in problems_of(folder, record.id):
            where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else p.sheet or p.cell
            done = f"  [dealt with: {p.dealt_with}]" if p.dealt_with else ""
            out.print(Text(f"  {p.key}  {p.severity:7} {where}: {p.message}{done}"))
        for event in events(folder, record.id):
            out.print(
                Text(
                    f"  {event.at[:16].replace('T', ' ')}  {event.what}" + (f": {event.detail}" if event.detail else "")
                ),
                style="dim",
            )


def _when(iso: str) -> str:
    """A time kept in the ledger as the other surfaces show it: 24/04/2004 09:30, UK time."""
    from ..dates import local

    try:
        return f"{local(dt.datetime.fromisoformat(iso)):%d/%m/%Y %H:%M}"
    except ValueError:
        return iso


def _decide(folder: Path, ret: str, state: str, note: str = "") -> None:
    """Record a decision about a return and say the state it is in now."""
    from ..review_states import set_state

    with stopping():
        record = set_state(folder, ret, state, note)
    console().print(f"#{record.id} {record.name}: {record.state}.")


def accept(folder: FolderFirst = None, ret: ReturnRef = None, note: Note = "") -> None:
    """Accept a return as it is, with a note saying why: consolidate then merges it, errors and all."""
    where, which = _shifted("accept", [folder, ret], 2)
    _decide(Path(where), which, "accepted", note)


def reject(
    folder: FolderFirst = None,
    ret: ReturnRef = None,
    note: Annotated[
        str,
        typer.Option(
            "--reason",
            "--note",
            help="Why it is rejected: kept in the ledger, and quoted in the reminder.",
            metavar="TEXT",
            show_default=False,
        ),
    ] = "",
) -> None:
    """Reject a return, with a reason: consolidate leaves it out and uses an earlier copy if there is one."""
    where, which = _shifted("reject", [folder, ret], 2)
    _decide(Path(where), which, "rejected", note)


def reopen(folder: FolderFirst = None, ret: ReturnRef = None) -> None:
    """Undo the decision about a return: it is new, or has problems, again."""
    where, which = _shifted("reopen", [folder, ret], 2)
    _decide(Path(where), which, "new")


def dealt_with(
    folder: FolderFirst = None,
    ret: ReturnRef = None,
    key: ProblemKey = None,
    note: Note = "",
    undo: Annotated[bool, typer.Option("--undo", help="The problem is open again.")] = False,
) -> None:
    """Mark one problem of a return dealt with, with a note; it stays dealt with when the return is read again."""
    from ..review_states import mark_dealt_with, undo_dealt_with

    where, ret, key = _shifted("dealt-with", [folder, ret, key], 3)
    folder = Path(where)
    with stopping():
        if undo:
            undo_dealt_with(folder, ret, key)
            console().print(f"{key}: open again.")
            return
        done = mark_dealt_with(folder, ret, key, note)
    console().print(f"{done.key}: dealt with ({done.dealt_with}).")
