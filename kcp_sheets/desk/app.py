"""The desk's pages: each reads the review folder afresh through the library
(settings, check, chase list, consolidation) and renders it, so what a page
shows is what `status` and `check` say at that moment, even while the
commands run on the same folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import review_states
from .. import steps as library
from ..chase import chase_list
from ..check import CheckResult, check_returns
from ..consolidate import consolidate
from ..folder import INBOX, OUTBOX, OUTPUT
from ..intake import inbox_files
from ..lifecycle import SUPERSEDED, described
from ..problems import Problem, ProblemError, counted, problem
from ..settings import (
    ACCREDITATION_FILE,
    ACTIONS_FILE,
    CRITERIA_FILE,
    SETTINGS_FILE,
    Review,
    load_review,
)
from ..shown import visible
from ..textfile import LIMITS, read_text
from .files import ACCEPTED, Saved, accepted, download_path, listing, save_upload
from .guard import Guard, Keys, refused
from .jobs import Jobs
from .steps import run

HERE = Path(__file__).resolve().parent
SETTINGS_FILES = (SETTINGS_FILE, ACTIONS_FILE, CRITERIA_FILE, ACCREDITATION_FILE)
MAX_FILES_PER_UPLOAD = 20
PAGE_WAIT = 3.0  # seconds: then the page says the review is busy, rather than hang
SCORE_COLOURS = {5: "#1a7f37", 4: "#64a844", 3: "#d4a72c", 2: "#e0823d", 1: "#c4314b", None: "#8c959f"}


def environment() -> jinja2.Environment:
    """Templates escape everything by default: text from a return is only ever text."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
                             finalize=lambda value: visible(value) if isinstance(value, str) else value)  # control characters shown, never obeyed
    env.filters["size"] = _size
    env.filters["counted"] = counted  # {{ n | counted("error") }}: "1 error", "2 errors", as the command line says
    env.filters["described"] = lambda ret: described(ret.state, ret.note, ret.newer)  # a return's state as every surface says it
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
        try:
            return load_review(self.folder), []
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


def create_app(folder: Path, keys: Keys | None = None, page_wait: float = PAGE_WAIT, host: str = "127.0.0.1") -> Guard:
    """The desk for one review folder, behind its guard."""
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
            except (_Unreadable, ProblemError) as exc:
                busy = any(p.code == "ledger-busy" for p in exc.problems)
                headline = "The review is busy: try again in a moment" if busy else "The review folder could not be checked"
                return desk.render(request, "broken.html", status=503 if busy else 500, problems=exc.problems, headline=headline, nav="")

        return endpoint

    routes = [
        Route("/", page(overview)),
        Route("/returns/{key}", page(return_page)),
        Route("/returns/{key}/decide", page(decide), methods=["POST"]),
        Route("/returns/{key}/deal", page(deal), methods=["POST"]),
        Route("/inbox", page(inbox_page)),
        Route("/inbox", page(upload), methods=["POST"]),
        Route("/run/{step}", page(run_step), methods=["POST"]),
        Route("/jobs/{job}", page(job_page)),
        Route("/downloads", page(downloads)),
        Route("/files/{path:path}", page(download)),
        Route("/settings", page(settings_page)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    return Guard(app, desk.keys, host)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    return refused(status, {404: "There is nothing at this address.", 403: "Refused.", 413: "Too large."}.get(status, "Refused."))


async def _checked_form(desk: Desk, request: Request) -> Any:
    form = await request.form()
    if not desk.keys.csrf_ok(form.get("csrf")):
        raise HTTPException(403)
    return form


class _Unreadable(Exception):
    """The folder could not be checked (the ledger, say): the page says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _check(desk: Desk, review: Review) -> CheckResult:
    """The returns as a check would find them, read without writing anything:
    a page shows the review, it never changes it (the Check button does)."""
    try:
        return check_returns(review, record=False, busy_seconds=desk.page_wait)
    except ProblemError as exc:
        raise _Unreadable(exc.problems) from None


# The review at a glance.


def overview(desk: Desk, request: Request) -> Response:
    review, problems = desk.review()
    if review is None:
        return desk.render(request, "broken.html", problems=problems, nav="overview")
    result = _check(desk, review)
    by_name = {r.source.name: r for r in result.returns}
    rows = [{"line": line, "ret": by_name.get(line.return_name), "key": key_of(line.return_name) if line.arrived else ""} for line in chase_list(result)]
    standing = {id(r) for r in result.standing().values()}
    others = [{"ret": r, "key": key_of(r.source.name)} for r in result.returns if id(r) not in standing]
    not_returns = _by_file(result.problems)
    _, content = consolidate(result)
    picture = [_bar(row) for row in content.blocks.get("clusters", [])]
    counts = result.tally()
    return desk.render(
        request, "overview.html", review=review, rows=rows, others=others, not_returns=not_returns, picture=picture,
        errors=counts.errors, warnings=counts.warnings, dealt=counts.dealt, colours=SCORE_COLOURS, nav="overview",
        in_depth=[(name, review.in_depth(name)[1]) for name in review.criterion_names()],
    )


def _bar(row: dict[str, Any]) -> dict[str, Any]:
    """One cluster's scores as segments of a bar, 5 to 1 then unscored; numbers kept beside it."""
    counts = [(n, row.get(f"s{n}", 0) or 0) for n in (5, 4, 3, 2, 1)] + [(None, row.get("unscored", 0) or 0)]
    total = sum(c for _, c in counts) or 1
    segments, x = [], 0.0
    for score, count in counts:
        width = 100 * count / total
        if count:
            segments.append({"x": round(x, 3), "width": round(width, 3), "fill": SCORE_COLOURS[score], "score": score, "count": count})
        x += width
    return {**row, "segments": segments}


def _by_file(problems: list[Problem]) -> list[dict[str, Any]]:
    files: OrderedDict[str, list[Problem]] = OrderedDict()
    for p in problems:
        files.setdefault(p.file, []).append(p)
    return [{"file": f, "problems": ps, "key": key_of(f)} for f, ps in files.items()]


# One return.


def return_page(desk: Desk, request: Request) -> Response:
    return _return_view(desk, request)


def _return_view(desk: Desk, request: Request, said: list[Problem] | None = None, form: Any = None) -> Response:
    review, problems = desk.review()
    if review is None:
        return desk.render(request, "broken.html", problems=problems, nav="overview")
    result = _check(desk, review)
    key = request.path_params["key"]
    ret = next((r for r in result.returns if key_of(r.source.name) == key), None)
    if ret is not None:
        name = ret.source.name
        found = _recorded(desk, ret)
    else:
        found = [p for p in result.problems if key_of(p.file) == key]
        if not found:
            raise HTTPException(404)
        name = found[0].file
    found.sort(key=lambda p: (p.severity != "error", p.sheet, _cell_order(p.cell)))
    sheets: OrderedDict[str, list[Any]] = OrderedDict()
    for p in found:
        sheets.setdefault(p.sheet or "The file as a whole", []).append(p)
    open_errors = [p for p in found if p.severity == "error" and not p.dealt_with]
    asks = list(dict.fromkeys(p.ask for p in open_errors))
    late = bool(ret and ret.plan and ret.source.received.date() > review.stage2_deadline)
    inbox_file = name.split(" > ")[0]
    return desk.render(
        request, "return.html", status=400 if said else 200, review=review, ret=ret, name=name, sheets=sheets, asks=asks, late=late,
        errors=len(open_errors), warnings=sum(p.severity == "warning" and not p.dealt_with for p in found),
        dealt=sum(bool(p.dealt_with) for p in found), said=said or [], done=request.query_params.get("done", ""),
        decisions=bool(ret and ret.ledger_id and ret.plan and ret.state != SUPERSEDED), dealing=bool(ret and ret.ledger_id),
        inbox_file=f"{INBOX}/{inbox_file}" if (desk.folder / INBOX / inbox_file).is_file() else "", nav="overview",
        chosen=str(form.get("decision", "")) if form else "", typed_note=str(form.get("note", "")) if form else "",
        note_missing=any(p.code == "ledger-note-needed" for p in said or ()),
    )


def _recorded(desk: Desk, ret: Any) -> list[Any]:
    """A return's problems as the ledger recorded them at this read: each with the
    key a decision names, and whether it was dealt with."""
    if not ret.ledger_id:
        return list(ret.problems)
    return list(review_states.problems_of(desk.folder, ret.ledger_id, busy_seconds=desk.page_wait))


def _cell_order(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)


DECIDED = {"accepted": "Accepted.", "rejected": "Rejected.", "new": "Decision undone.", "dealt": "Marked dealt with.", "undone": "No longer dealt with."}


async def decide(desk: Desk, request: Request) -> Response:
    """Accept or reject a return with a note, or undo the decision: recorded in the ledger."""
    form = await _checked_form(desk, request)
    return await run_in_threadpool(_decide, desk, request, form)


def _decide(desk: Desk, request: Request, form: Any) -> Response:
    ret = _find_return(desk, request.path_params["key"])
    decision = str(form.get("decision", ""))
    try:
        review_states.set_state(desk.folder, ret.ledger_id, decision, str(form.get("note", "")), busy_seconds=desk.page_wait)
    except ProblemError as exc:
        return _return_view(desk, request, exc.problems, form)  # what was chosen and typed is kept
    return RedirectResponse(f"/returns/{request.path_params['key']}?done={decision}", status_code=303)


async def deal(desk: Desk, request: Request) -> Response:
    """Mark one problem dealt with (with a note), or undo that: recorded in the ledger."""
    form = await _checked_form(desk, request)
    return await run_in_threadpool(_deal, desk, request, form)


def _deal(desk: Desk, request: Request, form: Any) -> Response:
    ret = _find_return(desk, request.path_params["key"])
    problem_key = str(form.get("problem", ""))
    try:
        if form.get("undo"):
            review_states.undo_dealt_with(desk.folder, ret.ledger_id, problem_key, busy_seconds=desk.page_wait)
        else:
            review_states.mark_dealt_with(desk.folder, ret.ledger_id, problem_key, str(form.get("note", "")), busy_seconds=desk.page_wait)
    except ProblemError as exc:
        return _return_view(desk, request, exc.problems)
    done = "undone" if form.get("undo") else "dealt"
    return RedirectResponse(f"/returns/{request.path_params['key']}?done={done}#problem-{problem_key}", status_code=303)


def _find_return(desk: Desk, key: str) -> Any:
    review, _ = desk.review()
    if review is None:
        raise HTTPException(404)
    ret = next((r for r in _check(desk, review).returns if key_of(r.source.name) == key), None)
    if ret is None or not ret.ledger_id:
        raise HTTPException(404)
    return ret


# The inbox.


def inbox_page(desk: Desk, request: Request) -> Response:
    review, problems = desk.review()
    if review is None:
        return desk.render(request, "broken.html", problems=problems, nav="inbox")
    result = _check(desk, review)
    inbox = desk.folder / INBOX
    receipt = desk.receipts.get(request.query_params.get("receipt", ""))
    added = {s.name for s in receipt[0]} if receipt else set()
    files = []
    for path in inbox_files(inbox):
        name = path.relative_to(inbox).as_posix()  # as check names a return: its path in the inbox
        read = [r for r in result.returns if r.source.name == name or r.source.name.startswith(name + " > ")]
        refusals = [p for p in result.problems if p.file == name or p.file.startswith(name + " > ")]
        stat = path.stat()
        files.append({
            "name": name, "size": stat.st_size, "added": name in added,
            "modified": dt.datetime.fromtimestamp(stat.st_mtime).strftime("%d/%m/%Y %H:%M"),
            "returns": [{"ret": r, "key": key_of(r.source.name)} for r in read],
            "refusals": [{"problem": p, "key": key_of(p.file)} for p in refusals],
        })
    return desk.render(
        request, "inbox.html", review=review, files=files, receipt=receipt, accept=",".join(ACCEPTED),
        limit_mb=review.max_return_mb, max_files=MAX_FILES_PER_UPLOAD, nav="inbox",
    )


class _TooLarge(Exception):
    pass


def _limited(receive: Any, limit: int) -> Any:
    """The request body, refused once it passes `limit` bytes: never read whole into memory or disk."""
    seen = 0

    async def receiving() -> Any:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
        return message

    return receiving


async def upload(desk: Desk, request: Request) -> Response:
    review, _ = desk.review()
    if review is None:
        return RedirectResponse("/settings", status_code=303)
    max_bytes = int(review.max_return_mb * 1024 * 1024)
    limit = max_bytes * MAX_FILES_PER_UPLOAD + 1024 * 1024
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return refused(413, f"Too much at once: send at most {MAX_FILES_PER_UPLOAD} returns of up to {review.max_return_mb:g} MB each.")
    limited = Request(request.scope, _limited(request.receive, limit))
    try:
        form = await limited.form(max_files=MAX_FILES_PER_UPLOAD, max_fields=10)
    except _TooLarge:
        return refused(413, f"Too much at once: send at most {MAX_FILES_PER_UPLOAD} returns of up to {review.max_return_mb:g} MB each.")
    except MultiPartException as exc:
        return refused(400, f"The upload could not be read: {exc.message}")
    try:
        if not desk.keys.csrf_ok(form.get("csrf")):
            return refused(403, "The form has expired or was not sent from the desk: reload the inbox and try again.")
        saved, refusals = [], []
        for item in form.getlist("returns"):
            if not isinstance(item, UploadFile) or not item.filename:
                continue
            size = item.size or 0
            if not accepted(item.filename):
                suffix = Path(item.filename).suffix.lower()
                refusals.append(problem("file-not-spreadsheet", item.filename, detail=f"a {suffix or 'file with no extension'} file"))
            elif size > max_bytes:
                refusals.append(problem("file-too-large", item.filename, detail=f"{size / 1024 / 1024:.1f} MB", limit=f"{review.max_return_mb:g} MB"))
            else:
                try:
                    saved.append(save_upload(desk.folder / INBOX, item.filename, item.file))
                except OSError as exc:  # a full disk, say: nothing half-written is left in the inbox
                    refusals.append(problem("file-not-saved", item.filename, detail=exc.strerror or str(exc)))
    finally:
        await form.close()
    if saved:  # an upload is a check asked for: what came is recorded, and can be decided on at once
        refusals += await run_in_threadpool(_record_check, desk, review)
    receipt = hashlib.sha256(repr((saved, refusals, dt.datetime.now().isoformat())).encode()).hexdigest()[:16]
    desk.receipts[receipt] = (saved, refusals)
    while len(desk.receipts) > 20:
        desk.receipts.popitem(last=False)
    return RedirectResponse(f"/inbox?receipt={receipt}", status_code=303)


def _record_check(desk: Desk, review: Review) -> list[Problem]:
    """Check the inbox and record it, as the Check button does; a busy ledger is said, not waited for."""
    try:
        library.check(review, busy_seconds=desk.page_wait)
    except ProblemError as exc:
        return exc.problems
    return []


# The officer's steps.

STEPS = {
    "generate": ("Generate the workbooks", lambda folder, form: partial(run, library.generate, folder, emails=bool(form.get("emails")))),
    "check": ("Check the returns", lambda folder, form: partial(run, library.check, folder)),
    "remind": ("Write the reminders", lambda folder, form: partial(run, library.remind, folder)),
    "consolidate": ("Consolidate the returns", lambda folder, form: partial(run, library.consolidate, folder, public=True)),
    "report": ("Write the annual report", lambda folder, form: partial(run, library.report, folder, public=True)),
}


async def run_step(desk: Desk, request: Request) -> Response:
    form = await _checked_form(desk, request)
    step = STEPS.get(request.path_params["step"])
    if step is None:
        raise HTTPException(404)
    title, work = step
    job = desk.jobs.start(title, work(desk.folder, form))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def job_page(desk: Desk, request: Request) -> Response:
    job = desk.jobs.get(request.path_params["job"])
    if job is None:
        raise HTTPException(404)
    review, _ = desk.review()
    written = [str(p.relative_to(desk.folder)) for p in job.written if p.is_relative_to(desk.folder)]
    return desk.render(request, "job.html", review=review, job=job, written=written, nav="overview")


# Downloads.


def downloads(desk: Desk, request: Request) -> Response:
    review, _ = desk.review()
    areas = []
    for area, title in ((OUTBOX, "Sent: the workbooks and draft e-mails"), (OUTPUT, "Made: the plan, its public copy, the problems list"), (INBOX, "Received: the returns as they arrived")):
        files = [{"path": str(p), "name": str(p.relative_to(area)), "size": (desk.folder / p).stat().st_size} for p in listing(desk.folder, area)]
        areas.append({"area": area, "title": title, "files": files})
    return desk.render(request, "downloads.html", review=review, areas=areas, nav="downloads")


def download(desk: Desk, request: Request) -> Response:
    path = download_path(desk.folder, request.path_params["path"])
    if path is None:
        raise HTTPException(404)
    return FileResponse(path, filename=path.name, media_type="application/octet-stream", content_disposition_type="attachment")


# The settings as read.


def settings_page(desk: Desk, request: Request) -> Response:
    review, problems = desk.review()
    files = []
    for name in SETTINGS_FILES:
        path = desk.folder / name
        mine = [p for p in problems if Path(p.file).name == name]
        marks = {p.line.number for p in mine if p.line}
        text = _text(path)
        files.append({"name": name, "exists": path.is_file(), "problems": mine, "marks": marks,
                      "lines": text.splitlines() if text is not None else []})
    elsewhere = [p for p in problems if Path(p.file).name not in SETTINGS_FILES]
    return desk.render(request, "settings.html", review=review, files=files, problems=problems, elsewhere=elsewhere, nav="settings")


def _text(path: Path) -> str | None:
    """A settings file's text as the settings are read; None where it cannot be (its problem says why)."""
    try:
        return read_text(path, LIMITS.csv_bytes)
    except ProblemError:
        return None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


