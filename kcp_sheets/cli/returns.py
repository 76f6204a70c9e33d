"""Reading the returns and chasing them: check, status, remind."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..lifecycle import described
from ..problems import counted, problem, tally
from .base import CLEAN, PROBLEMS, Folder, console, print_written, review, run, show_problems, stop

if TYPE_CHECKING:
    from ..check import CheckResult


def check(
    folder: Folder = Path("."),
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help=(
                "Returns to check besides those in FOLDER/inbox/ (a return named on its own, without FOLDER, "
                "is checked in the review folder that holds it)."
            ),
            metavar="FILES...",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Read every return in FOLDER/inbox/, and any FILES named, and say what is wrong.

    Reads .xlsx, .xlsm, .xls, .ods, flat .fods, Excel 2003 XML, .gnumeric, the
    tracker sheet saved as CSV or text, .zip files of them and saved e-mails
    (.eml from any mail program, .msg from Outlook). The full list of problems, for the inbox and
    the files named, is written to FOLDER/output/; the files named are listed
    here. Exits 1 if any problem is an error, 2 if there was nothing to check.
    """
    from rich.text import Text

    from .. import steps
    from ..folder import INBOX
    from ..intake import inbox_files

    folder, named = _named_files(folder, list(files or []))
    checked = review(folder)
    inbox_folder = checked.folder.resolve() / INBOX
    inbox = inbox_files(checked.folder / INBOX)
    if not inbox and not named:
        stop([problem("inbox-empty", "", path=str(checked.folder / INBOX))])
    known = {p.resolve() for p in inbox}
    outcome = run(steps.check, checked, inbox + [p for p in named if p.resolve() not in known])
    result = outcome.result
    assert result is not None
    shown = _shown(result, _as_checked(named, inbox_folder))
    out, err = console(), console(stderr=True)
    out.print(f"Returns checked ({'the files named' if named else 'the inbox'}):", style="bold")
    if lines := _checked_lines(shown):
        out.print(Text("\n".join(lines)))  # one print for the whole list, however long
    [path] = outcome.written
    problems = [p for p in result.all_problems() if p.file in shown["names"]]
    errors = [p for p in problems if p.open_error]
    if errors:
        err.print("Errors (what to go back and ask for):", style="bold")
        show_problems(errors)
    for p in named:
        if p.resolve() not in known and INBOX not in p.resolve().parts:
            err.print(f"Note: {p} is not in {checked.folder / INBOX}; put it there so that later runs count it.")
    out.print(f"{tally(problems)}. Full list for the inbox and the files named: {path}")
    raise typer.Exit(PROBLEMS if errors else CLEAN)


def _as_checked(named: list[Path], inbox_folder: Path) -> list[str]:
    """The files named, as the check names them: by their path inside the inbox, else by their name."""
    return [
        p.resolve().relative_to(inbox_folder).as_posix() if p.resolve().is_relative_to(inbox_folder) else p.name
        for p in named
    ]


def _checked_lines(shown: dict[str, Any]) -> list[str]:
    """One line for each file checked: what it is, its answers and problems, and its return's state."""
    lines = []
    for ret in shown["returns"]:
        what = ret.sent.spec.title if ret.sent else "not recognised"
        cluster = f" ({ret.cluster})" if ret.cluster else ""
        lines.append(
            f"  {ret.source.name}: {what}{cluster}; {counted(ret.answers, 'answer')}, {tally(ret.problems)}; "
            f"return #{ret.ledger_id}, {described(ret.state, ret.note, ret.newer)}"
        )
    return lines + [f"  {p.file}: not a return; 1 {p.severity}" for p in shown["not_returns"]]


def _named_files(folder: Path, files: list[Path]) -> tuple[Path, list[Path]]:
    """`check hw.xlsx`: a file where the folder goes is a file to check in the
    review folder that holds it (or the current one); a folder named among the
    files is its files; a file that does not exist is the officer's typing,
    never the sender's fault."""
    from ..intake import inbox_files
    from ..settings import ACCREDITATION_FILE, ACTIONS_FILE, CRITERIA_FILE, SETTINGS_FILE

    if folder.is_file() and folder.name in (SETTINGS_FILE, ACTIONS_FILE, CRITERIA_FILE, ACCREDITATION_FILE):
        folder = folder.parent  # `check review-2005/review.yaml` means the folder
    elif folder.is_file():
        homes = [p for p in (*folder.resolve().parents, Path(".")) if (p / SETTINGS_FILE).is_file()]
        if not homes:
            stop([problem("folder-is-file", "", path=str(folder))])
        home = Path(os.path.relpath(homes[0]))
        folder, files = (home if not home.parts or home.parts[0] != ".." else homes[0]), [folder, *files]
    files = [f for path in files for f in (inbox_files(path) if path.is_dir() else [path])]
    missing = []
    for path in files:
        if not path.exists():
            near = [p.name for p in (path.parent.iterdir() if path.parent.is_dir() else ()) if p.is_file()]
            close = difflib.get_close_matches(path.name, near, n=1, cutoff=0.6)
            missing.append(
                problem(
                    "file-missing",
                    "",
                    path=str(path),
                    hint=f" (did you mean {path.parent / close[0]}?)" if close else "",
                )
            )
    if missing:
        stop(missing)
    return folder, files


def _shown(result: CheckResult, named: list[str]) -> dict[str, Any]:
    """What of a check to list on screen: everything, or the files named (as the check names them)."""
    names = set(named)

    def wanted(name: str) -> bool:
        return not named or name.split(" > ")[0] in names

    returns = [r for r in result.returns if wanted(r.source.name)]
    not_returns = [p for p in result.problems if wanted(p.file)]
    files = {r.source.name for r in returns} | {p.file for p in not_returns}
    return {"returns": returns, "not_returns": not_returns, "names": files}


def status(folder: Folder = Path(".")) -> None:
    """The chase list: for each cluster, what has come back, and whom to chase and why.

    A cluster is chased when its return is missing (or came only from someone outside
    the cluster: yours to accept or reject), rejected, late, has errors, is at
    stage 1 only after the stage 2 deadline, or leaves rows unscored: its
    co-ordinators are chased, one address a line, with its champions in copy.
    The partnership-health and accreditation reviews are the officer's own
    workbooks, listed but never chased. kcp-sheets remind writes the e-mails.
    """
    from rich.text import Text

    from .. import steps

    checked = review(folder)
    outcome = run(steps.chase, checked)
    out = console()
    out.print(f"Returns for {checked.title} {checked.year}", style="bold")
    chased = 0
    for line in outcome.lines:
        got = _received(line)
        if line.own:
            out.print(Text(f"{line.workbook}: {got}; your own workbook, nobody to chase"))
        elif not line.chased:
            out.print(Text(f"{line.workbook}: {got}"))
        else:
            chased += 1
            out.print(
                Text.assemble(
                    (f"{line.workbook}: ", "bold"), f"{got}. Chase: {', '.join(line.reasons)} (due {line.due:%d/%m/%Y})"
                )
            )
            for role, people in (("to", line.to), ("cc", line.cc)):
                for person in people:
                    out.print(Text(f"    {role} {person.email}  {person.name}"))
    out.print(
        f"{chased} clusters to chase" + (f"; write the e-mails with: kcp-sheets remind {folder}" if chased else ".")
    )
    out.print("Partnership health, in-depth reviews (each criterion at least once in three years):")
    for name in checked.criterion_names():
        out.print(Text(f"  {name}: {checked.in_depth(name)[1]}"))


def _received(line: Any) -> str:
    """What of a cluster's workbook has come back, as the chase list says it."""
    if line.arrived is None:
        return "not yet received"
    stage = "" if line.own else f", stage {line.stage}"
    late = " (late)" if line.arrived_late else ""
    got = f"received {line.arrived:%d/%m/%Y}{late} ({line.return_name}){stage}, {line.state}"
    return got + (f", {line.unscored} unscored" if line.unscored else "")


def remind(folder: Folder = Path(".")) -> None:
    """Write one reminder e-mail (.eml) per cluster to chase into FOLDER/outbox/reminders/.

    Each goes to the cluster's co-ordinators with its champions in copy, and
    says what is missing or wrong, cell by cell, as they will find it in their
    workbook, and by when. A return with errors is attached for them to
    correct; a missing one is attached again as it was sent. The reminders
    written earlier for clusters no longer chased are removed, and named; any
    other file in the folder stays. Open each draft in Thunderbird or Outlook,
    read it and send it.
    """
    from .. import steps

    outcome = run(steps.remind, review(folder))
    print_written(outcome.written, outcome.summary)
