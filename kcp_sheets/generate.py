"""From a checked review to the workbooks sent out: one per cluster, plus the
partnership-health review and the accreditation action plan review.

`planned_workbooks` is also what the reader compares returns against, so a
return is always read with exactly the spec and rows it was sent with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .folder import OUTBOX
from .settings import Review
from .spec import WorkbookSpec, load_spec
from .writer import Content, fingerprint, write_workbook




@dataclass(frozen=True)
class Planned:
    """One workbook the review sends out, with everything it was made from."""

    spec: WorkbookSpec
    content: Content
    cluster: str = ""  # cluster code, or "" for review-wide workbooks

    @property
    def file_name(self) -> str:
        return safe_file_name(self.spec.file_name)

    @property
    def label(self) -> str:
        return self.cluster or self.spec.template


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
    rows = []
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
        for year in review.earlier_years:
            row[f"progress_{year}"] = action.progress_in(year)
            row[f"score_{year}"] = action.score_in(year)
        rows.append(row)
    contacts = [_officer(review)]
    contacts += [("Cluster champion", p.name, p.email) for p in cluster.champions]
    contacts += [("Cluster co-ordinator", p.name, p.email) for p in cluster.coordinators]
    content = _content(review, spec, {tracker.key: rows}, {"cluster": code, "cluster_name": cluster.name, "cluster_code": code}, contacts)
    return Planned(spec, content, code)


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
    planned = [cluster_workbook(review, c.code) for c in review.clusters]
    planned.append(health_workbook(review))
    if review.accreditation:
        planned.append(accreditation_workbook(review))
    return planned


class Plans:
    """What was sent out, found by the (template, cluster) a return's identity names."""

    def __init__(self, planned: list[Planned]) -> None:
        self._all = planned
        self._found = {(p.spec.template, p.cluster): p for p in planned}

    def find(self, template: str, cluster: str) -> Planned | None:
        return self._found.get((template, cluster))

    def all(self) -> list[Planned]:
        return self._all


def generate(review: Review, out_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write every workbook of the review; returns their paths in order."""
    out_dir = out_dir or review.folder / OUTBOX
    written = []
    for plan in planned_workbooks(review):
        if progress:
            progress(plan.file_name)
        written.append(write_workbook(plan.spec, plan.content, out_dir / plan.file_name))
    return written
