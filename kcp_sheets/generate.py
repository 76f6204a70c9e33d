"""Sending: the workbooks the settings make (workbooks.py) written to the
outbox and recorded in the ledger as sent (see sent.py):
a workbook whose content changed since it was last sent becomes a new
edition, the old one kept, so every return is read with what its sender got.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from . import unfinished
from .folder import OUTBOX
from .ledger import Ledger
from .sent import EDITION, content_hash
from .settings import Review
from .workbooks import planned_workbooks
from .writer import write_aside


def generate(review: Review, out_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write every workbook of the review and record each as sent; returns their paths in order.

    A workbook whose content is what was last sent keeps its edition (and its
    bytes); one that changed is a new edition. Every file is written aside,
    the ledger's record committed in one transaction, and only then are the
    files put in place: a run stopped at any point leaves files and ledger
    agreeing once the next run has swept what it left aside."""
    out_dir = out_dir or review.folder / OUTBOX
    unfinished.sweep(out_dir)  # what a run killed before its commit left
    pending: list[tuple[Path, Path]] = []  # each workbook written aside, and where it goes once recorded
    try:
        with Ledger(review.folder) as ledger, ledger.transaction():
            record_as_sent(ledger, review, rebuilt=True)  # a folder from before the ledger: what it sent first
            latest = {
                (r.template, r.cluster): r for r in ledger.sent_rows(review.review_id)
            }  # in the order sent: the last edition wins
            for plan in planned_workbooks(review):
                if progress:
                    progress(plan.file_name)
                digest = content_hash(plan)
                last = latest.get((plan.spec.template, plan.cluster))
                same = last is not None and last.content_hash == digest
                edition = last.edition if same and last else (last.edition + 1 if last else 1)
                plan.content.identity[EDITION] = str(edition)
                aside = write_aside(plan.spec, plan.content, out_dir / plan.file_name)
                pending.append((aside, out_dir / plan.file_name))
                if not same:
                    ledger.record_sent(review.review_id, replace(plan, edition=edition), digest, _sha256(aside))
        for aside, path in pending:  # recorded: now in place
            os.replace(aside, path)
    except BaseException:
        for aside, _ in pending:
            aside.unlink(missing_ok=True)
        raise
    return [path for _, path in pending]


def record_as_sent(ledger: Ledger, review: Review, rebuilt: bool = False) -> bool:
    """A review with nothing recorded as sent (a folder made before the ledger,
    or whose ledger was deleted): record what its settings make now, as
    edition 1 of each workbook, so its returns can be read. True if it did.

    `rebuilt` records them only if the outbox shows they were sent."""
    if ledger.sent_rows(review.review_id):
        return False
    outbox = review.folder / OUTBOX
    plans = planned_workbooks(review)
    if rebuilt and not any((outbox / p.file_name).is_file() for p in plans):
        return False
    sent = [
        (
            replace(plan, edition=1),
            content_hash(plan),
            _sha256(outbox / plan.file_name) if (outbox / plan.file_name).is_file() else "",
        )
        for plan in plans
    ]
    ledger.record_rebuilt(review.review_id, sent)
    return True


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
