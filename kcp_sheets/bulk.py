"""Building many long-lived objects at once, without Python's cycle collector
walking them again and again.

The collector runs each time enough new objects exist, and from time to time
walks every object alive. Loading a large review builds millions of objects
that live to the end of the run and hold no cycles, which the collector would
walk again and again finding nothing (docs/performance.md). Collection is
paused while they are built and resumes after.

A command, whose process ends with its run, also freezes what it built: the
collector never walks it again (nor does a reading worker forked from it).
Otherwise the first collections after a build walk every object built, and
the next few steps pay for it. The
price: a cycle made while building is never collected in that process; what
is built holds none (a check of the sample review leaves none), and objects
without cycles are still freed as soon as nothing refers to them. The desk,
which runs for days, does not freeze: what a request built is let go when it
ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # how many are building now, in any thread (the desk builds in two)
_was_enabled = True
_freeze = False  # whether what is built lives until the process ends


def for_one_run(yes: bool = True) -> None:
    """Say whether this process ends with its run: if so, what it builds is
    frozen once built."""
    global _freeze
    _freeze = yes


@contextmanager
def building() -> Iterator[None]:
    """The collector off while the outermost of any overlapping builds runs, and
    as it was before once the last of them ends."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                if _freeze:
                    gc.freeze()
                gc.enable()
