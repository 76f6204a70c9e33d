"""Setting a review up: start its folder, write its workbooks, or run the whole review on the sample."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..problems import problem
from .base import Folder, console, print_written, review, run, stop, stopping


def init(
    folder: Annotated[
        Path, typer.Argument(help="The new review folder, named for its year (review-2005).", metavar="FOLDER")
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="The review's year (default: the year in the folder's name).",
            metavar="YEAR",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the settings of an existing review.")] = False,
    last_year: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Last year's review folder, its returns in its inbox: carry it forward.",
            metavar="LAST_YEAR",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start a review folder: from the bundled sample review, or --from last year's.

    The sample starts the year given with --year, or the year in the folder's
    name (review-2005 starts 2005), its dates moved to match (a date that
    falls at a weekend moves to the Friday before).

    With --from, the new folder has last year's settings a year on (dates
    likewise off a weekend), every action with last year's progress and
    agreed score, the actions the clusters added (given stable IDs), actions
    marked retired = Yes in actions.csv dropped, and last year's partnership
    plan as the accreditation plan to review.
    """
    from ..folder import init_folder
    from ..settings import load_review

    with stopping():
        if last_year is not None:
            _carry(last_year, folder, year)
        else:
            init_folder(folder, force, year)
    made = load_review(folder)
    console().print(
        f"Review folder ready for {made.year}: {folder}\nEdit review.yaml and actions.csv, then run: "
        f"kcp-sheets generate {folder}"
    )


def _carry(last_year: Path, folder: Path, year: int | None) -> None:
    """`init --from`: last year's review carried forward; a --year it cannot make is refused."""
    from ..carry import carry_forward

    last = review(last_year)
    if year is not None and year != last.year + 1:
        stop(
            [
                problem(
                    "settings-invalid",
                    "",
                    detail=f"--from {last_year} makes the {last.year + 1} review, not {year}.",
                    fix=f"Leave out --year, or name the review before {year}.",
                )
            ]
        )
    carry_forward(last_year, folder)


def generate(
    folder: Folder = Path("."),
    emails: Annotated[
        bool, typer.Option("--emails", help="Also write one draft e-mail (.eml) per cluster, its workbook attached.")
    ] = False,
) -> None:
    """Write every workbook of the review into FOLDER/outbox/, ready to e-mail."""
    from .. import steps

    outcome = run(steps.generate, review(folder), emails=emails)
    print_written(outcome.written, outcome.summary)


def demo(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Where to put the demo review (default: demo-review).", metavar="FOLDER", show_default=False
        ),
    ] = Path("demo-review"),
    force: Annotated[
        bool,
        typer.Option("--force", help="Start an earlier demo folder again from the sample (its decisions are lost)."),
    ] = False,
) -> None:
    """Run the whole review on the bundled sample: init, generate, simulated returns, check, consolidate.

    An earlier demo folder is started again only with --force; any other
    folder that is not empty is refused."""
    from .. import steps

    outcome = run(steps.demo, folder, force)
    plan, public = outcome.written[-2:]
    out = console()
    out.print(f"1. Review folder {folder}: settings, actions and the workbooks in {folder / 'outbox'}")
    out.print(
        f"2. Simulated returns in {folder / 'inbox'} (one by e-mail, one late with mistakes, one sent twice, "
        "one missing)"
    )
    out.print(f"3. Checked: {outcome.summary} List in {outcome.written[0]}")
    out.print(f"4. Consolidated. Public copy: {public}")
    out.print(f"\nOpen the improvement action plan: {plan}", style="bold")
