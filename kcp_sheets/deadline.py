"""A time limit on reading one file, so that no file, however made, holds up
a run: a workbook, or the e-mail it came in.

Reading is bounded by the inspection's limits on size (every part, every
grid), and each step found to grow faster than its input was made linear; this
is the guard for what was not found. An alarm stops the read: Python code and
regular expressions notice it at once, the reading library's own parsing (of
parts already bounded in size) when it returns. Alarms exist only on systems
that have them and only in a process's main thread: the command line, its
reading workers and the desk's pages (on its event loop) have one; the desk's
background steps (its generate, check and consolidate buttons) run in threads
and do not.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

READ_SECONDS = 120.0  # 1.1 million pasted cells, near the largest sheet part allowed (64 MB), read in 17 s


class ReadTooLong(BaseException):
    """The read ran past its time. Not an Exception, so that no step's own
    `except Exception` (a library that raises many kinds) can swallow it."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise ReadTooLong inside the block once `seconds` have passed. A timer
    already running is put back as it was, less the time spent; where the
    alarm's handler was set outside Python, no limit is set."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGALRM) is None:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise ReadTooLong

    previous = signal.signal(signal.SIGALRM, stop)
    start = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:  # the alarm can go off here, once: what follows still runs
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)
            if outer:
                signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-6))
