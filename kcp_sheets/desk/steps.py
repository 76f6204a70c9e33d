"""The officer's steps as the desk's buttons run them: the library's steps
(kcp_sheets/steps.py), the same the commands run, reporting to a Job."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import steps
from ..settings import load_review
from .jobs import Job


def run(step: Callable[..., steps.Outcome], folder: Path, job: Job, **options: Any) -> None:
    """Run one step on the folder's review as it is now, and put its outcome on the job's page."""
    outcome = step(load_review(folder, keep=True), progress=job.progress, **options)  # as the commands load it
    job.written = outcome.written
    job.summary = outcome.summary
    if outcome.left_out:
        job.summary += (
            f" {len(outcome.left_out)} left out (accept a return on its page to merge it): "
            + "; ".join(outcome.left_out)
            + "."
        )
    if outcome.result is not None and step is steps.check:
        job.problems = [p for p in outcome.result.all_problems() if p.open_error]
