"""The plan's rows, sheet by sheet: every target and action with its final
score, Part 1 (each cluster's actions for improvement), the health and
accreditation reviews, Part 2 (the partnership's actions drawn from them),
the flagged projects, and every file read."""

from __future__ import annotations

from typing import Any

from ..check import CheckResult
from ..lifecycle import ACCEPTED, described
from ..problems import tally
from ..reader import Return, Row
from ..sent import SentWorkbook
from ..settings import Review
from ..values import as_text
from .clusters import STAGE_1_ONLY, ClusterReturn, Words, final_score


def action_row(c: ClusterReturn, row: Row, words: Words, cluster_name: str) -> dict[str, Any]:
    """A target or action as the plan lists it: its cluster, what was added to it, its score in words."""
    values = dict(row.values)
    values.update(
        id=row.id,
        cluster=c.code,
        cluster_name=cluster_name,
        new=row.new or None,
        added=_added(row),
        notes=_notes(row, c.headers),
        source=c.ret.source.name if c.ret else c.returned,
    )
    values["score_word"] = words(final_score(values))
    return values


def _added(row: Row) -> str | None:
    """What was typed in columns a person added to the row, under their headers."""
    return "; ".join(f"{k}: {as_text(v)}" for k, v in row.extra.items()) or None


def _notes(row: Row, headers: dict[str, str]) -> str | None:
    """Words typed with a score, or a score that could not be read, by the column's header."""
    if not row.notes:
        return None
    return "; ".join(f"{headers.get(k, k)}: {v}" for k, v in row.notes.items()) or None


def cluster_reviews(clusters: list[ClusterReturn], review: Review) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each cluster's review meeting (its form's fields), and Part 1: its actions for improvement."""
    summaries, part1 = [], []
    for c in clusters:
        fields, actions = c.form()
        summaries.append({"id": c.code, "cluster_name": review.cluster(c.code).name, "returned": c.returned, **fields})
        for row in actions:
            part1.append(
                {
                    **row.values,
                    "id": f"{c.code}-{row.id}",
                    "cluster_name": review.cluster(c.code).name,
                    "added": _added(row),
                }
            )
        if not actions:  # every cluster is in Part 1: one with no action says why, and has no number to act on
            part1.append({"id": None, "cluster_name": review.cluster(c.code).name, "action": _why_no_action(c)})
    return summaries, part1


def _why_no_action(c: ClusterReturn) -> str:
    if c.ret is not None and c.ret.stage == 1:
        return f"No action for improvement yet: {STAGE_1_ONLY}."
    if c.ret is not None:
        return "No action for improvement was agreed at the cluster's review meeting."
    if c.left_out:
        return f"No action for improvement yet: the return was {c.returned}."
    return "No action for improvement yet: the cluster's return was not received."


def _criterion_titles(review: Review) -> dict[str, str]:
    return {name: f"{n}. {name}" for n, name in enumerate(review.criterion_names(), start=1)}


def health_rows(review: Review, ret: Return | None, words: Words) -> list[dict[str, Any]]:
    """Every criterion of the partnership health review, scored or not, and any row added in the return."""
    titles = _criterion_titles(review)
    read = {r.id: r for rows in (ret.rows.values() if ret else []) for r in rows}
    headers = {
        c.key: c.header for s in (ret.sent.spec.sheets if ret and ret.sent else []) if s.table for c in s.table.columns
    }

    def row(ref: str, found: Row | None, **fixed: Any) -> dict[str, Any]:
        values = found.values if found else {}
        extra = {"added": _added(found), "notes": _notes(found, headers)} if found else {}
        return {
            **values,
            **extra,
            "id": ref,
            **fixed,
            "score_value": values.get("score"),
            "score": words(values.get("score"), "health"),
        }

    rows = [
        row(sub.ref, read.get(sub.ref), title=sub.title, criterion=sub.criterion, criterion_title=titles[sub.criterion])
        for sub in review.criteria
    ]
    known = {s.ref for s in review.criteria}
    rows += [row(ref, found, criterion_title="Added in the return") for ref, found in read.items() if ref not in known]
    return rows


def accreditation_rows(review: Review, ret: Return | None) -> list[dict[str, Any]]:
    """Every action of last year's accreditation plan, with whether it was achieved ('Not reviewed' if not returned)."""
    titles = _criterion_titles(review)
    read = {r.id: r.values for rows in (ret.rows.values() if ret else []) for r in rows}
    rows = []
    for action in review.accreditation:
        values = read.get(action.ref, {})
        rows.append(
            {
                **values,
                "id": action.ref,
                "action": action.action,
                "due": action.due,
                "criterion": action.criterion,
                "criterion_title": titles.get(action.criterion, action.criterion),
                "achieved": values.get("achieved") or "Not reviewed",
            }
        )
    return rows


def part2_rows(
    review: Review, health: list[dict[str, Any]], accreditation: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Part 2, the partnership's actions: those the health review names, and the
    accreditation plan's actions not yet achieved, in the order of the criteria."""
    order = {name: n for n, name in enumerate(_criterion_titles(review).values())}
    actions = []
    for row in health:
        # A key contact or a date without an action is still something the group must see.
        if row.get("action") or row.get("key_contact") or row.get("due"):
            action = row.get("action") or "No action typed; a key contact or date was given"
            actions.append(
                {
                    "id": row["id"],
                    "action": action,
                    "situation": row.get("progress"),
                    "lead": row.get("key_contact"),
                    "due": row.get("due"),
                    "support_needed": row.get("support_needed"),
                    "support_how": row.get("support_how"),
                    "origin": "Health review",
                    "criterion_title": row.get("criterion_title", ""),
                }
            )
    for row in accreditation:
        if row["achieved"] == "Yes":
            continue
        achieved = row["achieved"]
        situation = row.get("note") or (
            "Partly achieved"
            if achieved == "Partly"
            else f"Not achieved by {row['due']}"
            if achieved == "No"
            else "Not yet reviewed"
            if achieved == "Not reviewed"
            else f"Achieved? '{achieved}'"
        )
        actions.append(
            {
                "id": row["id"],
                "action": row["action"],
                "situation": situation,
                "lead": row.get("lead"),
                "due": row.get("new_date") or "To be agreed",
                "support_needed": row.get("support_needed"),
                "support_how": row.get("support_how"),
                "origin": "Accreditation plan",
                "criterion_title": row["criterion_title"],
            }
        )
    return sorted(actions, key=lambda r: order.get(r["criterion_title"], len(order)))


def flagged(sent: SentWorkbook | None, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each action ticked in a flag column of the tracker, once per flag."""
    if sent is None:
        return []
    flags = [c for c in sent.spec.main_table().table.columns if c.kind == "flag" and c.is_input]
    return [{**row, "flag": flag.header} for flag in flags for row in actions if row.get(flag.key) is True]


def sources(result: CheckResult) -> list[dict[str, Any]]:
    """Every file read: whether the plan used it, and if not, why."""
    why = {id(ret): reason for ret, reason in result.left_out()}
    rows = []
    for ret in result.returns:
        if ret.sent is None:
            status = "not read: " + (ret.problems[0].message if ret.problems else "unknown")
        else:
            status = "used" if ret.merged else "left out: " + why.get(id(ret), "")
            if ret.state == ACCEPTED:
                status += f" ({described(ret.state, ret.note)})"
            status += f"; stage {ret.stage}; {ret.answers} answers; {tally(ret.problems)}"
            if ret.sent.edition:
                status += f"; answers edition {ret.sent.edition} as sent"
        rows.append(
            {
                "file": ret.source.name,
                "workbook": ret.sent.spec.title if ret.sent else "",
                "cluster": ret.cluster,
                "sender": ret.source.sender,
                "received": f"{ret.source.received:%d/%m/%Y %H:%M}",
                "fingerprint": ret.source.sha256[:16],
                "status": status,
            }
        )
    for p in result.problems:
        rows.append({"file": p.file, "status": f"not a return: {p.message}"})
    return [{"id": n, **r} for n, r in enumerate(rows, start=1)]
