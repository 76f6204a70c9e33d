"""The command line: parses what the officer typed, calls the library, shows
the result. Heavy modules are imported inside each command so `--help`
answers at once."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperCommand

from .problems import counted

if TYPE_CHECKING:
    from collections.abc import Callable

    from .check import CheckResult
    from .problems import Problem
    from .settings import Review
    from .steps import Outcome

# Exit codes, as the README says: 0 done, no error left to ask about; 1 errors
# found in the returns; 2 the command could not run (the folder, the settings, a file
# named that does not exist, nothing to work on); 3 the tool itself failed.
CLEAN, PROBLEMS, CANNOT_RUN, FAILED = 0, 1, 2, 3


class _Prose(TyperCommand):
    """Help that reads as prose: argument names and what they are, no type labels."""

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's first sentence in full, never cut off with '...'."""
        return " ".join((self.short_help or self.help or "").split("\n\n")[0].split())

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line as people type it: FOLDER RETURN, [FOLDER] when it may be left out, never {FOLDER}."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").upper()
                name += "..." if param.nargs != 1 and not name.endswith("...") else ""
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                arguments.append(((param.metavar or param.name or "").upper().rstrip("."), param.help or ""))
            else:
                record = param.get_help_record(ctx)
                if record:
                    options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


app = typer.Typer(
    name="kcp-sheets",
    help="The support officer's side of the partnership's annual review: generate the "
    "workbooks, check the returns, chase the clusters, consolidate the returns into the "
    "improvement action plan.\n\n"
    "Each command takes the review folder (default: the current folder). Exit codes: "
    "0 done, no error left to ask about; 1 errors found in the returns; 2 the command could not "
    "run (folder, settings or a file named); 3 the tool itself failed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def command(name: str | None = None):  # noqa: ANN201 - typer's decorator
    """app.command, with help that reads as prose."""
    return app.command(name, cls=_Prose)


Folder = Annotated[Path, typer.Argument(help="The review folder (default: the current folder).", metavar="FOLDER", show_default=False)]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"kcp-sheets {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Say which version this is, and stop.", callback=_version, is_eager=True)] = False,
) -> None:
    """The support officer's side of the partnership's annual review."""


def _console(stderr: bool = False):  # noqa: ANN202 - rich is imported lazily
    """Results go to standard output, errors and warnings to standard error.
    Markup is off (names and typed text are printed as they are), control
    characters in them are shown, never obeyed (shown.py), and nothing is
    wrapped by us, so a path or an address is never broken across lines."""
    return _shown_console()(highlight=False, markup=False, soft_wrap=True, stderr=stderr)


@functools.cache
def _shown_console() -> type:
    from rich.console import Console
    from rich.text import Text

    from .shown import visible

    def shown(item: Any) -> Any:
        if isinstance(item, str):
            return visible(item)
        if isinstance(item, Text):
            safe = item.copy()
            safe.plain = visible(item.plain)  # one character for one: the styles stay where they were
            return safe
        return item

    class ShownConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(shown(o) for o in objects), **kwargs)

    return ShownConsole


def _show_problems(problems: list[Problem], limit: int = 40) -> None:
    """One problem a line, then what to do, to standard error."""
    from rich.text import Text

    console = _console(stderr=True)
    for p in problems[:limit]:
        mark = Text("error  ", style="red") if p.severity == "error" else Text("warning", style="yellow")
        console.print(Text.assemble(mark, f" {p.where()}: {p.message}" if p.where() else f" {p.message}"))
        console.print(f"         -> {p.ask}", style="dim")
    if len(problems) > limit:
        console.print(f"... and {len(problems) - limit} more.")


def _stop(problems: list[Problem], headline: str = "") -> None:
    if headline:
        _console(stderr=True).print(headline, style="bold red")
    _show_problems(problems)
    raise typer.Exit(CANNOT_RUN)


def _review(folder: Path) -> Review:
    from .folder import review_folder
    from .problems import ProblemError
    from .settings import load_review

    try:
        review_folder(folder)
    except ProblemError as exc:
        _stop(exc.problems)
    try:
        return load_review(folder)
    except ProblemError as exc:
        _stop(exc.problems, f"The review folder {folder} has mistakes; nothing was done.")
    raise AssertionError  # not reached


@command()
def init(
    folder: Annotated[Path, typer.Argument(help="The new review folder, named for its year (review-2005).", metavar="FOLDER")],
    year: Annotated[Optional[int], typer.Option("--year", help="The review's year (default: the year in the folder's name).", metavar="YEAR", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the settings of an existing review.")] = False,
    last_year: Annotated[Optional[Path], typer.Option("--from", help="Last year's review folder, its returns in its inbox: carry it forward.", metavar="LAST_YEAR", show_default=False)] = None,
) -> None:
    """Start a review folder: from the bundled sample review, or --from last year's.

    The sample starts the year given with --year, or the year in the folder's
    name (review-2005 starts 2005), its dates moved to match.

    With --from, the new folder has last year's settings a year on, every
    action with last year's progress and agreed score, the actions the
    clusters added (given stable IDs), actions marked retired = Yes in actions.csv
    dropped, and last year's partnership plan as the accreditation
    plan to review.
    """
    from .folder import init_folder
    from .problems import ProblemError, problem

    try:
        if last_year is not None:
            from .carry import carry_forward

            last = _review(last_year)
            if year is not None and year != last.year + 1:
                _stop([problem("settings-invalid", "", detail=f"--from {last_year} makes the {last.year + 1} review, not {year}.", fix=f"Leave out --year, or name the review before {year}.")])
            carry_forward(last_year, folder)
        else:
            init_folder(folder, force, year)
    except ProblemError as exc:
        _stop(exc.problems)
    from .settings import load_review

    made = load_review(folder)
    _console().print(f"Review folder ready for {made.year}: {folder}\nEdit review.yaml and actions.csv, then run: kcp-sheets generate {folder}")


@command()
def generate(
    folder: Folder = Path("."),
    emails: Annotated[bool, typer.Option("--emails", help="Also write one draft e-mail (.eml) per cluster, its workbook attached.")] = False,
) -> None:
    """Write every workbook of the review into FOLDER/outbox/, ready to e-mail."""
    from . import steps

    outcome = _run(steps.generate, _review(folder), emails=emails)
    console = _console()
    for path in outcome.written:
        console.print(f"  {path}")
    console.print(outcome.summary)


def _run(step: Callable[..., Outcome], *args: Any, **kwargs: Any) -> Outcome:
    """Run one of the officer's steps with a progress bar; a problem that stops
    it stops the command, in one place, with the officer's words."""
    from rich.progress import Progress

    from .problems import ProblemError

    try:
        with Progress(transient=True, console=_console(stderr=True)) as bar:
            task = bar.add_task("Working", total=None)
            outcome = step(*args, progress=lambda done, total, what: bar.update(task, completed=done, total=total or None, description=what), **kwargs)
    except ProblemError as exc:
        _stop(exc.problems)
    for notice in outcome.result.notices if outcome.result else ():
        _console(stderr=True).print(f"Note: {notice}")
    return outcome


def _inbox(review: Review) -> list[Path]:
    """The inbox's files; an empty inbox stops the command, saying what to do."""
    from .folder import INBOX
    from .intake import inbox_files
    from .problems import problem

    files = inbox_files(review.folder / INBOX)
    if not files:
        _stop([problem("inbox-empty", "", path=str(review.folder / INBOX))])
    return files


def _named_files(folder: Path, files: list[Path]) -> tuple[Path, list[Path]]:
    """`check hw.xlsx`: a file where the folder goes is a file to check in the
    review folder that holds it (or the current one); a folder named among the
    files is its files; a file that does not exist is the officer's typing,
    never the sender's fault."""
    import difflib
    import os

    from .intake import inbox_files
    from .problems import problem
    from .settings import ACCREDITATION_FILE, ACTIONS_FILE, CRITERIA_FILE, SETTINGS_FILE

    if folder.is_file() and folder.name in (SETTINGS_FILE, ACTIONS_FILE, CRITERIA_FILE, ACCREDITATION_FILE):
        folder = folder.parent  # `check review-2005/review.yaml` means the folder
    elif folder.is_file():
        homes = [p for p in (*folder.resolve().parents, Path(".")) if (p / SETTINGS_FILE).is_file()]
        if not homes:
            _stop([problem("folder-is-file", "", path=str(folder))])
        home = Path(os.path.relpath(homes[0]))
        folder, files = (home if not home.parts or home.parts[0] != ".." else homes[0]), [folder, *files]
    files = [f for path in files for f in (inbox_files(path) if path.is_dir() else [path])]
    missing = []
    for path in files:
        if not path.exists():
            near = [p.name for p in (path.parent.iterdir() if path.parent.is_dir() else ()) if p.is_file()]
            close = difflib.get_close_matches(path.name, near, n=1, cutoff=0.6)
            missing.append(problem("file-missing", "", path=str(path), hint=f" (did you mean {path.parent / close[0]}?)" if close else ""))
    if missing:
        _stop(missing)
    return folder, files


@command()
def check(
    folder: Folder = Path("."),
    files: Annotated[Optional[list[Path]], typer.Argument(help="Returns to check besides those in FOLDER/inbox/ (a return named on its own, without FOLDER, is checked in the review folder that holds it).", metavar="FILES...", show_default=False)] = None,
) -> None:
    """Read every return in FOLDER/inbox/, and any FILES named, and say what is wrong.

    Reads .xlsx, .xlsm, .xls, .ods, .zip files of them and saved e-mails (.eml from any mail
    program, .msg from Outlook). The full list of problems, for the inbox and
    the files named, is written to FOLDER/output/; the files named are listed
    here. Exits 1 if any problem is an error, 2 if there was nothing to check.
    """
    from rich.text import Text

    from . import steps
    from .folder import INBOX
    from .lifecycle import described
    from .problems import tally

    folder, named = _named_files(folder, list(files or []))
    review = _review(folder)
    inbox = _inbox(review) if not named else _inbox_or_nothing(review)
    known = {p.resolve() for p in inbox}
    outcome = _run(steps.check, review, inbox + [p for p in named if p.resolve() not in known])
    result = outcome.result
    assert result is not None
    shown = _shown(result, [p.resolve().relative_to(review.folder.resolve() / INBOX).as_posix() if p.resolve().is_relative_to(review.folder.resolve() / INBOX) else p.name for p in named])
    console, err = _console(), _console(stderr=True)
    console.print(f"Returns checked ({'the files named' if named else 'the inbox'}):", style="bold")
    lines = []
    for ret in shown["returns"]:
        what = ret.plan.spec.title if ret.plan else "not recognised"
        cluster = f" ({ret.cluster})" if ret.cluster else ""
        lines.append(f"  {ret.source.name}: {what}{cluster}; {counted(ret.answers, 'answer')}, {tally(ret.problems)}; return #{ret.ledger_id}, {described(ret.state, ret.note, ret.newer)}")
    lines += [f"  {p.file}: not a return; 1 {p.severity}" for p in shown["not_returns"]]
    if lines:
        console.print(Text("\n".join(lines)))  # one print: a national inbox lists thousands
    [path] = outcome.written
    problems = [p for p in result.all_problems() if p.file in shown["names"]]
    errors = [p for p in problems if p.open_error]
    if errors:
        err.print("Errors (what to go back and ask for):", style="bold")
        _show_problems(errors)
    for p in named:
        if p.resolve() not in known and INBOX not in p.resolve().parts:
            err.print(f"Note: {p} is not in {review.folder / INBOX}; put it there so that later runs count it.")
    console.print(f"{tally(problems)}. Full list for the inbox and the files named: {path}")
    raise typer.Exit(PROBLEMS if errors else CLEAN)


def _inbox_or_nothing(review: Review) -> list[Path]:
    from .folder import INBOX
    from .intake import inbox_files

    return inbox_files(review.folder / INBOX)


def _shown(result: CheckResult, named: list[str]) -> dict[str, Any]:
    """What of a check to list on screen: everything, or the files named (as the check names them)."""
    names = set(named)

    def wanted(name: str) -> bool:
        return not named or name.split(" > ")[0] in names

    returns = [r for r in result.returns if wanted(r.source.name)]
    not_returns = [p for p in result.problems if wanted(p.file)]
    files = {r.source.name for r in returns} | {p.file for p in not_returns}
    return {"returns": returns, "not_returns": not_returns, "names": files}


@command()
def status(folder: Folder = Path(".")) -> None:
    """The chase list: for each cluster, what has come back, and whom to chase and why.

    A cluster is chased when its return is missing, rejected, late, has errors, is at
    stage 1 only after the stage 2 deadline, or leaves rows unscored: its
    co-ordinators are chased, one address a line, with its champions in copy.
    The partnership-health and accreditation reviews are the officer's own
    workbooks, listed but never chased. kcp-sheets remind writes the e-mails.
    """
    from rich.text import Text

    from . import steps

    review = _review(folder)
    outcome = _run(steps.chase, review)
    console = _console()
    console.print(f"Returns for {review.title} {review.year}", style="bold")
    chased = 0
    for line in outcome.lines:
        if line.arrived is None:
            got = "not yet received"
        else:
            stage = "" if line.own else f", stage {line.stage}"
            late = " (late)" if line.arrived_late else ""
            got = f"received {line.arrived:%d/%m/%Y}{late} ({line.return_name}){stage}, {line.state}"
            if line.unscored:
                got += f", {line.unscored} unscored"
        if line.own:
            console.print(Text(f"{line.workbook}: {got}; your own workbook, nobody to chase"))
            continue
        if not line.chased:
            console.print(Text(f"{line.workbook}: {got}"))
            continue
        chased += 1
        console.print(Text.assemble((f"{line.workbook}: ", "bold"), f"{got}. Chase: {', '.join(line.reasons)} (due {line.due:%d/%m/%Y})"))
        for role, people in (("to", line.to), ("cc", line.cc)):
            for person in people:
                console.print(Text(f"    {role} {person.email}  {person.name}"))
    console.print(f"{chased} clusters to chase" + (f"; write the e-mails with: kcp-sheets remind {folder}" if chased else "."))
    console.print("Partnership health, in-depth reviews (each criterion at least once in three years):")
    for name in review.criterion_names():
        console.print(Text(f"  {name}: {review.in_depth(name)[1]}"))


@command()
def remind(folder: Folder = Path(".")) -> None:
    """Write one reminder e-mail (.eml) per cluster to chase into FOLDER/outbox/reminders/.

    Each goes to the cluster's co-ordinators with its champions in copy, and
    says what is missing or wrong, cell by cell, as they will find it in their
    workbook, and by when. A return with errors is attached for them to
    correct; a missing one is attached again as it was sent. Open each draft
    in Thunderbird or Outlook, read it and send it.
    """
    from . import steps

    outcome = _run(steps.remind, _review(folder))
    console = _console()
    for path in outcome.written:
        console.print(f"  {path}")
    console.print(outcome.summary)


@command()
def consolidate(
    folder: Folder = Path("."),
    public: Annotated[bool, typer.Option("--public", help="Also write a copy fit to publish: individuals' names, e-mail addresses and telephone numbers removed.")] = False,
) -> None:
    """Merge the returns into the improvement action plan, FOLDER/output/2005 Improvement Action Plan.xlsx for a 2005 review.

    A review of more than 20,000 targets and actions gets no All Actions or
    Outstanding sheet: the Summary counts them by cluster and `kcp-sheets
    export` writes the records as CSV. Exits 2 when the inbox holds no usable
    return.
    """
    from . import steps
    from .consolidate import ACTIONS_SHEET_LIMIT, actions_as_csv

    review = _review(folder)
    outcome = _run(steps.consolidate, review, public=public)
    console = _console()
    console.print(outcome.summary)
    if outcome.left_out:
        console.print(f"{len(outcome.left_out)} left out (see the Sources sheet; accept a return with `kcp-sheets accept {folder} NUMBER --note ...`):")
        for line in outcome.left_out:
            console.print(f"  {line}")
    if actions_as_csv(review):
        console.print(f"The {len(review.actions):,} targets and actions, and those outstanding, are not sheets of the plan (more than {ACTIONS_SHEET_LIMIT:,}; the Summary counts them by cluster): `kcp-sheets export {folder}` writes them as CSV.")
    for path in outcome.written:
        console.print(f"Written: {path}")


@command()
def report(
    folder: Folder = Path("."),
    public: Annotated[bool, typer.Option("--public", help="Also write a copy for the public: people (not organisations) removed.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also make a tagged PDF of each, through LibreOffice.")] = False,
) -> None:
    """Write the draft annual report, FOLDER/output/2005 Annual review report.docx for a 2005 review.

    A Word document in the three sections the core requirements ask for
    (reviewing delivery, reviewing partnership working, improvement
    planning), from the same returns as the plan. It is made from
    FOLDER/annual_report.docx if you put a restyled copy of the shipped
    template there. Exits 2 when the inbox holds no usable return.
    """
    from . import steps

    outcome = _run(steps.report, _review(folder), public=public, pdf=pdf)
    console = _console()
    console.print(outcome.summary)
    for path in outcome.written:
        console.print(f"Written: {path}")


def _ledger_call(call: Any) -> Any:
    """A call to the ledger's library; a problem stops the command with its message."""
    from .problems import ProblemError

    try:
        return call()
    except ProblemError as exc:
        _stop(exc.problems)


ReviewFolder = Annotated[Path, typer.Argument(help="The review folder.", metavar="FOLDER", show_default=False)]
ReturnRef = Annotated[str, typer.Argument(help="The return: its number (as check and returns show it, e.g. 3) or its file name.", metavar="RETURN", show_default=False)]
Note = Annotated[str, typer.Option("--note", "--reason", help="Why: kept with the decision in the ledger.", metavar="TEXT", show_default=False)]


@command()
def returns(
    folder: Folder = Path("."),
    ret: Annotated[Optional[str], typer.Argument(help="A return's number or file name: list its problems, each with the key that marks it dealt with.", metavar="RETURN", show_default=False)] = None,
) -> None:
    """Every return the ledger has seen, with its review state: new, has problems, accepted, rejected or superseded.

    With RETURN: its problems, each with its key, and its history (received,
    accepted, dealt with...). Run `kcp-sheets check` first: it reads the inbox
    and records what it found.
    """
    from rich.text import Text

    from .lifecycle import described
    from .review_states import events, get_return, list_returns, problems_of

    console = _console()
    if ret is None:
        records = _ledger_call(lambda: list_returns(folder))
        if not records:
            console.print(f"No returns recorded yet: run kcp-sheets check {folder}")
        for r in records:
            what = f"{r.template} {r.cluster} edition {r.edition}".replace("  ", " ") if r.template else "not a workbook of this review"
            console.print(Text(f"#{r.id} {r.name}: {what}; {described(r.state, r.note)}; {counted(r.errors, 'error')}, {counted(r.warnings, 'warning')}; received {r.received[:16]}"))
        return
    record = _ledger_call(lambda: get_return(folder, ret))
    console.print(Text(f"#{record.id} {record.name}: {described(record.state, record.note)}"))
    for p in _ledger_call(lambda: problems_of(folder, record.id)):
        where = f"{p.sheet}!{p.cell}" if p.sheet and p.cell else p.sheet or p.cell
        done = f"  [dealt with: {p.dealt_with}]" if p.dealt_with else ""
        console.print(Text(f"  {p.key}  {p.severity:7} {where}: {p.message}{done}"))
    for event in _ledger_call(lambda: events(folder, record.id)):
        console.print(Text(f"  {event.at[:16].replace('T', ' ')}  {event.what}" + (f": {event.detail}" if event.detail else "")), style="dim")


@command()
def accept(folder: ReviewFolder, ret: ReturnRef, note: Note = "") -> None:
    """Accept a return as it is, with a note saying why: consolidate then merges it, errors and all."""
    from .review_states import set_state

    record = _ledger_call(lambda: set_state(folder, ret, "accepted", note))
    _console().print(f"#{record.id} {record.name}: {record.state}.")


@command()
def reject(folder: ReviewFolder, ret: ReturnRef, note: Annotated[str, typer.Option("--reason", "--note", help="Why it is rejected: kept in the ledger, and quoted in the reminder.", metavar="TEXT", show_default=False)] = "") -> None:
    """Reject a return, with a reason: consolidate leaves it out and uses an earlier copy if there is one."""
    from .review_states import set_state

    record = _ledger_call(lambda: set_state(folder, ret, "rejected", note))
    _console().print(f"#{record.id} {record.name}: {record.state}.")


@command()
def reopen(folder: ReviewFolder, ret: ReturnRef) -> None:
    """Undo the decision about a return: it is new, or has problems, again."""
    from .review_states import set_state

    record = _ledger_call(lambda: set_state(folder, ret, "new"))
    _console().print(f"#{record.id} {record.name}: {record.state}.")


@command("dealt-with")
def dealt_with(
    folder: ReviewFolder,
    ret: ReturnRef,
    key: Annotated[str, typer.Argument(help="The problem's key, as `kcp-sheets returns FOLDER RETURN` lists it.", metavar="KEY", show_default=False)],
    note: Note = "",
    undo: Annotated[bool, typer.Option("--undo", help="The problem is open again.")] = False,
) -> None:
    """Mark one problem of a return dealt with, with a note; it stays dealt with when the return is read again."""
    from .review_states import mark_dealt_with, undo_dealt_with

    if undo:
        _ledger_call(lambda: undo_dealt_with(folder, ret, key))
        _console().print(f"{key}: open again.")
        return
    done = _ledger_call(lambda: mark_dealt_with(folder, ret, key, note))
    _console().print(f"{done.key}: dealt with ({done.dealt_with}).")


@command()
def export(
    folder: Folder = Path("."),
    to: Annotated[Optional[Path], typer.Option("--to", help="Where to write the CSV files (default: FOLDER/output/).", metavar="DIR", show_default=False)] = None,
) -> None:
    """The review's records, every year the ledger holds, as CSV files for analysts.

    One file per kind: records - actions.csv (one row per target or action per
    review), records - health.csv (per health sub-criterion), records -
    improvements.csv (per action for improvement). Run consolidate first: it
    records the review. The records are the ledger's: the settings are not
    read, so a mistake in them does not stop an export. Exits 2 when no review
    has been recorded yet.
    """
    from .folder import OUTPUT, review_folder
    from .history import export_csv, has_records
    from .problems import ProblemError, problem

    try:
        review_folder(folder)
    except ProblemError as exc:
        _stop(exc.problems)
    if not _ledger_call(lambda: has_records(folder)):
        _stop([problem("no-records", "", path=str(folder))])
    paths = _ledger_call(lambda: export_csv(folder, to or folder / OUTPUT))
    for path in paths:
        _console().print(f"Written: {path}")


@command("plan-update")
def plan_update(
    folder: Folder = Path("."),
    collect: Annotated[bool, typer.Option("--collect", help="Read the updates in FOLDER/update/inbox/ and write the mid-year progress workbook.")] = False,
    plan: Annotated[Optional[Path], typer.Option("--plan", help="The improvement plan as the steering group amended it (default: the one in FOLDER/output/).", metavar="PLAN", show_default=False)] = None,
) -> None:
    """The plan's mid-year update: one workbook per cluster or criterion to FOLDER/update/outbox/.

    Each lists its actions with their lead and due date, to be given a current
    situation and a status (on track, done, late, dropped). With --collect, the
    returned updates are read like any return and merged for the steering group.
    """
    from .plan_update import collect_updates, write_updates
    from .problems import ProblemError

    review = _review(folder)
    console = _console()
    try:
        if not collect:
            paths = write_updates(review, plan)
            for path in paths:
                console.print(f"  {path}")
            console.print(f"{len(paths)} update workbooks written. Put the returns in {folder / 'update' / 'inbox'} and run: kcp-sheets plan-update {folder} --collect")
            return
        result, path = collect_updates(review)
    except ProblemError as exc:
        _stop(exc.problems)
    errors = [p for p in result.all_problems() if p.severity == "error"]
    if errors:
        _show_problems(errors)
    console.print(f"{counted(len(result.used()), 'update')} read, {counted(len(errors), 'error')}. Mid-year progress: {path}")


DESK_PORT = 8040


@command()
def serve(
    folder: Folder = Path("."),
    port: Annotated[int, typer.Option("--port", help=f"The port to listen on (default: {DESK_PORT}, or the next free one); 0 picks any free port.", metavar="N", show_default=False)] = DESK_PORT,
    host: Annotated[str, typer.Option("--host", help="The address to listen on (default: 127.0.0.1, which only this machine can reach).", metavar="ADDRESS", show_default=False)] = "127.0.0.1",
) -> None:
    """Open the review desk: the whole review as pages in your web browser.

    Prints one address, with a token; open it in the browser. The desk shows
    the review at a glance, each return's problems, the inbox (drop returns
    onto it), generate, check and consolidate as buttons, the downloads and
    the settings as read. Ctrl-C stops it; a step under way finishes first.
    """
    from .bulk import for_one_run
    from .desk.server import serve as run
    from .folder import review_folder
    from .problems import ProblemError

    for_one_run(False)  # the desk runs for days: what a request built is let go

    try:
        review_folder(folder)
    except ProblemError as exc:
        _stop(exc.problems)
    run(folder.resolve(), host, port, keep_trying=port == DESK_PORT)


@command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Where to put the demo review (default: demo-review).", metavar="FOLDER", show_default=False)] = Path("demo-review"),
    force: Annotated[bool, typer.Option("--force", help="Start an earlier demo folder again from the sample (its decisions are lost).")] = False,
) -> None:
    """Run the whole review on the bundled sample: init, generate, simulated returns, check, consolidate.

    An earlier demo folder is started again only with --force; any other
    folder that is not empty is refused."""
    from . import steps

    outcome = _run(steps.demo, folder, force)
    plan, public = outcome.written[-2:]
    console = _console()
    console.print(f"1. Review folder {folder}: settings, actions and the workbooks in {folder / 'outbox'}")
    console.print(f"2. Simulated returns in {folder / 'inbox'} (one by e-mail, one late with mistakes, one sent twice, one missing)")
    console.print(f"3. Checked: {outcome.summary} List in {outcome.written[0]}")
    console.print(f"4. Consolidated. Public copy: {public}")
    console.print(f"\nOpen the improvement action plan: {plan}", style="bold")


def main() -> None:
    """The console script: a failure the commands did not foresee is still one
    plain sentence, never a traceback (set KCP_DEBUG=1 to see one)."""
    import os
    import sys

    from .bulk import for_one_run

    for_one_run()
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except OSError as exc:
        print(f"kcp-sheets: {exc.strerror or exc}: {exc.filename or ''}. Check the folder exists and can be written to.", file=sys.stderr)
        sys.exit(CANNOT_RUN)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a person at a prompt
        if os.environ.get("KCP_DEBUG"):
            raise
        print(f"kcp-sheets: unexpected {type(exc).__name__}: {exc}. Run again with KCP_DEBUG=1 and report what it shows.", file=sys.stderr)
        sys.exit(FAILED)
