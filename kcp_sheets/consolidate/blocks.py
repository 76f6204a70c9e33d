"""The Summary's small tables: each cluster's scores, the health review by
criterion, the counts (each with the sheet that lists them) and the returns."""

from __future__ import annotations

from typing import Any

from ..check import CheckResult
from ..lifecycle import ACCEPTED, described
from ..problems import Tally
from ..settings import Review
from .clusters import ClusterReturn, final_score

Rows = dict[str, list[dict[str, Any]]]


def cluster_block(clusters: list[ClusterReturn], review: Review, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per cluster: how many actions at each score, unscored, the average agreed score, how many outstanding."""
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for action in actions:
        by_cluster.setdefault(action["cluster"], []).append(action)
    block = []
    for c in clusters:
        rows = by_cluster.get(c.code, [])
        scores = [final_score(r) for r in rows]
        agreed = [r.get("agreed_score") for r in rows if r.get("agreed_score") is not None]
        row: dict[str, Any] = {"cluster": review.cluster(c.code).name, "returned": c.returned}
        # Not shown: what the report says of it.
        row |= {"used": c.ret is not None, "left_out": c.left_out, "stage": c.ret.stage if c.ret else None}
        for n in range(5, 0, -1):
            row[f"s{n}"] = scores.count(n)  # counted in C: 200,000 scores, each seen seven times
        row["unscored"] = scores.count(None)
        row["average"] = round(sum(agreed) / len(agreed), 2) if agreed else "none agreed"
        # A return left out is not counted at all: its rows are unscored because unused, not outstanding.
        outstanding = row["unscored"] + scores.count(1) + scores.count(2)
        row["outstanding"] = "not counted: return not used" if c.left_out else outstanding
        block.append(row)
    return block


def health_block(review: Review, health: list[dict[str, Any]], came: ClusterReturn | None) -> list[dict[str, Any]]:
    """Per criterion: its total score out of its maximum, how many scored, when last and next reviewed in depth;
    no total where the review's return is not used, but whether it came and was left out (`came`)."""
    used, left_out = came is not None and came.ret is not None, came is not None and came.left_out
    block = []
    for name in review.criterion_names():
        mine = [r for r in health if r.get("criterion") == name]
        scored = [r["score_value"] for r in mine if r.get("score_value") is not None]
        last_shown, due = review.in_depth(name)
        block.append(
            {
                "criterion": name,
                "total": sum(scored) if used else "left out" if left_out else "not returned",
                "maximum": 5 * len(mine),
                "scored": f"{len(scored)} of {len(mine)}",
                "last_in_depth": last_shown,
                "due": due,
                # Not shown: what the block's title and the report say of the return.
                "returned": came.returned if came else "not received",
                "used": used,
                "left_out": left_out,
            }
        )
    return block


def counts_block(
    context: dict[str, Any], rows: Rows, tab: dict[str, str], counts: Tally, public: bool
) -> list[dict[str, Any]]:
    """How many of each thing the plan holds, and the sheet (`tab`)
    that lists them; the problems not in the public copy."""
    problems = [
        {"what": "Problems: errors", "count": counts.errors, "where": tab["problems"]},
        {"what": "Problems: warnings", "count": counts.warnings, "where": tab["problems"]},
        {"what": "Problems dealt with", "count": counts.dealt, "where": tab["problems"]},
    ]
    return [
        {
            "what": "Returns received",
            "count": f"{context['received']} of {context['expected']}",
            "where": tab["sources"],
        },
        {"what": "Returns used", "count": f"{context['used']} of {context['received']}", "where": tab["sources"]},
        {"what": "Targets and actions", "count": len(rows["all_actions"]), "where": tab["all_actions"]},
        {
            "what": "Outstanding (scored 1 or 2, or unscored)",
            "count": len(rows["outstanding"]),
            "where": tab["outstanding"],
        },
        {
            "what": "New actions added by clusters",
            "count": sum(1 for r in rows["all_actions"] if r["new"]),
            "where": tab["all_actions"],
        },
        {
            "what": "Actions for improvement (part 1)",
            "count": sum(1 for r in rows["part1"] if r["id"]),
            "where": tab["part1"],
        },
        {"what": "Partnership actions (part 2)", "count": len(rows["part2"]), "where": tab["part2"]},
        {"what": "Flagged projects", "count": len(rows["flagged"]), "where": tab["flagged"]},
        *([] if public else problems),
    ]


def returns_block(result: CheckResult) -> list[dict[str, Any]]:
    """Every return read: used or left out, and why an accepted one is used."""
    return [
        {
            "file": ret.source.name,
            "workbook": ret.label or "not recognised",
            "used": "Used" if ret.merged else "Left out",
            "why": why,
        }
        for ret, why in [
            (r, described(r.state, r.note) if r.state == ACCEPTED else "") for r in result.returns if r.merged
        ]
        + result.left_out()
    ]
