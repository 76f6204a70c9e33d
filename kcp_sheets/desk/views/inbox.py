"""The inbox: what is in it, as check reads it, and returns dropped onto it."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import steps as library
from ...dates import local
from ...folder import INBOX
from ...intake import inbox_files
from ...problems import Problem, ProblemError, problem
from ...settings import Review
from ..context import Desk, checked, key_of
from ..files import ACCEPTED, accepted, save_upload
from ..guard import refused

MAX_FILES_PER_UPLOAD = 20


def inbox_page(desk: Desk, request: Request) -> Response:
    review, problems = desk.review()
    if review is None:
        return desk.render(request, "broken.html", problems=problems, nav="inbox")
    result = checked(desk, review)
    inbox = desk.folder / INBOX
    receipt = desk.receipts.get(request.query_params.get("receipt", ""))
    added = {s.name for s in receipt[0]} if receipt else set()
    files = []
    for path in inbox_files(inbox):
        name = path.relative_to(inbox).as_posix()  # as check names a return: its path in the inbox
        read = [r for r in result.returns if r.source.name == name or r.source.name.startswith(name + " > ")]
        refusals = [p for p in result.problems if p.file == name or p.file.startswith(name + " > ")]
        stat = path.stat()
        files.append(
            {
                "name": name,
                "size": stat.st_size,
                "added": name in added,
                "modified": f"{local(dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)):%d/%m/%Y %H:%M}",
                "returns": [{"ret": r, "key": key_of(r.source.name)} for r in read],
                "refusals": [{"problem": p, "key": key_of(p.file)} for p in refusals],
            }
        )
    return desk.render(
        request,
        "inbox.html",
        review=review,
        files=files,
        receipt=receipt,
        accept=",".join(ACCEPTED),
        limit_mb=review.max_return_mb,
        max_files=MAX_FILES_PER_UPLOAD,
        nav="inbox",
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
        return refused(
            413,
            f"Too much at once: send at most {MAX_FILES_PER_UPLOAD} returns of up to {review.max_return_mb:g} MB each.",
        )
    limited = Request(request.scope, _limited(request.receive, limit))
    try:
        form = await limited.form(max_files=MAX_FILES_PER_UPLOAD, max_fields=10)
    except _TooLarge:
        return refused(
            413,
            f"Too much at once: send at most {MAX_FILES_PER_UPLOAD} returns of up to {review.max_return_mb:g} MB each.",
        )
    except MultiPartException as exc:
        return refused(400, f"The upload could not be read: {exc.message}")
    try:
        saved, refusals = [], []
        for item in form.getlist("returns"):
            if not isinstance(item, UploadFile) or not item.filename:
                continue
            size = item.size or 0
            if not accepted(item.filename):
                suffix = Path(item.filename).suffix.lower()
                refusals.append(
                    problem(
                        "file-not-spreadsheet", item.filename, detail=f"a {suffix or 'file with no extension'} file"
                    )
                )
            elif size > max_bytes:
                refusals.append(
                    problem(
                        "file-too-large",
                        item.filename,
                        detail=f"{size / 1024 / 1024:.1f} MB",
                        limit=f"{review.max_return_mb:g} MB",
                    )
                )
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
