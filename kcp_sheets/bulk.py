"""Building many long-lived objects at once, without Python's cycle collector
walking them again and again.

The collector runs each time enough new objects exist, and from time to time
walks every object alive. Loading a national review (200,000 actions, 2,500
sent workbooks, 2,500 kept reads) builds millions of objects that live to the
end of the run and hold no cycles, so a third of the loading was the collector
finding nothing. Collection is paused while they are built and resumes after;
whatever cycles were made meanwhile are collected then.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def building() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
