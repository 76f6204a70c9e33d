"""The officer's steps, each one library call returning what it did.

`generate`, `check`, `chase`, `remind`, `consolidate`, `report` and `demo` are what the
commands and the desk's buttons run; the CLI and the desk only report
progress and render the outcome, so both say the same. Each raises
ProblemError with the officer's words when it cannot run (the settings, an
empty inbox, no usable return, a busy ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .chase import Chase, chase_list
from .check import CheckResult, check_returns, withdraw_problems, write_problems
from .folder import INBOX, OUTBOX
from .generate import generate as send
from .intake import inbox_files
from .ledger import BUSY_SECONDS
from .lifecycle import SUPERSEDED
from .problems import ProblemError, counted, problem
from .settings import Review
from .workbooks import planned_workbooks

Progress = Callable[[int, int, str], None]  # done, total (0 while unknown), what is being done


def _quiet(done: int, total: int, what: str) -> None:
    pass


@dataclass
class Outcome:
    """What a step did: the files it wrote, the check it stood on, who is chased."""

    written: list[Path] = field(default_factory=list)
    result: CheckResult | None = None
    lines: list[Chase] = field(default_factory=list)
    summary: str = ""  # one sentence, as the command prints it and the desk shows it
    left_out: list[str] = field(
        default_factory=list
    )  # returns not used in the plan: "#7 SC return 2004.xlsx: rejected: ..."
    actions_over: int | None = (
        None  # the limit on a sheet of actions, when the plan's passed it and left them to `kcp-sheets export`
    )


def generate(review: Review, emails: bool = False, progress: Progress = _quiet) -> Outcome:
    """Every workbook of the review into the outbox, recorded as sent; with
    `emails`, a draft e-mail per cluster beside them."""
    plans = planned_workbooks(review)
    count = iter(range(1, len(plans) + 1))
    written = send(review, progress=lambda name: progress(next(count), len(plans), f"Writing {name}"))
    if emails:
        from .mail import write_drafts

        progress(len(plans), len(plans), "Writing the draft e-mails")
        written += write_drafts(review, plans, review.folder / OUTBOX)
    return Outcome(written, summary=f"{len(written)} files written to {review.folder / OUTBOX}.")


def check(
    review: Review, files: list[Path] | None = None, progress: Progress = _quiet, busy_seconds: float = BUSY_SECONDS
) -> Outcome:
    """Read the inbox (and any files named) against what was sent, record it,
    and write the problems workbook. The last one is withdrawn first, so a
    check that fails leaves none looking current."""
    withdraw_problems(review)
    result = _read(review, files, progress, busy_seconds)
    progress(0, 0, "Writing the problems list")
    path = write_problems(result)
    return Outcome([path], result, summary=f"{counted(len(result.returns), 'return')} read: {result.tally()}.")


def chase(review: Review, today: dt.date | None = None, progress: Progress = _quiet) -> Outcome:
    """The inbox checked and recorded, and each workbook sent with who to chase and why."""
    try:
        result = _read(review, None, progress)
    except ProblemError as exc:
        if not any(p.code == "ledger-read-only" for p in exc.problems):
            raise
        result = check_returns(
            review, inbox_files(review.folder / INBOX), record=False
        )  # a read-only copy of a review: read, not recorded
        result.notices.append(
            "The review folder cannot be written to: this is what a check finds now; nothing was recorded."
        )
    lines = chase_list(result, today)
    chased = sum(line.chased for line in lines)
    return Outcome([], result, lines, summary=f"{counted(chased, 'cluster')} to chase.")


def remind(review: Review, today: dt.date | None = None, progress: Progress = _quiet) -> Outcome:
    """A draft reminder for each cluster chased, its return (or the workbook sent) attached."""
    from .mail import withdraw_reminders, write_reminders

    today = today or dt.date.today()
    outcome = chase(review, today, progress)
    progress(0, 0, "Writing the reminders")
    out_dir = review.folder / OUTBOX / "reminders"
    outcome.written = write_reminders(review, outcome.lines, out_dir, today, review.folder / OUTBOX)
    removed = withdraw_reminders(review, out_dir, outcome.written)
    outcome.summary = (
        f"{len(outcome.written)} reminders written. Open each in your e-mail program, read it, and send it."
        if outcome.written
        else "Nobody to chase: every cluster's return is in, at stage 2, scored and free of errors."
    )
    if removed:
        outcome.summary += (
            f" Removed {counted(len(removed), 'earlier reminder')} no longer due: "
            + ", ".join(path.name for path in removed)
            + "."
        )
    return outcome


def consolidate(
    review: Review, public: bool = False, progress: Progress = _quiet, actions_sheet_limit: int | None = None
) -> Outcome:
    """The returns merged into the improvement plan (and, with `public`, its
    public copy); stops when the inbox is empty or no return can be used. A
    master list of more than `actions_sheet_limit` targets and actions (the
    plan's own limit unless given) is left to the CSV export."""
    from .consolidate import ACTIONS_SHEET_LIMIT, too_many_actions_for_sheets, write_plan

    limit = ACTIONS_SHEET_LIMIT if actions_sheet_limit is None else actions_sheet_limit

    result = _usable(review, progress)
    merged = result.merged()
    progress(0, 0, "Writing the improvement action plan")
    written = [write_plan(result, actions_sheet_limit=limit)]
    if public:
        progress(0, 0, "Writing its public copy")
        written.append(write_plan(result, public=True, actions_sheet_limit=limit))
    left_out = [  # an older copy is merged into the newer, not left out
        f"#{ret.ledger_id} {ret.source.name}: {why}"
        for ret, why in result.left_out()
        if ret.sent is not None and ret.state != SUPERSEDED
    ]
    summary = f"{counted(len(merged), 'return')} merged; {result.tally()} are listed on its Problems sheet."
    over = limit if too_many_actions_for_sheets(review, limit) else None
    return Outcome(written, result, summary=summary, left_out=left_out, actions_over=over)


def report(review: Review, public: bool = False, pdf: bool = False, progress: Progress = _quiet) -> Outcome:
    """The draft annual report (and, with `public`, its copy without people;
    with `pdf`, a tagged PDF of each), from the returns the plan uses."""
    from .report import template_path, write_report

    result = _usable(review, progress)
    written: list[Path] = []
    for copy in (False, True) if public else (False,):
        progress(0, 0, "Writing the public copy of the annual report" if copy else "Writing the annual report")
        written += write_report(result, public=copy, pdf=pdf)
    template = template_path(review.folder)
    styled = (
        "your own template"
        if template.parent == review.folder
        else f"the shipped template (put a restyled copy of it in the review folder as {template.name} to use your own)"
    )
    return Outcome(
        written,
        result,
        summary=f"The draft annual report, from {counted(len(result.merged()), 'return')}, made with {styled}.",
    )


def demo(folder: Path, force: bool = False, progress: Progress = _quiet) -> Outcome:
    """The whole cycle on the bundled sample: a demo review, its workbooks,
    simulated returns, checked and consolidated with its public copy."""
    from .demo import prepare_demo

    progress(0, 0, "Generating the sample review's workbooks and simulated returns")
    review = prepare_demo(folder, force)
    checked = check(review, progress=progress)
    merged = consolidate(review, public=True, progress=progress)
    return Outcome([*checked.written, *merged.written], merged.result, summary=checked.summary)


def _usable(review: Review, progress: Progress) -> CheckResult:
    """The inbox checked, stopping where there is nothing to use: an empty inbox, or no usable return."""
    if not inbox_files(review.folder / INBOX):
        raise ProblemError([problem("inbox-empty", "", path=str(review.folder / INBOX))])
    result = _read(review, None, progress)
    if not result.merged():
        count = len(result.returns) + len(result.problems)
        raise ProblemError([problem("no-returns", "", detail=f"{count} file{'s' if count != 1 else ''}")])
    return result


def _read(
    review: Review, files: list[Path] | None, progress: Progress, busy_seconds: float = BUSY_SECONDS
) -> CheckResult:
    paths = inbox_files(review.folder / INBOX) if files is None else files
    return check_returns(
        review,
        paths,
        progress=lambda done, total: progress(done, total, f"Reading returns: {done} of {total}"),
        busy_seconds=busy_seconds,
    )
