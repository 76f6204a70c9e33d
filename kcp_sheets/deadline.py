"""A time limit on reading one file, so that no file, however made, holds up
a run: a workbook, or the e-mail it came in.

Reading is bounded by the inspection's limits on size (every part, every
grid), and each step found to grow faster than its input was made linear; this
is the guard for what was not found. An alarm stops the read: Python code and
regular expressions notice it at once, the reading library's own parsing (of
parts already bounded in size) when it returns. Alarms exist only on systems
that have them and only in a process's main thread: the command line and its
reading workers have one, the desk's threads do not.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

READ_SECONDS = 120.0  # the largest sheet allowed (2,000,000 cells) reads in well under a minute


class ReadTooLong(BaseException):
    """The read ran past its time. Not an Exception, so that no step's own
    `except Exception` (a library that raises many kinds) can swallow it."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise ReadTooLong inside the block once `seconds` have passed."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise ReadTooLong

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
