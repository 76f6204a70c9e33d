"""From a checked review to the workbooks sent out: one per cluster, plus the
partnership-health review and the accreditation action plan review.

`generate` writes them and records each in the ledger as sent (see sent.py):
a workbook whose content changed since it was last sent becomes a new
edition, the old one kept, so every return is read with what its sender got.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .folder import OUTBOX
from .ledger import Ledger
from .sent import EDITION, Planned, Plans, content_hash
from .settings import Review
from .spec import WorkbookSpec, load_spec
from . import unfinished
from .writer import Content, fingerprint, write_aside

__all__ = ["Planned", "Plans", "generate", "planned_workbooks", "record_as_sent", "review_context", "safe_file_name"]




def long_date(value: Any) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def safe_file_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .")


def review_context(review: Review) -> dict[str, Any]:
    return {
        "partnership": review.partnership,
        "review_title": review.title,
        "year": review.year,
        "stage1_deadline": long_date(review.stage1_deadline),
        "stage2_deadline": long_date(review.stage2_deadline),
        "plan_due": long_date(review.plan_due),
        "officer_name": review.officer.name,
        "officer_title": review.officer.title,
        "officer_email": review.officer.email,
        "officer_phone": review.officer.phone,
    }


def _content(review: Review, spec: WorkbookSpec, rows: dict[str, list[dict[str, Any]]], identity: dict[str, str], contacts: list[tuple[str, str, str]], group_titles: dict[str, str] | None = None) -> Content:
    content = Content(
        rows=rows,
        group_titles=group_titles or {},
        scales=review.scales,
        contacts=contacts,
        author=review.officer.name,
        company=review.partnership,
        created=review.issued,
        password=review.protection_password,
    )
    ids = [str(r["id"]) for table_rows in rows.values() for r in table_rows]
    content.identity = {
        "template": spec.template,
        "version": str(spec.version),
        "review": review.review_id,
        "year": str(review.year),
        **identity,
        "issued": review.issued.isoformat(),
        "fingerprint": fingerprint(spec, content),
        "rows": ",".join(ids),
    }
    return content


def _officer(review: Review) -> tuple[str, str, str]:
    return (review.officer.title or "Support officer", review.officer.name, review.officer.email)


def cluster_workbook(review: Review, code: str) -> Planned:
    cluster = review.cluster(code)
    base = load_spec("cluster_tracker")
    spec = base.resolve({**review_context(review), "cluster_name": cluster.name, "cluster_code": cluster.code}, review.earlier_years, review.scored_years)
    tracker = spec.main_table()
    rows = cluster_rows(review, code)
    contacts = [_officer(review)]
    contacts += [("Cluster champion", p.name, p.email) for p in cluster.champions]
    contacts += [("Cluster co-ordinator", p.name, p.email) for p in cluster.coordinators]
    content = _content(review, spec, {tracker.key: rows}, {"cluster": code, "cluster_name": cluster.name, "cluster_code": code}, contacts)
    return Planned(spec, content, code)


def cluster_rows(review: Review, code: str) -> list[dict[str, Any]]:
    """The rows of a cluster's tracker as the settings make them now."""
    rows = []
    years = [(year, f"progress_{year}", f"score_{year}") for year in review.earlier_years]  # one key string, not one a row
    for action in review.actions_of(code):
        row: dict[str, Any] = {
            "id": action.id,
            "issue": action.issue,
            "outcome": action.outcome,
            "action": action.action,
            "partners": action.partners,
            "lead_partner": action.lead_partner,
            "nrf": action.nrf,
        }
        for year, progress, score in years:
            row[progress] = action.progress_in(year)
            row[score] = action.score_in(year)
        rows.append(row)
    return rows


def health_workbook(review: Review) -> Planned:
    base = load_spec("partnership_health")
    spec = base.resolve(review_context(review))
    sheet = spec.main_table()
    titles = {}
    for number, name in enumerate(review.criterion_names(), start=1):
        in_depth = " (in depth this year)" if name in review.in_depth_this_year else ""
        titles[name] = sheet.table.group_title.format(criterion_number=number, criterion=name, in_depth=in_depth)
    rows = [{"id": s.ref, "criterion": s.criterion, "title": s.title, "standard": s.standard} for s in review.criteria]
    content = _content(review, spec, {sheet.key: rows}, {}, [_officer(review)], titles)
    return Planned(spec, content)


def accreditation_workbook(review: Review) -> Planned:
    base = load_spec("accreditation_review")
    spec = base.resolve(review_context(review))
    sheet = spec.main_table()
    titles = {name: sheet.table.group_title.format(criterion_number=n, criterion=name, in_depth="") for n, name in enumerate(review.criterion_names(), start=1)}
    order = {name: n for n, name in enumerate(review.criterion_names())}
    actions = sorted(review.accreditation, key=lambda a: order.get(a.criterion, len(order)))
    rows = [{"id": a.ref, "criterion": a.criterion, "area": a.area, "action": a.action, "due": a.due} for a in actions]
    content = _content(review, spec, {sheet.key: rows}, {}, [_officer(review)], titles)
    return Planned(spec, content)


def planned_workbooks(review: Review) -> list[Planned]:
    return [cluster_workbook(review, c.code) for c in review.clusters] + review_wide_workbooks(review)


def review_wide_workbooks(review: Review) -> list[Planned]:
    """The workbooks sent to the whole partnership, not to one cluster."""
    return [health_workbook(review)] + ([accreditation_workbook(review)] if review.accreditation else [])


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
            latest = {(r.template, r.cluster): r for r in ledger.sent_rows(review.review_id)}  # in the order sent: the last edition wins
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
                    ledger.record_sent(review.review_id, replace(plan, edition=edition), digest, _sha256(aside), "generated")
                    ledger.event("sent", detail=f"{plan.label} edition {edition}: {plan.file_name}")
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
    for plan in plans:
        path = outbox / plan.file_name
        ledger.record_sent(review.review_id, replace(plan, edition=1), content_hash(plan), _sha256(path) if path.is_file() else "", "rebuilt from the folder")
    ledger.event("rebuilt", detail="nothing was recorded as sent: edition 1 of each workbook taken from the folder's settings")
    return True


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
