"""What the review produces: the improvement plan, the annual report, the
records as CSV, the plan's mid-year update."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..problems import counted, problem
from .base import Folder, console, folder_checked, review, run, show_problems, stop, stopping

if TYPE_CHECKING:
    from ..steps import Outcome


def consolidate(
    folder: Folder = Path("."),
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help=(
                "Also write a copy fit to publish: individuals' names, e-mail addresses and telephone numbers removed."
            ),
        ),
    ] = False,
) -> None:
    """Merge the returns into the improvement action plan, FOLDER/output/2005
    Improvement Action Plan.xlsx for a 2005 review.

    A review of more than 20,000 targets and actions gets no All Actions or
    Outstanding sheet: the Summary counts them by cluster and `kcp-sheets
    export` writes the records as CSV. Exits 2 when the inbox holds no usable
    return.
    """
    from .. import steps

    checked = review(folder)
    outcome = run(steps.consolidate, checked, public=public)
    out = console()
    for line in consolidated(outcome, folder):
        out.print(line)


def consolidated(outcome: Outcome, folder: Path) -> list[str]:
    """What `consolidate` prints of its outcome, line by line."""
    lines = [outcome.summary]
    if outcome.left_out:
        lines.append(
            f"{len(outcome.left_out)} left out (see the Sources sheet; accept a return with `kcp-sheets accept "
            f"{folder} NUMBER --note ...`):"
        )
        lines += [f"  {line}" for line in outcome.left_out]
    if outcome.actions_over is not None:
        count = len(outcome.result.review.actions)
        lines.append(
            f"The {count:,} targets and actions, and those outstanding, are not sheets of the plan (more than "
            f"{outcome.actions_over:,}; the Summary counts them by cluster): "
            f"`kcp-sheets export {folder}` writes them as CSV."
        )
    return lines + [f"Written: {path}" for path in outcome.written]


def report(
    folder: Folder = Path("."),
    public: Annotated[
        bool, typer.Option("--public", help="Also write a copy for the public: people (not organisations) removed.")
    ] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also make a tagged PDF of each, through LibreOffice.")] = False,
) -> None:
    """Write the draft annual report, FOLDER/output/2005 Annual review report.docx for a 2005 review.

    A Word document in the three sections the core requirements ask for
    (reviewing delivery, reviewing partnership working, improvement
    planning), from the same returns as the plan. It is made from
    FOLDER/annual_report.docx if you put a restyled copy of the shipped
    template there. Exits 2 when the inbox holds no usable return.
    """
    from .. import steps

    outcome = run(steps.report, review(folder), public=public, pdf=pdf)
    out = console()
    out.print(outcome.summary)
    for path in outcome.written:
        out.print(f"Written: {path}")


def export(
    folder: Folder = Path("."),
    to: Annotated[
        Path | None,
        typer.Option(
            "--to", help="Where to write the CSV files (default: FOLDER/output/).", metavar="DIR", show_default=False
        ),
    ] = None,
) -> None:
    """The review's records, every year the ledger holds, as CSV files for analysts.

    One file per kind: records - actions.csv (one row per target or action per
    review), records - health.csv (per health sub-criterion), records -
    improvements.csv (per action for improvement). Run consolidate first: it
    records the review. The records are the ledger's: the settings are not
    read, so a mistake in them does not stop an export. Exits 2 when no review
    has been recorded yet.
    """
    from ..folder import OUTPUT
    from ..history import export_csv, has_records

    folder_checked(folder)
    with stopping():
        if not has_records(folder):
            stop([problem("no-records", "", path=str(folder))])
        paths = export_csv(folder, to or folder / OUTPUT)
    for path in paths:
        console().print(f"Written: {path}")


def plan_update(
    folder: Folder = Path("."),
    collect: Annotated[
        bool,
        typer.Option(
            "--collect", help="Read the updates in FOLDER/update/inbox/ and write the mid-year progress workbook."
        ),
    ] = False,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="The improvement plan as the steering group amended it (default: the one in FOLDER/output/).",
            metavar="PLAN",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The plan's mid-year update: one workbook per cluster or criterion to FOLDER/update/outbox/.

    Each lists its actions with their lead and due date, to be given a current
    situation and a status (on track, done, late, dropped). With --collect, the
    returned updates are read like any return and merged for the steering group.
    """
    from ..plan_update import collect_updates, write_updates

    checked = review(folder)
    out = console()
    with stopping():
        if not collect:
            paths = write_updates(checked, plan)
            for path in paths:
                out.print(f"  {path}")
            out.print(
                f"{len(paths)} update workbooks written. Put the returns in {folder / 'update' / 'inbox'} and "
                f"run: kcp-sheets plan-update {folder} --collect"
            )
            return
        result, path = collect_updates(checked)
    errors = [p for p in result.all_problems() if p.severity == "error"]
    if errors:
        show_problems(errors)
    out.print(
        f"{counted(len(result.used()), 'update')} read, {counted(len(errors), 'error')}. Mid-year progress: {path}"
    )
