"""The review desk: the whole review as pages in the officer's browser."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Annotated

import typer

from .base import CANNOT_RUN, Folder, console, folder_checked

DESK_PORT = 8040


def serve(
    folder: Folder = Path("."),
    port: Annotated[
        int,
        typer.Option(
            "--port",
            help=f"The port to listen on (default: {DESK_PORT}, or the next free one); 0 picks any free port.",
            metavar="N",
            show_default=False,
            min=0,
            max=65535,  # a port past it is a typing mistake, said as one
        ),
    ] = DESK_PORT,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="The address to listen on (default: 127.0.0.1, which only this machine can reach).",
            metavar="ADDRESS",
            show_default=False,
        ),
    ] = "127.0.0.1",
) -> None:
    """Open the review desk: the whole review as pages in your web browser.

    Prints one address, with a token; open it in the browser. The desk shows
    the review at a glance, each return's problems, the inbox (drop returns
    onto it), generate, check and consolidate as buttons, the downloads and
    the settings as read. Ctrl-C stops it; a step under way finishes first.
    """
    from ..bulk import for_one_run
    from ..desk.server import serve as run

    for_one_run(False)  # the desk runs for days: what a request built is let go
    folder_checked(folder)
    try:
        run(folder.resolve(), host, port, keep_trying=port == DESK_PORT)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        console(stderr=True).print(
            f"Port {port} is already in use on {host}: perhaps a desk is already running there. "
            "Open that one, or choose another port with --port.",
            style="bold red",
        )
        raise typer.Exit(CANNOT_RUN) from None
