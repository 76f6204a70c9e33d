"""Checking the returns: every file in the inbox read with the workbook its
sender was sent (the ledger's record, whatever changed since), the officer's
changes since then said as such, duplicates resolved, each return's review
state kept in the ledger, and the problems listed for the officer."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .bulk import building
from .content import Content
from .folder import INBOX, OUTPUT
from .generate import record_as_sent
from .intake import Source, gather, inbox_files
from .ledger import BUSY_SECONDS, Ledger
from .lifecycle import REJECTED, why_left_out
from .merge import merge_into, standing_first, why_newer
from .problems import Problem, Tally, problem, problem_rows, tally
from .read_cache import ReadCache, restored
from .read_cache import context as read_context
from .read_workers import DEFAULT as DEFAULT_READS
from .read_workers import Reads, read_fresh
from .reader import Return
from .reader.crossed import answers_from_other_returns
from .review_states import load_decisions, record_returns, return_state, settle
from .sent import SentWorkbook, changes_since
from .sent_kept import rows_now, sent_workbooks
from .settings import Review
from .spec import load_spec
from .workbooks import (
    review_context,
    review_wide_workbooks,
)
from .writer import write_workbook


@dataclass
class CheckResult:
    review: Review
    returns: list[Return]
    problems: list[Problem] = field(default_factory=list)  # files that were not returns
    notices: list[str] = field(default_factory=list)  # what the officer should know about the ledger
    rows_now: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict
    )  # each cluster's rows as the settings make them now

    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        for ret in self.returns:
            found += ret.problems
        return sorted(
            found, key=lambda p: (p.severity != "error", p.file.lower(), p.sheet, _cell_order(p.cell), p.code)
        )

    @property
    def errors(self) -> int:
        return self.tally().errors

    def tally(self) -> Tally:
        """Errors and warnings still open, and those dealt with: what every surface says."""
        return tally(self.all_problems())

    def used(self) -> list[Return]:
        """The current copy of each workbook returned (not superseded, not rejected)."""
        return [r for r in self.returns if r.used and r.sent is not None]

    def standing(self) -> dict[str, Return]:
        """The return that stands for each workbook sent, by its label: the
        current copy (used in the plan or not), else the latest copy the
        officer rejected. A workbook with none here was not received."""
        standing: dict[str, Return] = {}
        for ret in self.returns:
            if ret.sent is None:
                continue
            if ret.used:
                standing[ret.label] = ret
            elif ret.state == REJECTED:
                held = standing.get(ret.label)
                if held is None or (held.state == REJECTED and held.source.received <= ret.source.received):
                    standing[ret.label] = ret
        return standing

    def merged(self) -> list[Return]:
        """What goes into the plan: current copies that are accepted, or clean."""
        return [r for r in self.returns if r.merged]

    def left_out(self) -> list[tuple[Return, str]]:
        """Every return not merged, and why, in the officer's words."""
        return [
            (
                ret,
                why_left_out(
                    recognised=ret.sent is not None,
                    state=ret.state,
                    note=ret.note,
                    open_errors=ret.errors,
                    newer=ret.newer,
                ),
            )
            for ret in self.returns
            if not ret.merged
        ]

    def latest(self) -> dt.datetime | None:
        return max((r.source.received for r in self.returns), default=None)


def check_returns(
    review: Review,
    paths: Iterable[Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
    planned: list[SentWorkbook] | None = None,
    record: bool = True,
    busy_seconds: float = BUSY_SECONDS,
    reads: Reads = DEFAULT_READS,
) -> CheckResult:
    """Read every return (the inbox, or the files given), each against what was
    sent, and record what was read in the ledger.

    `planned` is what was sent out when it is not the review's workbooks (the
    plan-update round sends others); those returns are not in the ledger.
    Without `record`, nothing is written (the ledger is only read, and the
    reads kept are used but not added to): what the desk's pages show.
    `reads` says how files not read before are read (`read_workers`)."""
    files = list(paths) if paths is not None else inbox_files(review.folder / INBOX)
    sources, problems = gather(
        files, int(review.max_return_mb * 1024 * 1024), review.folder / INBOX, review.read_seconds, hold=False
    )
    if planned is not None:
        returns = list(_read_all(sources, review, planned, progress, reads=reads))
        _check_senders(review, returns)
        answers_from_other_returns(returns)
        _supersede(returns)
        for ret in returns:
            ret.state = return_state(ret)
        return CheckResult(review, returns, problems)
    with Ledger(review.folder, read_only=not record, busy_seconds=busy_seconds) as ledger:
        notices = _notices(ledger, review, record)
        current = rows_now(review)
        context = read_context(review, ledger.sent_rows(review.review_id))
        sent = sent_workbooks(ledger, review, current, context, keep=record)
        with ReadCache(review.folder, context, read_only=not record) as cache:
            returns = list(_read_all(sources, review, sent, progress, cache, reads))
        _check_senders(review, returns)
        answers_from_other_returns(returns)
        _changes_since(review, returns, current)
        if not record:
            load_decisions(ledger, returns)
            _undated(returns)
            settle(ledger, returns)  # what the officer settled decides which copy stands
            _supersede(returns)
            settle(ledger, returns)
            return CheckResult(review, returns, problems, notices, current)
        with ledger.transaction():
            load_decisions(ledger, returns)
            _undated(returns)
            settle(ledger, returns)
            _supersede(returns)
            sent_ids = {p.key: ledger.sent_id(review.review_id, p) or 0 for p in sent}
            record_returns(ledger, review.review_id, returns, sent_ids)
    return CheckResult(review, returns, problems, notices, current)


def _notices(ledger: Ledger, review: Review, record: bool) -> list[str]:
    """What the officer is told about a ledger made or filled from the
    settings; a check that records records the workbooks as sent first, if
    nothing was."""
    notices = []
    if ledger.created and record:
        notices.append(
            f"{ledger.path.name} was not found, so a new ledger was made: "
            "returns are read against what the settings make now."
        )
    if record:
        with ledger.transaction():
            if record_as_sent(ledger, review) and not ledger.created:
                notices.append("Nothing was recorded as sent: returns are read against what the settings make now.")
    return notices


def _changes_since(review: Review, returns: list[Return], now_rows: dict[str, list[dict[str, Any]]]) -> None:
    """Where the officer changed a workbook after sending it, say so, as the
    officer's change. Only the rows are made again from the settings, not the
    workbooks: a national review has thousands."""
    review_wide: dict[str, SentWorkbook] = {}
    for ret in returns:
        sent = ret.sent
        if sent is None:
            continue
        if sent.cluster:
            if sent.cluster not in now_rows:
                continue
            rows = {sent.spec.main_table().key: now_rows[sent.cluster]}
        else:
            if not review_wide:
                review_wide = {p.spec.template: p for p in review_wide_workbooks(review)}
            current = review_wide.get(sent.spec.template)
            if current is None:
                continue
            rows = current.content.rows
        if rows != sent.content.rows:
            ret.problems += changes_since(
                sent, replace(sent, content=replace(sent.content, rows=rows)), ret.source.name
            )


def _read_all(
    sources: list[Source],
    review: Review,
    planned: list[SentWorkbook],
    progress: Callable[[int, int], None] | None,
    cache: ReadCache | None = None,
    reads: Reads = DEFAULT_READS,
) -> Iterable[Return]:
    """Every source read, in order: taken from the cache if it was read before
    under the same context, else read in this process for a few, in worker
    processes for many. Either way a failure while reading one file (a library
    panic, a result that cannot be sent back, a worker process that dies) is
    that file's problem, and every other file is still read."""
    total = len(sources)
    by_key = {p.key: p for p in planned}
    with building():
        kept = [cache.get(s) if cache else None for s in sources]
    fresh = read_fresh([s for s, k in zip(sources, kept, strict=True) if k is None], review, planned, reads)
    new: list[tuple[Source, bytes]] = []
    for done, (source, hit) in enumerate(zip(sources, kept, strict=True), start=1):
        if hit is not None:
            result, key = hit
        else:
            result, key, data = next(fresh)
            if data is not None and not any(p.code in NOT_KEPT for p in result.problems):  # a failure may pass
                new.append((source, data))
        # The bytes and the plan are already here: they are not kept or sent back.
        result.source = source
        source.release()
        restored(result, by_key.get(key) if key else None)
        yield result
        if progress:
            progress(done, total)
        if cache and len(new) >= CACHE_BATCH:
            cache.put_many(new)
            new = []
    if cache:
        cache.put_many(new)


CACHE_BATCH = 200
NOT_KEPT = ("file-read-failed", "file-changed")  # reads that may go otherwise next time


def _check_senders(review: Review, returns: list[Return]) -> None:
    """A cluster's return e-mailed by someone outside the cluster may be the wrong workbook."""
    codes = {c.code for c in review.clusters}
    for ret in returns:
        if not ret.source.sender or ret.cluster not in codes:
            continue
        _, address = email.utils.parseaddr(ret.source.sender)
        cluster = review.cluster(ret.cluster)
        known = {p.email.lower() for p in (*cluster.coordinators, *cluster.champions, review.officer)}
        if address and address.lower() not in known:
            ret.problems.append(
                problem("sender-unexpected", ret.source.name, found=ret.source.sender, detail=cluster.name)
            )


def _undated(returns: list[Return]) -> None:
    """An e-mail without a Date says so, with the time taken for it (the ledger's, once recorded)."""
    for ret in returns:
        if ret.source.undated:
            ret.problems.append(
                problem("email-undated", ret.source.name, detail=f"{ret.source.received:%d/%m/%Y %H:%M}")
            )


def _supersede(returns: list[Return]) -> None:
    """Two returns for one workbook: merged into the newer, cell by cell; the
    older stays listed. A rejected return supersedes nothing and is not merged.
    A copy from outside the cluster is held aside, unmerged, while the cluster's
    own stands (`standing_first`), until the officer takes it as theirs."""
    by_label: dict[str, list[Return]] = {}
    for ret in returns:
        if ret.sent is not None and ret.decision != REJECTED:
            by_label.setdefault(ret.label, []).append(ret)
    for group in by_label.values():
        if len(group) < 2:
            continue
        newest, *older = standing_first(group)
        for other in older:
            other.used = False
            if other.from_outside and not newest.from_outside:
                other.problems.append(
                    problem(
                        "copy-from-outside-held",
                        other.source.name,
                        detail=newest.sent.spec.title,
                        used=newest.source.name,
                    )
                )
                continue
            merge_into(newest, other)
            other.newer = newest.source.name
            other.problems.append(
                problem(
                    "duplicate-return",
                    other.source.name,
                    detail=newest.sent.spec.title,
                    newer=f"{newest.source.name} ({why_newer(newest, other)})",
                )
            )


def _cell_order(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)


def write_problems(result: CheckResult, out_dir: Path | None = None) -> Path:
    """The problems as a workbook the officer can sort, filter and forward."""
    review = result.review
    latest = result.latest()
    checked = f"returns received up to {latest:%d/%m/%Y %H:%M}" if latest else "no returns yet"
    spec = load_spec("return_problems").resolve({**review_context(review), "checked": checked})
    clusters = {r.source.name: r.cluster for r in result.returns}
    rows = [{**row, "cluster": clusters.get(str(row["file"]), "")} for row in problem_rows(result.all_problems())]
    content = Content(
        rows={spec.main_table().key: rows},
        author=review.officer.name,
        company=review.partnership,
        created=(latest or dt.datetime.combine(review.issued, dt.time())).date(),
    )
    path = (out_dir or review.folder / OUTPUT) / spec.file_name
    return write_workbook(spec, content, path)


def withdraw_problems(review: Review, out_dir: Path | None = None) -> None:
    """Remove the last run's problems workbook before a new run reads anything:
    if the run then fails, no old list is left looking current."""
    spec = load_spec("return_problems").resolve({**review_context(review), "checked": ""})
    ((out_dir or review.folder / OUTPUT) / spec.file_name).unlink(missing_ok=True)
