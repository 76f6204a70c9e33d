"""The desk's pages: each reads the review folder afresh through the library
(settings, check, chase list, consolidation) and renders it, so what a page
shows is what `status` and `check` say at that moment, even while the
commands run on the same folder. The views are in views/, one module per
resource; here, the routes and how a view is run."""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..problems import ProblemError
from .context import HERE, PAGE_WAIT, Desk, Unreadable, environment, key_of
from .guard import Guard, Keys, refused
from .jobs import Jobs
from .views import downloads, inbox, overview, returns, run, settings

__all__ = ["create_app", "environment", "key_of"]


def create_app(folder: Path, keys: Keys | None = None, page_wait: float = PAGE_WAIT, host: str = "127.0.0.1") -> Guard:
    """The desk for one review folder, behind its guard (which checks every form's token)."""
    desk = Desk(Path(folder), keys or Keys(), Jobs(), environment(), OrderedDict(), page_wait)

    def page(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        """A page's work runs off the event loop (in a thread), so one page
        waiting on the ledger or reading returns never holds up another, nor
        the stylesheet; a ledger still busy after `page_wait` is said."""

        async def endpoint(request: Request) -> Response:
            try:
                if inspect.iscoroutinefunction(handler):
                    return await handler(desk, request)
                return await run_in_threadpool(handler, desk, request)
            except (Unreadable, ProblemError) as exc:
                busy = any(p.code == "ledger-busy" for p in exc.problems)
                headline = (
                    "The review is busy: try again in a moment" if busy else "The review folder could not be checked"
                )
                return desk.render(
                    request,
                    "broken.html",
                    status=503 if busy else 500,
                    problems=exc.problems,
                    headline=headline,
                    nav="",
                )

        return endpoint

    routes = [
        Route("/", page(overview.overview)),
        Route("/returns/{key}", page(returns.return_page)),
        Route("/returns/{key}/decide", page(returns.decide), methods=["POST"]),
        Route("/returns/{key}/deal", page(returns.deal), methods=["POST"]),
        Route("/inbox", page(inbox.inbox_page)),
        Route("/inbox", page(inbox.upload), methods=["POST"]),
        Route("/run/{step}", page(run.run_step), methods=["POST"]),
        Route("/jobs/{job}", page(run.job_page)),
        Route("/downloads", page(downloads.downloads)),
        Route("/files/{path:path}", page(downloads.download)),
        Route("/settings", page(settings.settings_page)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    return Guard(app, desk.keys, host)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    return refused(
        status, {404: "There is nothing at this address.", 403: "Refused.", 413: "Too large."}.get(status, "Refused.")
    )
