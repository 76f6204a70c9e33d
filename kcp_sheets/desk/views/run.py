"""The officer's steps as buttons: each runs as a job, its page followed until it is done."""

from __future__ import annotations

from functools import partial

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ... import steps as library
from ..context import Desk
from ..steps import run

STEPS = {
    "generate": (
        "Generate the workbooks",
        lambda folder, form: partial(run, library.generate, folder, emails=bool(form.get("emails"))),
    ),
    "check": ("Check the returns", lambda folder, form: partial(run, library.check, folder)),
    "remind": ("Write the reminders", lambda folder, form: partial(run, library.remind, folder)),
    "consolidate": (
        "Consolidate the returns",
        lambda folder, form: partial(run, library.consolidate, folder, public=True),
    ),
    "report": ("Write the annual report", lambda folder, form: partial(run, library.report, folder, public=True)),
}


async def run_step(desk: Desk, request: Request) -> Response:
    form = await request.form()
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
