"""The command line: parses what the officer typed, calls the library, shows
the result. One module per family of commands; here, the app, the order its
help lists them in, and the console script."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from . import decisions, desk, outputs, returns, setup
from .base import CANNOT_RUN, FAILED, Prose

app = typer.Typer(
    name="kcp-sheets",
    help="The support officer's side of the partnership's annual review: generate the "
    "workbooks, check the returns, chase the clusters, consolidate the returns into the "
    "improvement action plan.\n\n"
    "Each command takes the review folder (default: the current folder; init is given the new one). Exit codes: "
    "0 done, no error left to ask about; 1 errors found in the returns; 2 the command could not "
    "run (folder, settings or a file named); 3 the tool itself failed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# The commands in the order the help lists them: the review's own order.
COMMANDS: list[tuple[str, Callable[..., None]]] = [
    ("init", setup.init),
    ("generate", setup.generate),
    ("check", returns.check),
    ("status", returns.status),
    ("remind", returns.remind),
    ("consolidate", outputs.consolidate),
    ("report", outputs.report),
    ("returns", decisions.returns),
    ("accept", decisions.accept),
    ("reject", decisions.reject),
    ("reopen", decisions.reopen),
    ("dealt-with", decisions.dealt_with),
    ("export", outputs.export),
    ("plan-update", outputs.plan_update),
    ("serve", desk.serve),
    ("demo", setup.demo),
]
for _name, _command in COMMANDS:
    app.command(_name, cls=Prose)(_command)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"kcp-sheets {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", help="Say which version this is, and stop.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """The support officer's side of the partnership's annual review."""


def main() -> None:
    """The console script: a failure the commands did not foresee is still one
    plain sentence, never a traceback (set KCP_DEBUG=1 to see one)."""
    from ..bulk import for_one_run

    for_one_run()
    if not os.environ.get("KCP_DEBUG"):
        # What a library fails to tidy away after a failure already told (a zip left open on a
        # full disk, closed again at exit) is no news to the officer, and never a traceback.
        sys.unraisablehook = lambda _: None
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except OSError as exc:
        advice = (
            "The disk is full: make room and run this again; nothing was written."
            if exc.errno == errno.ENOSPC
            else "Check the folder exists and can be written to."
        )
        print(f"kcp-sheets: {exc.strerror or exc}: {exc.filename or ''}. {advice}", file=sys.stderr)
        sys.exit(CANNOT_RUN)
    except Exception as exc:  # the last line of defence for a person at a prompt
        if os.environ.get("KCP_DEBUG"):
            raise
        print(
            f"kcp-sheets: unexpected {type(exc).__name__}: {exc}. Run again with KCP_DEBUG=1 and report what it shows.",
            file=sys.stderr,
        )
        sys.exit(FAILED)
