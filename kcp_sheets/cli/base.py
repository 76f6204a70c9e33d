"""What every command shares: the help that reads as prose, the consoles,
how problems are shown, and the one way a problem stops a command.

Imports inside functions, here and in every command module, are there for
start-up time alone: rich, the settings (yaml), the folder and intake (email),
the steps, the ledger and the desk (pandas, openpyxl) would double the time
`kcp-sheets --help` or a mistyped command takes to answer. Only what the
help itself needs is imported at the top."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand

from ..problems import Problem, ProblemError

if TYPE_CHECKING:
    from rich.console import Console

    from ..settings import Review
    from ..steps import Outcome

# Exit codes, as the README says: 0 done, no error left to ask about; 1 errors
# found in the returns; 2 the command could not run (the folder, the settings, a file
# named that does not exist, nothing to work on); 3 the tool itself failed.
CLEAN, PROBLEMS, CANNOT_RUN, FAILED = 0, 1, 2, 3


class Prose(TyperCommand):
    """Help that reads as prose: argument names and what they are, no type labels."""

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's first sentence in full, never cut off with '...'."""
        return " ".join((self.short_help or self.help or "").split("\n\n")[0].split())

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line as people type it: FOLDER RETURN, [FOLDER] when it may be left out, never {FOLDER}.
        After a [FOLDER] that is taken from the arguments given (`accept 3`), those after it are
        shown as needed, which they are."""
        pieces = [self.options_metavar] if self.options_metavar else []
        shifted = False
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = (param.metavar or param.name or "").upper()
                name += "..." if param.nargs != 1 and not name.endswith("...") else ""
                pieces.append(name if param.required or shifted or name.startswith("[") else f"[{name}]")
                shifted = shifted or name == "[FOLDER]"
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments, then options, each as a name and what it is."""
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


Folder = Annotated[
    Path, typer.Argument(help="The review folder (default: the current folder).", metavar="FOLDER", show_default=False)
]
ReviewFolder = Annotated[Path, typer.Argument(help="The review folder.", metavar="FOLDER", show_default=False)]


def console(stderr: bool = False) -> Console:
    """Results go to standard output, errors and warnings to standard error.
    Markup is off (names and typed text are printed as they are) and nothing
    is wrapped by us, so a path or an address is never broken across lines."""
    return _shown_console()(highlight=False, markup=False, soft_wrap=True, stderr=stderr)


@functools.cache
def _shown_console() -> type[Console]:
    """A console that shows control characters in what it prints, never obeys them (shown.py)."""
    from rich.console import Console
    from rich.text import Text

    from ..shown import visible

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


def show_problems(problems: list[Problem], limit: int = 40) -> None:
    """One problem a line, then what to do, to standard error."""
    from rich.text import Text

    err = console(stderr=True)
    for p in problems[:limit]:
        mark = Text("error  ", style="red") if p.severity == "error" else Text("warning", style="yellow")
        err.print(Text.assemble(mark, f" {p.where()}: {p.message}" if p.where() else f" {p.message}"))
        err.print(f"         -> {p.ask}", style="dim")
    if len(problems) > limit:
        err.print(f"... and {len(problems) - limit} more.")


def stop(problems: list[Problem], headline: str = "") -> NoReturn:
    """Show why the command cannot go on, and end it with exit code 2."""
    if headline:
        console(stderr=True).print(headline, style="bold red")
    show_problems(problems)
    raise typer.Exit(CANNOT_RUN)


@contextmanager
def stopping(headline: str = "") -> Iterator[None]:
    """The one way a problem the library raises stops a command: its
    problems shown in the officer's words, under `headline` if given."""
    try:
        yield
    except ProblemError as exc:
        stop(exc.problems, headline)


def folder_checked(folder: Path) -> None:
    """Stop unless `folder` is a review folder (its settings are not read)."""
    from ..folder import review_folder

    with stopping():
        review_folder(folder)


def review(folder: Path) -> Review:
    """The review folder's settings, checked; a mistake stops the command."""
    from ..settings import load_review

    folder_checked(folder)
    with stopping(f"The review folder {folder} has mistakes; nothing was done."):
        return load_review(folder, keep=True)


def run(step: Callable[..., Outcome], *args: Any, **kwargs: Any) -> Outcome:
    """Run one of the officer's steps with a progress bar; what it noticed is said after."""
    from rich.progress import Progress

    with stopping(), Progress(transient=True, console=console(stderr=True)) as bar:
        task = bar.add_task("Working", total=None)
        outcome = step(
            *args,
            progress=lambda done, total, what: bar.update(task, completed=done, total=total or None, description=what),
            **kwargs,
        )
    for notice in outcome.result.notices if outcome.result else ():
        console(stderr=True).print(f"Note: {notice}")
    return outcome


def print_written(paths: list[Path], summary: str) -> None:
    """The files a step wrote, one a line, then what it did."""
    out = console()
    for path in paths:
        out.print(f"  {path}")
    out.print(summary)
