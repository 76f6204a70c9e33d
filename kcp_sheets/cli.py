"""The command line: parses what the officer typed, calls the library, shows
the result. Heavy modules are imported inside each command so `--help`
answers at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from .problems import Problem

app = typer.Typer(
    name="kcp-sheets",
    help="The support officer's side of the partnership's annual review: generate the "
    "workbooks, check the returns, consolidate them into the improvement action plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Folder = Annotated[Path, typer.Argument(help="The review folder.", show_default=True)]


def _console():  # noqa: ANN202 - rich is imported lazily
    """The console every command prints through. Markup is off: file names and
    what people typed ("[tbc]", "[/]") are printed as they are, never read as
    styling; our own emphasis is given with `style=` or rich Text."""
    from rich.console import Console

    return Console(highlight=False, markup=False)


def _show_problems(problems: list[Problem], limit: int = 40) -> None:
    """One problem a line, then what to do: readable at any width, easy to copy."""
    from rich.text import Text

    console = _console()
    for p in problems[:limit]:
        mark = Text("error  ", style="red") if p.severity == "error" else Text("warning", style="yellow")
        console.print(Text.assemble(mark, f" {p.where()}: {p.message}"), soft_wrap=True)
        console.print(f"         -> {p.ask}", soft_wrap=True, style="dim")
    if len(problems) > limit:
        console.print(f"... and {len(problems) - limit} more.")


def _review(folder: Path):  # noqa: ANN202
    from .problems import ProblemError
    from .settings import load_review

    try:
        return load_review(folder)
    except ProblemError as exc:
        _console().print(f"The review folder {folder} has mistakes; nothing was done.", style="bold red")
        _show_problems(exc.problems)
        raise typer.Exit(2) from None


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The new review folder.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite the settings of an existing review.")] = False,
    last_year: Annotated[Optional[Path], typer.Option("--from", help="Last year's review folder, its returns in its inbox: carry it forward.", show_default=False)] = None,
) -> None:
    """Start a review folder: from the bundled sample review, or --from last year's.

    With --from, the new folder has last year's settings a year on, every
    action with last year's progress and agreed score, the actions the
    clusters added (given stable IDs), actions marked retired = Yes in actions.csv
    dropped, and last year's partnership plan as the accreditation
    plan to review.
    """
    from .folder import init_folder
    from .problems import ProblemError

    try:
        if last_year is not None:
            from .carry import carry_forward

            carry_forward(last_year, folder)
        else:
            init_folder(folder, force)
    except ProblemError as exc:
        _show_problems(exc.problems)
        raise typer.Exit(2) from None
    _console().print(f"Review folder ready: {folder}\nEdit review.yaml and actions.csv, then run: kcp-sheets generate {folder}")


@app.command()
def generate(
    folder: Folder = Path("."),
    emails: Annotated[bool, typer.Option("--emails", help="Also write one draft e-mail (.eml) per cluster, its workbook attached.")] = False,
) -> None:
    """Write every workbook of the review into FOLDER/outbox/, ready to e-mail."""
    from .generate import generate as run
    from .generate import planned_workbooks
    from .problems import ProblemError

    review = _review(folder)
    console = _console()
    try:
        with console.status("Generating workbooks...") as status:
            paths = run(review, progress=lambda name: status.update(f"Writing {name}"))
            if emails:
                from .mail import write_drafts

                paths += write_drafts(review, planned_workbooks(review), paths[0].parent)
    except ProblemError as exc:
        _show_problems(exc.problems)
        raise typer.Exit(2) from None
    for path in paths:
        console.print(f"  {path}")
    console.print(f"{len(paths)} files written to {paths[0].parent if paths else folder}.")


def _check(folder: Path, files: list[Path] | None):  # noqa: ANN202
    from rich.progress import Progress

    from .check import check_returns

    review = _review(folder)
    with Progress(transient=True, console=_console()) as bar:
        task = bar.add_task("Reading returns", total=None)
        result = check_returns(review, files or None, progress=lambda done, total: bar.update(task, completed=done, total=total))
    return result


@app.command()
def check(
    folder: Folder = Path("."),
    files: Annotated[Optional[list[Path]], typer.Argument(help="Returns to check instead of FOLDER/inbox/.", show_default=False)] = None,
) -> None:
    """Read every return in FOLDER/inbox/ (or the FILES given) and list what is wrong.

    Reads .xlsx, .xlsm, .xls, .ods and saved e-mails (.eml). Writes the full list
    of problems to FOLDER/output/. Exits 1 if any problem is an error.
    """
    from rich.table import Table

    from .check import write_problems

    result = _check(folder, files)
    console = _console()
    table = Table(header_style="bold", title="Returns")
    for name in ("file", "what it is", "cluster", "answers read", "errors", "warnings"):
        table.add_column(name, overflow="fold")
    for ret in result.returns:
        what = ret.plan.spec.title if ret.plan else "not recognised"
        if ret.plan and not ret.used:
            what += " (older copy, not used)"
        table.add_row(ret.source.name, what, ret.cluster, str(ret.answers), str(ret.errors), str(ret.warnings))
    for p in result.problems:
        table.add_row(p.file, "not a return", "", "0", str(int(p.severity == "error")), str(int(p.severity == "warning")))
    console.print(table)
    path = write_problems(result)
    problems = result.all_problems()
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        console.print("Errors (what to go back and ask for):", style="bold")
        _show_problems(errors)
    console.print(f"{len(errors)} errors, {len(problems) - len(errors)} warnings. Full list: {path}")
    raise typer.Exit(1 if errors else 0)


@app.command()
def status(folder: Folder = Path(".")) -> None:
    """The chase list: which returns have arrived, which are clean, who to chase."""
    from rich.table import Table

    from .check import chase_list

    result = _check(folder, None)
    table = Table(header_style="bold", title=f"Returns for {result.review.title} {result.review.year}")
    for name in ("workbook", "arrived", "from", "state", "unscored", "chase"):
        table.add_column(name, overflow="fold")
    for line in chase_list(result):
        table.add_row(line.workbook, line.arrived, line.sender, line.clean, str(line.unscored) if line.arrived != "not yet" else "", line.chase)
    console = _console()
    console.print(table)
    review = result.review
    console.print("Partnership health, in-depth reviews (each criterion at least once in three years):")
    for name in review.criterion_names():
        console.print(f"  {name}: {review.in_depth(name)[1]}")


@app.command()
def consolidate(
    folder: Folder = Path("."),
    public: Annotated[bool, typer.Option("--public", help="Also write a copy fit to publish: individuals' names, e-mail addresses and telephone numbers removed.")] = False,
) -> None:
    """Merge the returns into FOLDER/output/<year> Improvement Action Plan.xlsx."""
    from .consolidate import write_plan

    result = _check(folder, None)
    paths = [write_plan(result)]
    if public:
        paths.append(write_plan(result, public=True))
    problems = result.all_problems()
    errors = sum(p.severity == "error" for p in problems)
    console = _console()
    console.print(f"{len(result.used())} returns merged; {errors} errors and {len(problems) - errors} warnings are listed on its Problems sheet.")
    for path in paths:
        console.print(f"Written: {path}")


@app.command("plan-update")
def plan_update(
    folder: Folder = Path("."),
    collect: Annotated[bool, typer.Option("--collect", help="Read the updates in FOLDER/update/inbox/ and write the mid-year progress workbook.")] = False,
    plan: Annotated[Optional[Path], typer.Option("--plan", help="The improvement plan as the steering group amended it (default: the one in FOLDER/output/).", show_default=False)] = None,
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
        _show_problems(exc.problems)
        raise typer.Exit(2) from None
    errors = [p for p in result.all_problems() if p.severity == "error"]
    if errors:
        _show_problems(errors)
    console.print(f"{len(result.used())} updates read, {len(errors)} errors. Mid-year progress: {path}")


@app.command()
def demo(folder: Annotated[Path, typer.Argument(help="Where to put the demo review.")] = Path("demo-review")) -> None:
    """Run the whole review on the bundled sample: init, generate, simulated returns, check, consolidate."""
    from .check import check_returns, write_problems
    from .consolidate import write_plan
    from .demo import prepare_demo
    from .problems import ProblemError

    console = _console()
    try:
        with console.status("Generating the sample review's workbooks and simulated returns..."):
            review = prepare_demo(folder)
    except ProblemError as exc:
        _show_problems(exc.problems)
        raise typer.Exit(2) from None
    console.print(f"1. Review folder {folder}: settings, actions and the workbooks in {folder / 'outbox'}")
    console.print(f"2. Simulated returns in {folder / 'inbox'} (one by e-mail, one late with mistakes, one sent twice, one missing)")
    result = check_returns(review)
    problems = write_problems(result)
    errors = result.errors
    console.print(f"3. Checked {len(result.returns)} returns: {errors} errors to chase; list in {problems}")
    plan = write_plan(result)
    public = write_plan(result, public=True)
    console.print(f"4. Consolidated. Public copy: {public}")
    console.print(f"\nOpen the improvement action plan: {plan}", style="bold")


def main() -> None:
    """The console script: a failure the commands did not foresee is still one
    plain sentence, never a traceback (set KCP_DEBUG=1 to see one)."""
    import os
    import sys

    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except OSError as exc:
        print(f"kcp-sheets: {exc.strerror or exc}: {exc.filename or ''}. Check the folder exists and can be written to.", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a person at a prompt
        if os.environ.get("KCP_DEBUG"):
            raise
        print(f"kcp-sheets: unexpected {type(exc).__name__}: {exc}. Run again with KCP_DEBUG=1 and report what it shows.", file=sys.stderr)
        sys.exit(3)
