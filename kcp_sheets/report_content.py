"""What the draft annual report says, section by section, taken from the
plan's own content (its rows and the Summary's blocks), so the report and
the plan never disagree: the opening and summary, Section 1 (each cluster's
delivery), Section 2 (the health review and last year's accreditation
actions), Section 3 (Parts 1 and 2 of the plan), and the years before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .check import CheckResult
from .consolidate import STAGE_1_ONLY, consolidate, final_score
from .report_chart import scores_chart
from .settings import Review
from .spec import load_spec

CASE_STUDY = "case_study"  # the flag whose actions the report tells with their progress, as case studies


def flags(templates: Path | None = None) -> list[tuple[str, str]]:
    """The tracker's flags (NRF funded, case study, equalities...), by key and header, as its template
    declares them: the review's own templates where it has them, as its workbooks were written from them."""
    tracker = load_spec("cluster_tracker", templates).main_table()
    return [(c.key, c.header) for c in tracker.table.columns if c.kind == "flag"]


Table = dict[str, list[dict[str, Any]]]  # the plan's rows or blocks, by name


def report_context(result: CheckResult, public: bool) -> tuple[dict[str, Any], dict[str, tuple[bytes, str]]]:
    """What the template is filled with, taken from the plan's content; and its charts (PNG, alt text)."""
    review = result.review
    _, content = consolidate(result, public)
    rows, blocks = content.rows, content.blocks
    words = review.scales["achievement"]
    history = blocks.get("history", [])
    context: dict[str, Any] = {
        **_opening(result, public, rows, blocks),
        **_delivery(review, rows, blocks),
        **_partnership_working(rows, blocks),
        **_improvement_planning(rows, blocks),
        "history_intro": "Each cluster's targets and actions by score, review by review.",
        "history": [{k: _text(v) for k, v in r.items()} for r in history]
        if len({r["year"] for r in history}) > 1
        else [],
    }
    # The picture counts what the summary counts: a cluster whose return was not used is named under it instead.
    counted = [c for c in blocks.get("clusters", []) if not c.get("left_out")]
    return context, {"scores_chart": scores_chart(counted, words)}


def _opening(result: CheckResult, public: bool, rows: Table, blocks: Table) -> dict[str, Any]:
    """The title, whose returns it is drawn from, and the summary: what a reader meets first."""
    review = result.review
    latest = result.latest()
    as_at = f"{latest:%d %B %Y}" if latest else "no returns yet"
    counts = {r["what"]: r["count"] for r in blocks.get("counts", [])}
    not_used = [str(c["cluster"]) for c in blocks.get("clusters", []) if c.get("left_out")]
    return {
        "partnership": review.partnership,
        "title": f"{review.title} {review.year}: draft annual report",
        "status_line": f"A draft for the steering group, from the returns received up to {as_at}."
        + (" This copy is for the public: people are not named in it." if public else ""),
        "summary_text": _summary(counts, rows.get("all_actions", []), not_used, review.scales["achievement"]),
        "scores_chart_caption": (
            "Figure 1: each cluster's targets and actions by score, 5 (achieved) to 1 (not achieved); "
            "the numbers are in each bar." + (f" Not shown, as {_returns_not_used(not_used)}." if not_used else "")
        ),
        "headline": [
            {"what": r["what"], "count": _text(r["count"])}
            for r in blocks.get("counts", [])
            if not r["what"].startswith("Problems")
        ],
    }


def _delivery(review: Review, rows: Table, blocks: Table) -> dict[str, Any]:
    """Section 1, reviewing delivery: each cluster's scores, review meeting and actions."""
    actions = rows.get("all_actions", [])
    reviews = {r["id"]: r for r in rows.get("cluster_reviews", [])}
    marks = flags(review.templates)
    return {
        "delivery_intro": _delivery_intro(blocks.get("clusters", [])),
        "clusters": [
            _cluster(
                c,
                reviews.get(_code(review, c["cluster"]), {}),
                [a for a in actions if a.get("cluster_name") == c["cluster"]],
                review.scales["achievement"],
                marks,
            )
            for c in blocks.get("clusters", [])
        ],
    }


def _delivery_intro(clusters: list[dict[str, Any]]) -> str:
    """What Section 1 rests on, as it stands: how many clusters' returns it uses, never "every cluster"."""
    used = sum(bool(c.get("used")) for c in clusters)
    said = (
        "Each cluster's co-ordinators score its targets and actions, and its champions agree the scores at the "
        "stage 2 review meeting. "
    )
    if used == len(clusters):
        return said + f"This section uses the returns of all {len(clusters)} clusters."
    return said + f"This section uses the returns of {used} of the {len(clusters)} clusters; each other is named below."


def _partnership_working(rows: Table, blocks: Table) -> dict[str, Any]:
    """Section 2, reviewing partnership working: the health review and last year's accreditation actions."""
    return {
        "health_intro": _health_intro(blocks.get("health", [])),
        "health": [{k: _text(v) for k, v in r.items()} for r in blocks.get("health", [])],
        "accreditation_intro": "Each dated action of last year's accreditation action plan: achieved, or its new date.",
        "accreditation": [
            {
                "id": r["id"],
                "action": _text(r.get("action")),
                "due": _text(r.get("due")),
                "achieved": _text(r.get("achieved")),
                "next": _text(r.get("new_date") or r.get("note")),
            }
            for r in rows.get("accreditation", [])
        ],
    }


def _health_intro(health: list[dict[str, Any]]) -> str:
    """What Section 2's scores rest on, as the plan's Summary says it: the review used, received
    but left out (and why), or not received; never that the group reviewed what was not used."""
    came = health[0] if health else {}
    depth = "each criterion is reviewed in depth at least once in three years."
    if came.get("used"):
        return "The steering group reviewed the partnership's health against the six criteria; " + depth
    if came.get("left_out"):
        return (
            f"The partnership-health review was {came['returned']}. Its scores are not counted in this report; " + depth
        )
    return "The partnership-health review has not been received: no criterion is scored in this report; " + depth


def _improvement_planning(rows: Table, blocks: Table) -> dict[str, Any]:
    """Section 3, improvement planning: the plan's part 1 (the clusters') and part 2 (the partnership's)."""
    health = blocks.get("health") or [{}]
    return {
        "part1_intro": "The actions for improvement each cluster agreed at its review meeting.",
        "part1": _actions(rows.get("part1", []), ("cluster", "cluster_name"), lead="key_contact"),
        "part2_intro": (
            "Actions from the partnership-health review, and last year's accreditation actions not yet achieved."
            if health[0].get("used")
            else "Last year's accreditation actions not yet achieved; the partnership-health review's actions "
            f"are not here, as {'its return was not used' if health[0].get('left_out') else 'it was not received'}."
        ),
        "part2": _actions(rows.get("part2", []), ("criterion", "criterion_title"), lead="lead"),
    }


def _actions(rows: list[dict[str, Any]], group: tuple[str, str], lead: str) -> list[dict[str, str]]:
    """Part 1's or Part 2's actions as the report's table lists them: under whom (a
    cluster, a criterion), what, who leads, by when, and the support."""
    name, key = group
    fields = {name: key, "action": "action", "lead": lead, "due": "due"}
    fields |= {"support_needed": "support_needed", "support_how": "support_how"}
    return [{k: _text(r.get(v)) for k, v in fields.items()} for r in rows]


def _summary(counts: dict[str, Any], actions: list[dict[str, Any]], not_used: list[str], words: dict[int, str]) -> str:
    """The returns, and the targets and actions by score: those of a cluster whose return was not used
    are not counted here, as Section 1 says they are not counted in the report."""
    counted = [a for a in actions if a.get("cluster_name") not in not_used]
    scores = [final_score(a) for a in counted]
    by = ", ".join(f"{scores.count(n)} {words[n].lower()}" for n in (5, 4, 3, 2, 1))
    said = f"Returns received: {counts.get('Returns received', '')}; used: {counts.get('Returns used', '')}. "
    if not not_used:
        return (
            said
            + f"The clusters reported on {len(actions)} targets and actions: {by}, and {scores.count(None)} not scored."
        )
    return said + (
        f"Of the clusters' {len(actions)} targets and actions, {len(actions) - len(counted)} are not counted, "
        f"as {_returns_not_used(not_used)}. Of the other {len(counted)}: {by}, and {scores.count(None)} not scored."
    )


def _returns_not_used(names: list[str]) -> str:
    """'the return of A was not used', 'the returns of A, B and C were not used'."""
    listed = " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"the returns of {listed} were not used" if len(names) > 1 else f"the return of {listed} was not used"


def _code(review: Any, name: str) -> str:
    return next((c.code for c in review.clusters if c.name == name), name)


def _cluster(
    block: dict[str, Any],
    summary: dict[str, Any],
    actions: list[dict[str, Any]],
    words: dict[int, str],
    marks: list[tuple[str, str]],
) -> dict[str, Any]:
    """One cluster's part of Section 1."""
    total = sum(int(block.get(f"s{n}") or 0) for n in (5, 4, 3, 2, 1)) + int(block.get("unscored") or 0)
    scored = "; ".join(f"{block.get(f's{n}') or 0} {words[n].lower()}" for n in (5, 4, 3, 2, 1))
    if block.get("used"):
        text = (
            f"Of its {total} targets and actions: {scored}; {block.get('unscored') or 0} unscored. "
            f"Average agreed score: {block.get('average')}. Outstanding (scored 1 or 2, or unscored): "
            f"{block.get('outstanding')}."
        )
        missing = f"Not reported yet: {STAGE_1_ONLY}." if block.get("stage") == 1 else "Not recorded in the return."
    elif block.get("left_out"):
        text = f"Its return was not used, so its {total} targets and actions are not counted in this report."
        missing = "Not reported: the cluster's return was not used."
    else:
        text = f"Its {total} targets and actions are unscored and counted as outstanding."
        missing = "Not reported: no return was received."
    found = []
    for key, title in marks:
        marked = [a for a in actions if a.get(key) is True]
        if marked:
            found.append(
                {
                    "title": f"{title} ({len(marked)})",
                    "actions": [
                        {
                            "id": a["id"],
                            "action": _text(a.get("action") or a.get("outcome")),
                            "progress": f". Progress: {_text(a.get('progress'))}"
                            if key == CASE_STUDY and a.get("progress")
                            else "",
                        }
                        for a in marked
                    ],
                }
            )
    return {
        "name": block["cluster"],
        "returned": _sentence(str(block.get("returned", ""))),
        "scores_text": text,
        "achievements": _text(summary.get("achievements")) or missing,
        "barriers": _text(summary.get("barriers")) or missing,
        "solutions": _text(summary.get("solutions")) or missing,
        "flags": found,
    }


def _sentence(text: str) -> str:
    """Text begun with a capital, the rest as it is: what follows may be a note the officer typed."""
    return text[:1].upper() + text[1:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
