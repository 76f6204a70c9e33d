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


def main() -> None:
    app()
