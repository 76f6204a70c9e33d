"""Generate, check and consolidate, run from the desk one at a time in a
thread, with progress a page can show.

The threads are not daemons: stopping the desk with Ctrl-C lets a running
step finish its (atomic) writes before the process ends, so nothing is lost.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, ProblemError


@dataclass
class Job:
    """One step the officer started, as far as it has got."""

    id: str
    title: str
    step: str = "Starting"
    done: int = 0
    total: int = 0  # 0 while the amount of work is not known
    finished: bool = False
    summary: str = ""
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: str = ""

    def progress(self, done: int, total: int, step: str | None = None) -> None:
        self.done, self.total = done, total
        if step is not None:
            self.step = step


class Jobs:
    """The steps started from the desk; one runs at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._running: Job | None = None

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    @property
    def running(self) -> Job | None:
        return self._running if self._running and not self._running.finished else None

    def start(self, title: str, work: Callable[[Job], None]) -> Job:
        """Start `work` in a thread, or return the step already running."""
        with self._lock:
            if self.running:
                return self.running
            job = Job(secrets.token_hex(8), title)
            self._jobs[job.id] = job
            self._running = job
        thread = threading.Thread(target=self._run, args=(job, work), name=f"desk-{title}", daemon=False)
        thread.start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], None]) -> None:
        try:
            work(job)
        except ProblemError as exc:
            job.problems = exc.problems
            job.failed = "Nothing was done."
        except OSError as exc:
            job.failed = f"{exc.strerror or exc}: {exc.filename or ''}. Check the folder exists and can be written to."
        except Exception as exc:  # noqa: BLE001 - the desk must stay up and say what happened
            job.failed = f"Unexpected {type(exc).__name__}: {exc}"
        finally:
            job.step = "Failed" if job.failed else "Done"
            job.finished = True
