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
    from rich.console import Console

    return Console(highlight=False)


def _show_problems(problems: list[Problem], limit: int = 40) -> None:
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for name in ("", "where", "what", "what to do"):
        table.add_column(name, overflow="fold")
    for p in problems[:limit]:
        table.add_row("[red]error[/]" if p.severity == "error" else "[yellow]warning[/]", p.where(), p.message, p.ask)
    _console().print(table)
    if len(problems) > limit:
        _console().print(f"... and {len(problems) - limit} more.")


def _review(folder: Path):  # noqa: ANN202
    from .problems import ProblemError
    from .settings import load_review

    try:
        return load_review(folder)
    except ProblemError as exc:
        _console().print(f"[bold red]The review folder {folder} has mistakes; nothing was done.[/]")
        _show_problems(exc.problems)
        raise typer.Exit(2) from None


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The new review folder.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite the settings of an existing review.")] = False,
) -> None:
    """Start a review folder from the bundled sample review (Kensington and Chelsea, 2004)."""
    from .folder import init_folder
    from .problems import ProblemError

    try:
        init_folder(folder, force)
    except ProblemError as exc:
        _show_problems(exc.problems)
        raise typer.Exit(2) from None
    _console().print(f"Review folder ready: {folder}\nEdit review.yaml and actions.csv, then run: kcp-sheets generate {folder}")


@app.command()
def generate(folder: Folder = Path(".")) -> None:
    """Write every workbook of the review into FOLDER/outbox/, ready to e-mail."""
    from .generate import generate as run
    from .problems import ProblemError

    review = _review(folder)
    console = _console()
    try:
        with console.status("Generating workbooks...") as status:
            paths = run(review, progress=lambda name: status.update(f"Writing {name}"))
    except ProblemError as exc:
        _show_problems(exc.problems)
        raise typer.Exit(2) from None
    for path in paths:
        console.print(f"  {path}")
    console.print(f"{len(paths)} workbooks written to {paths[0].parent if paths else folder}.")


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
        console.print("[bold]Errors[/] (what to go back and ask for):")
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
    _console().print(table)


def main() -> None:
    app()
