"""Reading returns in worker processes, each started with limits of its own,
so the operating system is the guard: a decompression bomb, a grid too large
or a parser that runs away ends that worker and costs that file alone.

A worker reads a file after a cheap look at its structure (`glance`) rather
than the full inspection, which runs only to say what a file is: when the
look flags it, when the reader refused it or ran out of time, and when its
worker died (the file is then read again alone, fully inspected). A few
files keep the full inspection, read in the checking process itself (where
speed does not matter and no limit can be set safely) or, from a thread that
can set no time limit (the desk's steps), in a worker.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import deadline
from .formats import Refused, inspect
from .glance import glance
from .intake import Source
from .problems import problem
from .read_cache import portable
from .reader import Return, read_source
from .sent import SentWorkbook, SentWorkbooks
from .settings import Review

# What the opening of a file reports when it cannot be read as it is: the
# full inspection then says what the file is, in its own words.
REFUSALS = frozenset(
    {
        "file-empty",
        "file-old-excel",
        "file-not-spreadsheet",
        "file-encrypted",
        "file-truncated",
        "file-hostile",
        "file-xlsb",
        "file-macro-sheet",
        "sheet-too-large",
        "file-read-failed",
    }
)
Reader = Callable[..., Return]  # read_source's signature: (source, review, plans, look=...)
Read = tuple[Return, tuple[str, str, int] | None, bytes | None]
Outcome = bytes | BaseException | None  # a pickled read, what stopped it, or None if its process died
KEPT_AHEAD = 256  # reads finished before the one awaited, held until it is done


@dataclass(frozen=True)
class Limits:
    """What one worker may take: address space beyond what it started with
    (a forked worker starts holding its parent's), and CPU time per file,
    past the read's own time limit so that only a parser that never returns
    meets it."""

    memory_mb: int = 1536
    cpu_seconds: float | None = None  # None: the review's own read_seconds, plus 30


@dataclass(frozen=True)
class Reads:
    """How a check reads the files it has not read before: given, not set
    globally, so that a test can choose serial or parallel, or a reader."""

    parallel_from: int = 24  # below this many files, worker start-up costs more than it saves
    reader: Reader = read_source
    limits: Limits = field(default_factory=Limits)
    # Files in each worker's hands at once (enough that they never wait on this
    # process): a worker that dies takes at most these, of every worker, back with it.
    in_flight: int = 16
    # One worker per core, at most 8: each may grow to its memory limit (its
    # start plus 1.5 GB), so a large server's cores are not all taken at once.
    workers: int = field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)))


DEFAULT = Reads()


def read_fresh(sources: list[Source], review: Review, planned: list[SentWorkbook], reads: Reads) -> Iterator[Read]:
    """Each source read, in order, as (the read, its plan's key, the read
    pickled for the cache, or None if it is not to be kept). A few are read
    here, unless this thread can set no time limit (the desk's steps): then,
    like many, in worker processes, whose main thread can."""
    if not sources:
        return
    if len(sources) < reads.parallel_from and deadline.in_force():
        plans = SentWorkbooks(planned)
        for source in sources:
            result, key = portable(reads.reader(source, review, plans))
            try:
                data: bytes | None = pickle.dumps((result, key), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - not kept, still used
                data = None
            yield result, key, data
        return
    # Only a large inbox is read after the cheap look: a few files read in
    # workers because this thread has no alarm (the desk's steps) keep the full inspection.
    for source, outcome in _pooled(sources, review, planned, reads, cheap=len(sources) >= reads.parallel_from):
        if isinstance(outcome, BaseException):
            yield _failed(source, outcome), None, None
        elif outcome is None:
            yield (
                Return(
                    source,
                    problems=[
                        problem(
                            "file-read-failed",
                            source.name,
                            detail=(
                                "the process reading it stopped (a crash or lack of memory inside the reading library)"
                            ),
                        )
                    ],
                ),
                None,
                None,
            )
        else:
            yield (*pickle.loads(outcome), outcome)  # from our own worker


def _pooled(
    sources: list[Source], review: Review, planned: list[SentWorkbook], reads: Reads, cheap: bool
) -> Iterator[tuple[Source, Outcome]]:
    """Each source's pickled read from the workers, in order. Each worker gets
    the review and the plans once, not once per file; where processes fork,
    they share this process's copy instead of pickling it. Only a few files
    are in a worker's hands at once (a slow one holds up none of the rest):
    when a worker dies, which of them did it is unknown, so those are each
    read again alone, fully inspected, and a new pool reads the rest."""
    start = 0
    while start < len(sources):
        done: dict[int, Outcome] = {}
        running: dict[Future[bytes], int] = {}
        with ProcessPoolExecutor(
            max_workers=reads.workers, initializer=_start_worker, initargs=(review, planned, reads, cheap)
        ) as pool:
            ahead = max(2, reads.in_flight * reads.workers)
            sent = start
            while start < len(sources) and not _collect(running, done):
                while sent < len(sources) and len(running) < ahead and len(done) < KEPT_AHEAD:
                    running[pool.submit(read_in_worker, sources[sent])] = sent
                    sent += 1
                wait(running, return_when=FIRST_COMPLETED)
                while start in done:
                    yield sources[start], done.pop(start)
                    start += 1
        for index in range(start, sent):  # after a worker died: what was read is kept, what was in hand is read alone
            yield (
                sources[index],
                done.pop(index) if index in done else _read_alone(sources[index], review, planned, reads),
            )
        start = sent


def _collect(running: dict[Future[bytes], int], done: dict[int, Outcome]) -> bool:
    """Move each finished read from `running` to `done`; True if a worker died
    (the reads it and the others had in hand are then left in `running`)."""
    died = False
    for future in [f for f in running if f.done()]:
        try:
            done[running[future]] = future.result()
        except BrokenProcessPool:
            died = True
            continue
        except BaseException as exc:  # e.g. a result that cannot be pickled
            if isinstance(exc, KeyboardInterrupt):
                raise
            done[running[future]] = exc
        del running[future]
    return died


def _read_alone(source: Source, review: Review, planned: list[SentWorkbook], reads: Reads) -> Outcome:
    """Read one file fully inspected in a process of its own, within the same
    limits: if that process dies, only this file is lost (None)."""
    with ProcessPoolExecutor(
        max_workers=1, initializer=_start_worker, initargs=(review, planned, reads, False)
    ) as pool:
        try:
            return pool.submit(read_in_worker, source).result()
        except BrokenProcessPool:
            return None
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            return exc


def _failed(source: Source, exc: BaseException) -> Return:
    return Return(
        source,
        problems=[
            problem(
                "file-read-failed",
                source.name,
                detail=f"kcp-sheets met something in it that it does not handle ({type(exc).__name__})",
            )
        ],
    )


_WORKER: dict[str, object] = {}


def _start_worker(review: Review, planned: list[SentWorkbook], reads: Reads, cheap: bool) -> None:
    gc.enable()  # a worker forked while its parent was building: it reads with the collector on
    _WORKER.update(review=review, plans=SentWorkbooks(planned), reads=reads, cheap=cheap)
    limit_memory(reads.limits.memory_mb)


def read_in_worker(source: Source) -> bytes:
    """One file read in a worker, within its CPU time, pickled to send back."""
    reads: Reads = _WORKER["reads"]  # type: ignore[assignment]
    review, plans = _WORKER["review"], _WORKER["plans"]
    seconds = reads.limits.cpu_seconds or review.read_seconds + 30  # type: ignore[attr-defined]
    with cpu_time(seconds):
        if _WORKER["cheap"]:
            result = read_looked(source, review, plans, reads.reader)  # type: ignore[arg-type]
        else:
            result = reads.reader(source, review, plans)
    return pickle.dumps(portable(result), protocol=pickle.HIGHEST_PROTOCOL)


def read_looked(source: Source, review: Review, plans: SentWorkbooks, reader: Reader = read_source) -> Return:
    """A read after the cheap look; where the reader refused the file, read
    again fully inspected, so the officer is told what the file is exactly as
    the checking process would. A read that ran out of time is read again
    only if the full inspection refuses the file (then at once)."""
    result = reader(source, review, plans, look=glance)  # the source's bytes read again, if they were let go
    if not any(p.code in REFUSALS for p in result.problems):
        return result
    if [p.code for p in result.problems] == ["file-read-failed"] and "was stopped" in result.problems[0].message:
        try:
            inspect(source.data)
        except Refused:
            return reader(source, review, plans)
        return result
    return reader(source, review, plans)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at what it holds now plus `megabytes`
    (a soft limit). A library that allocates past it fails here, not the machine."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = now + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
    except (ImportError, OSError, ValueError):  # no such limit here: the inspection's own limits still hold
        return


@contextmanager
def cpu_time(seconds: float) -> Iterator[None]:
    """This process may use `seconds` more of CPU time inside the block (a soft
    limit, put back after): past it the system ends the process."""
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        saved = resource.getrlimit(resource.RLIMIT_CPU)
        want = math.ceil(used.ru_utime + used.ru_stime + seconds)
        resource.setrlimit(
            resource.RLIMIT_CPU, (want if saved[1] == resource.RLIM_INFINITY else min(want, saved[1]), saved[1])
        )
    except (ImportError, OSError, ValueError):  # no such limit here: the read's own time limit still holds
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, saved)
