"""The officer's steps as the desk runs them: the same library calls as the
commands `generate`, `check` and `consolidate`, reporting to a Job."""

from __future__ import annotations

from pathlib import Path

from ..check import CheckResult, check_returns, write_problems
from ..consolidate import write_plan
from ..generate import generate
from ..settings import load_review
from ..workbooks import planned_workbooks
from .jobs import Job


def run_generate(folder: Path, emails: bool, job: Job) -> None:
    review = load_review(folder)
    plans = planned_workbooks(review)
    count = iter(range(1, len(plans) + 1))
    job.written = generate(review, progress=lambda name: job.progress(next(count), len(plans), f"Writing {name}"))
    if emails:
        from ..mail import write_drafts

        job.step = "Writing the draft e-mails"
        job.written += write_drafts(review, plans, job.written[0].parent)
    job.summary = f"{len(job.written)} files written to outbox."


def _checked(folder: Path, job: Job) -> CheckResult:
    review = load_review(folder)
    job.step = "Reading returns"
    return check_returns(review, progress=lambda done, total: job.progress(done, total, f"Reading returns: {done} of {total}"))


def run_check(folder: Path, job: Job) -> None:
    result = _checked(folder, job)
    job.step = "Writing the problems list"
    job.written = [write_problems(result)]
    job.problems = [p for p in result.all_problems() if p.open_error]
    job.summary = f"{len(result.returns)} returns read: {result.tally()}."


def run_remind(folder: Path, job: Job) -> None:
    import datetime as dt

    from ..chase import chase_list
    from ..folder import OUTBOX
    from ..mail import write_reminders

    result = _checked(folder, job)
    job.step = "Writing the reminders"
    today = dt.date.today()
    review = result.review
    job.written = write_reminders(review, chase_list(result, today), review.folder / OUTBOX / "reminders", today, review.folder / OUTBOX)
    job.summary = f"{len(job.written)} reminders written: open each in your e-mail program, read it, and send it." if job.written else (
        "Nobody to chase: every cluster's return is in, at stage 2, scored and free of errors.")


def run_consolidate(folder: Path, job: Job) -> None:
    result = _checked(folder, job)
    if not result.merged():
        from ..problems import ProblemError, problem

        count = len(result.returns) + len(result.problems)
        raise ProblemError([problem("no-returns", "", detail=f"{count} file{'s' if count != 1 else ''}")])
    job.step = "Writing the improvement action plan"
    job.written = [write_plan(result)]
    job.step = "Writing its public copy"
    job.written.append(write_plan(result, public=True))
    job.summary = f"{len(result.merged())} returns merged; {result.tally()} are listed on its Problems sheet."
    left_out = [(ret, why) for ret, why in result.left_out() if ret.plan is not None]
    if left_out:
        job.summary += f" {len(left_out)} left out (accept a return on its page to merge it): " + "; ".join(f"{ret.source.name}: {why}" for ret, why in left_out) + "."
