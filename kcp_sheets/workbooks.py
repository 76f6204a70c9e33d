"""What the review's settings make now: each workbook of the review (one per
cluster, the partnership-health review, the accreditation action plan
review) as its spec and content, ready to write or to read a return with.

Nothing here writes a file or the ledger: `generate` sends these, `check`
reads returns against what was sent, the plan compares with them."""

from __future__ import annotations

from typing import Any

from .content import Content, fingerprint
from .sent import SentWorkbook
from .settings import Review
from .spec import WorkbookSpec, load_spec


def long_date(value: Any) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


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


def _content(
    review: Review,
    spec: WorkbookSpec,
    rows: dict[str, list[dict[str, Any]]],
    identity: dict[str, str],
    contacts: list[tuple[str, str, str]],
    group_titles: dict[str, str] | None = None,
) -> Content:
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


def cluster_workbook(review: Review, code: str) -> SentWorkbook:
    cluster = review.cluster(code)
    base = load_spec("cluster_tracker", review.templates)
    spec = base.resolve(
        {**review_context(review), "cluster_name": cluster.name, "cluster_code": cluster.code},
        review.earlier_years,
        review.scored_years,
    )
    tracker = spec.main_table()
    rows = cluster_rows(review, code)
    contacts = [_officer(review)]
    contacts += [("Cluster champion", p.name, p.email) for p in cluster.champions]
    contacts += [("Cluster co-ordinator", p.name, p.email) for p in cluster.coordinators]
    content = _content(
        review,
        spec,
        {tracker.key: rows},
        {"cluster": code, "cluster_name": cluster.name, "cluster_code": code},
        contacts,
    )
    return SentWorkbook(spec, content, code)


def cluster_rows(review: Review, code: str) -> list[dict[str, Any]]:
    """The rows of a cluster's tracker as the settings make them now."""
    rows = []
    years = [
        (year, f"progress_{year}", f"score_{year}") for year in review.earlier_years
    ]  # one key string, not one a row
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


def health_workbook(review: Review) -> SentWorkbook:
    base = load_spec("partnership_health", review.templates)
    spec = base.resolve(review_context(review))
    sheet = spec.main_table()
    titles = {}
    for number, name in enumerate(review.criterion_names(), start=1):
        in_depth = " (in depth this year)" if name in review.in_depth_this_year else ""
        titles[name] = sheet.table.group_title.format(criterion_number=number, criterion=name, in_depth=in_depth)
    rows = [{"id": s.ref, "criterion": s.criterion, "title": s.title, "standard": s.standard} for s in review.criteria]
    content = _content(review, spec, {sheet.key: rows}, {}, [_officer(review)], titles)
    return SentWorkbook(spec, content)


def accreditation_workbook(review: Review) -> SentWorkbook:
    base = load_spec("accreditation_review", review.templates)
    spec = base.resolve(review_context(review))
    sheet = spec.main_table()
    titles = {
        name: sheet.table.group_title.format(criterion_number=n, criterion=name, in_depth="")
        for n, name in enumerate(review.criterion_names(), start=1)
    }
    order = {name: n for n, name in enumerate(review.criterion_names())}
    actions = sorted(review.accreditation, key=lambda a: order.get(a.criterion, len(order)))
    rows = [{"id": a.ref, "criterion": a.criterion, "area": a.area, "action": a.action, "due": a.due} for a in actions]
    content = _content(review, spec, {sheet.key: rows}, {}, [_officer(review)], titles)
    return SentWorkbook(spec, content)


def planned_workbooks(review: Review) -> list[SentWorkbook]:
    return [cluster_workbook(review, c.code) for c in review.clusters] + review_wide_workbooks(review)


def review_wide_workbooks(review: Review) -> list[SentWorkbook]:
    """The workbooks sent to the whole partnership, not to one cluster."""
    return [health_workbook(review)] + ([accreditation_workbook(review)] if review.accreditation else [])
