"""The plan's workbook written, and the ledger's note of it: every input by
hash, used or not and why, the output by hash, and the review's records."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from .. import unfinished
from ..amended import keep_amended
from ..check import CheckResult
from ..folder import OUTPUT, safe_file_name
from ..history import records_of
from ..ledger import Ledger
from ..ledger.consolidations import Input
from ..ledger.consolidations import record_consolidation as record
from ..writer import STREAM_FROM_ROWS, write_aside
from .plan import ACTIONS_SHEET_LIMIT, consolidate


def write_plan(
    result: CheckResult,
    out_dir: Path | None = None,
    public: bool = False,
    actions_sheet_limit: int = ACTIONS_SHEET_LIMIT,
    stream_from_rows: int = STREAM_FROM_ROWS,
) -> Path:
    """Write the improvement-plan workbook (or its public copy) atomically: All
    Actions and Outstanding left out past `actions_sheet_limit` actions, the
    workbook streamed past `stream_from_rows` rows."""
    spec, content = consolidate(result, public, actions_sheet_limit)
    name = safe_file_name(spec.file_name)
    if public:
        name = name.removesuffix(".xlsx") + " (public).xlsx"
    path = (out_dir or result.review.folder / OUTPUT) / name
    keep_amended(result.review.folder, path)
    unfinished.sweep(path.parent)
    aside = write_aside(spec, content, path, stream_from_rows)
    try:
        record_consolidation(result, path.name, aside, public, None if public else content.rows)
        os.replace(aside, path)  # recorded: now in place
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return path


def record_consolidation(
    result: CheckResult, name: str, written: Path, public: bool, rows: dict[str, list[dict[str, Any]]] | None
) -> None:
    """The ledger's note of a consolidation: every input by hash, used or not and why,
    the output (`name`, as `written`) by hash; and, for the plan itself, the review's records."""
    review = result.review
    why = {id(ret): reason for ret, reason in result.left_out()}
    digest = hashlib.sha256(written.read_bytes()).hexdigest()
    inputs = [
        Input(ret.ledger_id or None, ret.source.name, ret.source.sha256, ret.merged, why.get(id(ret), ""))
        for ret in result.returns
    ]
    with Ledger(review.folder) as ledger, ledger.transaction():
        record(ledger, review.review_id, public, name, digest, inputs)
        if rows is not None:
            codes = {c.name: c.code for c in review.clusters}
            ledger.replace_records(
                review.review_id, review.year, review.partnership, review.title, records_of(rows, codes)
            )
