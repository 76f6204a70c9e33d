"""What a check reads returns against: every edition of every workbook sent,
as the ledger holds it, sharing the rows the settings make now wherever they
are the same, and kept between commands (`kept.py`) so that a national
review's 2,500 workbooks are decoded from the ledger once, not at every
command."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from . import kept
from .bulk import building
from .ledger import Ledger
from .sent import SentWorkbook
from .settings import Review
from .workbooks import cluster_rows, planned_workbooks

Rows = dict[str, list[dict[str, Any]]]


def rows_now(review: Review) -> Rows:
    """Each cluster's rows as the settings make them now."""
    with building():
        return {c.code: cluster_rows(review, c.code) for c in review.clusters}


def sent_workbooks(ledger: Ledger, review: Review, now: Rows, context: str, keep: bool) -> list[SentWorkbook]:
    """Every edition the ledger holds as sent (decoded, or kept from the last
    command under the same `context`, the read cache's digest of the sent
    workbooks, and the same settings); what the settings make now if nothing
    was recorded as sent. Kept for the next command only if `keep`."""
    digest = hashlib.sha256(f"{context}\x1e{review.digest}".encode()).hexdigest() if review.digest else ""
    if digest:
        with building():
            found = kept.get(review.folder, "sent", digest)
        if isinstance(found, list) and all(now.get(plan.cluster) is not None for plan, shared in found if shared):
            return [_with_rows_now(plan, shared, now) for plan, shared in found]
    sent = ledger.sent(review.review_id, each=lambda plan: _sharing_rows(plan, now))
    if not sent:  # only read, and nothing recorded as sent: what a first check would record
        return [replace(plan, edition=1) for plan in planned_workbooks(review)]
    if digest and keep:
        kept.put(review.folder, "sent", digest, [_without_rows_now(plan, now) for plan in sent])
    return sent


def _sharing_rows(plan: SentWorkbook, now: Rows) -> SentWorkbook:
    """A sent workbook whose rows are exactly the cluster's rows as the
    settings make them now, value for value and type for type, holds those
    instead of its own copy: a national review's sent rows are 200,000 copies
    of text the settings already hold."""
    rows = now.get(plan.cluster) if plan.cluster else None
    if rows is not None:
        key = plan.spec.main_table().key
        if _identical(rows, plan.content.rows.get(key)):
            plan.content.rows[key] = rows
    return plan


def _identical(a: list[dict[str, Any]], b: list[dict[str, Any]] | None) -> bool:
    if b is None or len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x.keys() != y.keys():
            return False
        for k, v in x.items():
            w = y[k]
            if v is not w and (type(v) is not type(w) or v != w):
                return False
    return True


def _without_rows_now(plan: SentWorkbook, now: Rows) -> tuple[SentWorkbook, bool]:
    """A sent workbook as it is kept: without the rows it shares with the
    settings (said by the flag), which are made from them again."""
    key = plan.spec.main_table().key if plan.cluster else ""
    rows = plan.content.rows.get(key) if key else None
    if rows is None or rows is not now.get(plan.cluster):
        return plan, False
    others = {k: None if k == key else v for k, v in plan.content.rows.items()}  # in place: the order kept
    return replace(plan, content=replace(plan.content, rows=others)), True


def _with_rows_now(plan: SentWorkbook, shared: bool, now: Rows) -> SentWorkbook:
    if shared:
        plan.content.rows[plan.spec.main_table().key] = now[plan.cluster]
    return plan
