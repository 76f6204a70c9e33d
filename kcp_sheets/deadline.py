"""A time limit on reading one file, so that no file, however made, holds up
a run: a workbook, or the e-mail it came in.

Reading is bounded by the inspection's limits on size (every part, every
grid), and each step found to grow faster than its input was made linear; this
is the guard for what was not found. An alarm stops the read: Python code and
regular expressions notice it at once, the reading library's own parsing (of
parts already bounded in size) when it returns. Alarms exist only on systems
that have them and only in a process's main thread: the command line, its
reading workers and the desk's pages (on its event loop) have one. Where
there is none (the desk's background steps run in threads), `check` reads
workbooks in a worker process, whose main thread has one; e-mails are opened
where they are, without it.
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


def in_force() -> bool:
    """Whether a limit can be set here: alarms exist, this is the main thread,
    and the alarm's handler was not set outside Python."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None
    )


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise ReadTooLong inside the block once `seconds` have passed. A timer
    already running is put back as it was, less the time spent; where the
    alarm's handler was set outside Python, no limit is set."""
    if not in_force():
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
