"""One running desk, as every view is given it: its folder, its secrets,
its templates, and the returns read as a check would read them."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..check import CheckResult, check_returns
from ..lifecycle import described
from ..problems import Problem, ProblemError, counted
from ..settings import Review, load_review
from ..shown import visible
from .files import Saved
from .guard import Keys
from .jobs import Jobs

HERE = Path(__file__).resolve().parent
PAGE_WAIT = 3.0  # seconds: then the page says the review is busy, rather than hang


def environment() -> jinja2.Environment:
    """Templates escape everything by default: text from a return is only ever text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=lambda value: visible(value) if isinstance(value, str) else value,
    )  # control characters shown, never obeyed
    env.filters["size"] = _size
    env.filters["counted"] = counted  # {{ n | counted("error") }}: "1 error", "2 errors", as the command line says
    env.filters["described"] = lambda ret: described(
        ret.state, ret.note, ret.newer
    )  # a return's state as every surface says it
    return env


def key_of(name: str) -> str:
    """A return's key in the desk's addresses: stable for the same source name."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Desk:
    """One running desk: its folder, its secrets, its steps."""

    folder: Path
    keys: Keys
    jobs: Jobs
    templates: jinja2.Environment
    receipts: OrderedDict[str, tuple[list[Saved], list[Problem]]]
    page_wait: float = PAGE_WAIT  # how long a page waits for a ledger another command holds

    def review(self) -> tuple[Review | None, list[Problem]]:
        """The review's settings as the commands last kept them, if nothing they came from has changed."""
        try:
            return load_review(self.folder, keep=True, read_only=True), []
        except ProblemError as exc:
            return None, exc.problems

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("review", None)
        review = context["review"]
        html = self.templates.get_template(template).render(
            request=request,
            csrf=self.keys.csrf,
            running=self.jobs.running,
            review_name=f"{review.title} {review.year}" if review else self.folder.name,
            **context,
        )
        return HTMLResponse(html, status_code=status)


class Unreadable(Exception):
    """The folder could not be checked (the ledger, say): the page says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def checked(desk: Desk, review: Review) -> CheckResult:
    """The returns as a check would find them, read without writing anything:
    a page shows the review, it never changes it (the Check button does)."""
    try:
        return check_returns(review, record=False, busy_seconds=desk.page_wait)
    except ProblemError as exc:
        raise Unreadable(exc.problems) from None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"
