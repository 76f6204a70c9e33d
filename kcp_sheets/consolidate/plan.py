"""The improvement plan put together: its layout for this review, the rows of
every sheet and the Summary's blocks; for the public copy, the officer's
sheets and the people left out (`public_copy`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from ..bulk import building
from ..check import CheckResult
from ..content import Content
from ..history import earlier_actions, history_words, score_profiles
from ..ledger import Ledger
from ..problems import Problem, problem_rows, tally
from ..public_copy import public_spec, without_people
from ..reader import Return
from ..sent import SentWorkbook
from ..settings import Review
from ..spec import WorkbookSpec, load_spec
from ..workbooks import review_context
from . import blocks
from .clusters import ClusterReturn, Words, cluster_return, current_workbooks, final_score
from .rows import accreditation_rows, action_row, cluster_reviews, flagged, health_rows, part2_rows, sources

# Beyond this many targets and actions, a sheet of them is read by nobody and
# costs most of the run (docs/performance.md): they are the ledger's records,
# which `kcp-sheets export` gives as CSV, and each cluster's counts (the
# Summary) serve the reader.
ACTIONS_SHEET_LIMIT = 20_000
ACTION_LISTS = ("all_actions", "outstanding")  # the plan's lists of targets and actions
HEALTH, ACCREDITATION = "partnership-health", "accreditation-review"  # the review-wide workbooks' templates


def too_many_actions_for_sheets(review: Review, limit: int = ACTIONS_SHEET_LIMIT) -> bool:
    """Whether the review's master list is too long for a sheet (more than `limit`
    targets and actions), so the plan leaves All Actions and Outstanding to the CSV export."""
    return len(review.actions) > limit


def consolidate(
    result: CheckResult, public: bool = False, actions_sheet_limit: int = ACTIONS_SHEET_LIMIT
) -> tuple[WorkbookSpec, Content]:
    """The plan's layout and content (or its public copy's), from the returns the check uses."""
    with building():  # a row per target and action
        return _consolidate(result, public, actions_sheet_limit)


def partnership_actions(result: CheckResult) -> list[dict[str, Any]]:
    """Part 2 of the plan alone, the partnership's actions: what next year's accreditation review looks back on."""
    review = result.review
    used = {r.label: r for r in result.merged()}
    health = health_rows(review, used.get(HEALTH), Words(review))
    return part2_rows(review, health, accreditation_rows(review, used.get(ACCREDITATION)))


def _consolidate(result: CheckResult, public: bool, actions_sheet_limit: int) -> tuple[WorkbookSpec, Content]:
    review = result.review
    workbooks = current_workbooks(review, result.rows_now)
    used = {r.label: r for r in result.merged()}
    standing = result.standing()
    clusters = [cluster_return(w, used.get(w.label), standing.get(w.label), public) for w in workbooks if w.cluster]
    sent_health = _template(workbooks, HEALTH)
    health = (
        cluster_return(sent_health, used.get(sent_health.label), standing.get(sent_health.label), public)
        if sent_health
        else None
    )
    latest = result.latest()
    with Ledger(review.folder, read_only=True) as ledger:
        earlier = earlier_actions(ledger, review.year)
    context = _context(review, workbooks, used, standing, latest, len(earlier))
    context["health_returned"] = health.returned if health else "not received"
    spec = load_spec("improvement_plan").resolve(context, review.earlier_years, review.scored_years)
    # Where the summary points people: an officer's sheet is hidden, and not in the public copy at all.
    tab = {s.key: "" if public and s.officer else f"{s.name} (hidden)" if s.officer else s.name for s in spec.sheets}
    if public:
        spec = public_spec(spec)
    if too_many_actions_for_sheets(review, actions_sheet_limit):
        for key in ACTION_LISTS:
            tab[key] = "" if public else "too many for a sheet: kcp-sheets export writes them as CSV"
        spec = replace(spec, sheets=tuple(s for s in spec.sheets if s.key not in ACTION_LISTS))
    problems = result.all_problems()
    rows = _rows(result, clusters, health, workbooks, used, problems)
    summary = {
        "clusters": blocks.cluster_block(clusters, review, rows["all_actions"]),
        "health": blocks.health_block(review, rows["health"], health),
        "counts": blocks.counts_block(context, rows, tab, tally(problems), public),
        "returns": blocks.returns_block(result),
        "history": score_profiles(
            [(c.code, c.name) for c in review.clusters], review.year, rows["all_actions"], earlier
        ),
    }
    created = (latest or dt.datetime.combine(review.issued, dt.time())).date()
    content = Content(
        rows=rows, blocks=summary, author=review.officer.name, company=review.partnership, created=created
    )
    if public:
        without_people(spec, content, review, [r.source.sender for r in result.returns])
    return spec, content


def _context(
    review: Review,
    workbooks: list[SentWorkbook],
    used: dict[str, Return],
    standing: dict[str, Return],
    latest: dt.datetime | None,
    years: int,
) -> dict[str, Any]:
    """What fills the plan's placeholders: the review, how many returns came and were used, the scale's words."""
    return {
        **history_words(years + 1),
        **review_context(review),
        "as_at": f"{latest:%d %B %Y}" if latest else "no returns yet",
        "received": sum(1 for w in workbooks if w.label in standing),
        "used": sum(1 for w in workbooks if w.label in used),
        "expected": len(workbooks),
        **{f"achievement_{n}": label for n, label in review.scales["achievement"].items()},
    }


def _rows(
    result: CheckResult,
    clusters: list[ClusterReturn],
    health: ClusterReturn | None,
    workbooks: list[SentWorkbook],
    used: dict[str, Return],
    problems: list[Problem],
) -> dict[str, list[dict[str, Any]]]:
    """Every sheet's rows, by the sheet's key."""
    review = result.review
    words = Words(review)
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["all_actions"] = [action_row(c, row, words, review.cluster(c.code).name) for c in clusters for row in c.rows()]
    left_out = {c.code for c in clusters if c.left_out}  # their rows are unscored because unused, not outstanding
    rows["outstanding"] = [
        r for r in rows["all_actions"] if final_score(r) in (None, 1, 2) and r["cluster"] not in left_out
    ]  # the same rows, not copies
    rows["cluster_reviews"], rows["part1"] = cluster_reviews(clusters, review)
    accreditation = _template(workbooks, ACCREDITATION)
    rows["health"] = health_rows(review, health.ret if health else None, words)
    rows["accreditation"] = accreditation_rows(review, used.get(accreditation.label) if accreditation else None)
    rows["part2"] = part2_rows(review, rows["health"], rows["accreditation"])
    rows["flagged"] = flagged(clusters[0].sent if clusters else None, rows["all_actions"])
    rows["problems"] = problem_rows(problems)
    rows["sources"] = sources(result)
    return rows


def _template(workbooks: list[SentWorkbook], template: str) -> SentWorkbook | None:
    """The review-wide workbook made from `template`, if the review has one."""
    return next((w for w in workbooks if w.spec.template == template), None)
