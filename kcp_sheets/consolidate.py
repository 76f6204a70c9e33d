"""Consolidation: the checked returns merged into the improvement action plan
the steering group reads (seeds/000 Annex C; Part 2 as in seeds/004).

Every value read from a return lands on a sheet here, and every problem on
the Problems sheet, so nothing typed is lost from view. A cluster that has
not returned still appears, unscored, so the plan never looks more complete
than it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import unfinished
from .bulk import building
from .check import CheckResult
from .content import Content
from .folder import OUTPUT, safe_file_name
from .history import earlier_actions, history_words, records_of, score_profiles
from .ledger import Ledger
from .ledger.consolidations import Input
from .ledger.consolidations import record_consolidation as record
from .lifecycle import ACCEPTED, described, why_left_out
from .problems import problem_rows, tally
from .public_copy import without_people
from .reader import Return, Row
from .sent import Planned
from .settings import Review
from .spec import WorkbookSpec, load_spec
from .values import as_text
from .workbooks import (
    cluster_rows,
    cluster_workbook,
    planned_workbooks,
    review_context,
    review_wide_workbooks,
)
from .writer import write_aside

# Beyond this many targets and actions (a region's or the country's returns in
# one review), a sheet of them is read by nobody and costs most of the run:
# they are the ledger's records, which `kcp-sheets export` gives as CSV.
ACTIONS_SHEET_LIMIT = 20_000
# The plan's lists of targets and actions: at that size each cluster's counts
# (the Summary) serve the reader, and the records serve the analyst.
ACTION_LISTS = ("all_actions", "outstanding")
@dataclass(frozen=True)
class ClusterReturn:
    plan: Planned
    ret: Return | None  # the return used in the plan, if any
    returned: str = "not received"  # what came back, as the plan says it: "received 24/04/2004, left out: rejected: ..."
    left_out: bool = False  # a return came but is not used: its rows are not counted as outstanding

    @property
    def code(self) -> str:
        return self.plan.cluster

    def rows(self) -> list[Row]:
        """The rows as returned, with the officer's changes since sending: fixed
        text as it is now, and actions added since (unscored, to ask for).
        Made when asked, not kept: the plan's rows are made from them once."""
        sheet = self.plan.spec.main_table()
        now = [Row(str(r["id"]), dict(r), 0) for r in self.plan.content.rows.get(sheet.key, [])]
        if self.ret is None:
            return now
        returned = self.ret.rows.get(self.ret.plan.spec.main_table().key if self.ret.plan else sheet.key, [])
        current = {r.id: r.values for r in now}
        fixed = [c.key for c in sheet.table.columns if not c.is_input]
        rows = []
        for row in returned:
            if not row.new and row.id in current:
                now_values = current[row.id]
                row = Row(row.id, {**row.values, **{k: now_values[k] for k in fixed if k in now_values}}, row.cell_row, row.new, row.extra, row.notes)
            rows.append(row)
        seen = {r.id for r in returned}
        return rows + [r for r in now if r.id not in seen]

    @cached_property
    def headers(self) -> dict[str, str]:
        """The tracker's column headers by key, for the words typed with a score."""
        return {c.key: c.header for c in self.plan.spec.main_table().table.columns}

    def form(self) -> tuple[dict[str, Any], list[Row]]:
        form = next((s for s in self.plan.spec.sheets if s.kind == "form"), None)
        if self.ret is None or form is None:
            return {}, []
        return self.ret.fields.get(form.key, {}), self.ret.rows.get(form.key, [])


def _cluster_return(plan: Planned, used: Return | None, standing: Return | None) -> ClusterReturn:
    """A cluster's workbook and what came back: used, received but left out (and why), or not received."""
    if used is not None:
        return ClusterReturn(plan, used, f"received {used.source.received:%d/%m/%Y}, stage {used.stage}")
    if standing is None:
        return ClusterReturn(plan, None)
    why = why_left_out(recognised=True, state=standing.state, note=standing.note, open_errors=standing.errors, newer=standing.newer)
    return ClusterReturn(plan, None, f"received {standing.source.received:%d/%m/%Y}, left out: {why}", left_out=True)


def final_score(values: dict[str, Any]) -> int | None:
    """The agreed score where there is one, else the co-ordinator's."""
    agreed = values.get("agreed_score")
    return agreed if agreed is not None else values.get("coordinator_score")


def current_workbooks(review: Review, rows_now: dict[str, list[dict[str, Any]]] | None = None) -> list[Planned]:
    """What the settings make now, as the plan needs it: every cluster's rows
    (as the check made them, if it did), with the tracker's layout worked out
    once (a layout is the template's; only its titles name a cluster, and the
    plan uses none of them). A national review has thousands of clusters."""
    if not review.clusters:
        return planned_workbooks(review)
    rows_now = rows_now or {}
    first = cluster_workbook(review, review.clusters[0].code)
    key = first.spec.main_table().key
    others = [Planned(first.spec, Content(rows={key: rows_now.get(c.code) or cluster_rows(review, c.code)}), c.code) for c in review.clusters[1:]]
    return [first, *others, *review_wide_workbooks(review)]


def consolidate(result: CheckResult, public: bool = False) -> tuple[WorkbookSpec, Content]:
    with building():  # a row per target and action: 200,000 in a national review
        return _consolidate(result, public)


def _consolidate(result: CheckResult, public: bool) -> tuple[WorkbookSpec, Content]:
    review = result.review
    plans = current_workbooks(review, result.rows_now)
    used = {r.label: r for r in result.merged()}
    standing = result.standing()
    clusters = [_cluster_return(p, used.get(p.label), standing.get(p.label)) for p in plans if p.cluster]
    health = next((p for p in plans if p.spec.template == "partnership-health"), None)
    accreditation = next((p for p in plans if p.spec.template == "accreditation-review"), None)
    latest = result.latest()
    as_at = f"{latest:%d %B %Y}" if latest else "no returns yet"
    scale = review.scales["achievement"]
    with Ledger(review.folder, read_only=True) as ledger:
        earlier = earlier_actions(ledger, review.year)
    context = {
        **history_words(len(earlier) + 1),
        **review_context(review),
        "as_at": as_at,
        "received": sum(1 for p in plans if p.label in standing),
        "used": sum(1 for p in plans if p.label in used),
        "expected": len(plans),
        **{f"achievement_{n}": label for n, label in scale.items()},
    }
    spec = load_spec("improvement_plan").resolve(context, review.earlier_years, review.scored_years)
    # Where the summary points people: an officer's sheet is hidden, and not in the public copy at all.
    tab = {s.key: "" if public and s.officer else f"{s.name} (hidden)" if s.officer else s.name for s in spec.sheets}
    if public:
        spec = _public_spec(spec)
    words = _Words(review)
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["all_actions"] = [_action_row(c, row, words, review.cluster(c.code).name) for c in clusters for row in c.rows()]
    left_out = {c.code for c in clusters if c.left_out}  # their rows are unscored because unused, not outstanding
    rows["outstanding"] = [r for r in rows["all_actions"] if final_score(r) in (None, 1, 2) and r["cluster"] not in left_out]  # the same rows, not copies
    if actions_as_csv(review):
        for key in ACTION_LISTS:
            tab[key] = "" if public else "too many for a sheet: kcp-sheets export writes them as CSV"
        spec = replace(spec, sheets=tuple(s for s in spec.sheets if s.key not in ACTION_LISTS))
    rows["cluster_reviews"], rows["part1"] = _cluster_reviews(clusters, review)
    health_rows = _health_rows(review, used.get(health.label) if health else None, words)
    rows["health"] = health_rows
    accreditation_rows = _accreditation_rows(review, used.get(accreditation.label) if accreditation else None)
    rows["accreditation"] = accreditation_rows
    rows["part2"] = _partnership_plan(review, health_rows, accreditation_rows)
    rows["flagged"] = _flagged(clusters[0].plan if clusters else None, rows["all_actions"])
    problems = result.all_problems()
    counts = tally(problems)
    rows["problems"] = problem_rows(problems)
    rows["sources"] = _sources(result)
    blocks = {
        "clusters": _cluster_block(clusters, review, rows["all_actions"]),
        "health": _health_block(review, health_rows, health is not None and health.label in used),
        "counts": [
            {"what": "Returns received", "count": f"{context['received']} of {context['expected']}", "where": tab["sources"]},
            {"what": "Returns used", "count": f"{context['used']} of {context['received']}", "where": tab["sources"]},
            {"what": "Targets and actions", "count": len(rows["all_actions"]), "where": tab["all_actions"]},
            {"what": "Outstanding (scored 1 or 2, or unscored)", "count": len(rows["outstanding"]), "where": tab["outstanding"]},
            {"what": "New actions added by clusters", "count": sum(1 for r in rows["all_actions"] if r["new"]), "where": tab["all_actions"]},
            {"what": "Actions for improvement (part 1)", "count": sum(1 for r in rows["part1"] if r["id"]), "where": tab["part1"]},
            {"what": "Partnership actions (part 2)", "count": len(rows["part2"]), "where": tab["part2"]},
            {"what": "Flagged projects", "count": len(rows["flagged"]), "where": tab["flagged"]},
            *(
                []
                if public
                else [
                    {"what": "Problems: errors", "count": counts.errors, "where": tab["problems"]},
                    {"what": "Problems: warnings", "count": counts.warnings, "where": tab["problems"]},
                    {"what": "Problems dealt with", "count": counts.dealt, "where": tab["problems"]},
                ]
            ),
        ],
    }
    blocks["returns"] = [
        {"file": ret.source.name, "workbook": ret.label or "not recognised", "used": "Used" if ret.merged else "Left out", "why": why}
        for ret, why in [(r, described(r.state, r.note) if r.state == ACCEPTED else "") for r in result.returns if r.merged] + result.left_out()
    ]
    clusters_named = [(c.code, c.name) for c in review.clusters]
    blocks["history"] = score_profiles(clusters_named, review.year, rows["all_actions"], earlier)
    created = (latest or dt.datetime.combine(review.issued, dt.time())).date()
    content = Content(rows=rows, blocks=blocks, author=review.officer.name, company=review.partnership, created=created)
    if public:
        without_people(spec, content, review, [r.source.sender for r in result.returns])
    return spec, content


def actions_as_csv(review: Review) -> bool:
    """Whether the plan leaves its lists of actions (All Actions, Outstanding) to the CSV export: a master list too long for a sheet."""
    return len(review.actions) > ACTIONS_SHEET_LIMIT


def partnership_plan(result: CheckResult) -> list[dict[str, Any]]:
    """Part 2 of the plan alone: what next year's accreditation review looks back on."""
    review = result.review
    used = {r.label: r for r in result.merged()}
    words = _Words(review)
    health = _health_rows(review, used.get("partnership-health"), words)
    return _partnership_plan(review, health, _accreditation_rows(review, used.get("accreditation-review")))


def write_plan(result: CheckResult, out_dir: Path | None = None, public: bool = False) -> Path:
    """Write the improvement-plan workbook (or its public copy) atomically."""
    spec, content = consolidate(result, public)
    name = safe_file_name(spec.file_name)
    if public:
        name = name.removesuffix(".xlsx") + " (public).xlsx"
    path = (out_dir or result.review.folder / OUTPUT) / name
    unfinished.sweep(path.parent)
    aside = write_aside(spec, content, path)
    try:
        record_consolidation(result, path.name, aside, public, None if public else content.rows)
        os.replace(aside, path)  # recorded: now in place
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return path


def record_consolidation(result: CheckResult, name: str, written: Path, public: bool, rows: dict[str, list[dict[str, Any]]] | None) -> None:
    """The ledger's note of a consolidation: every input by hash, used or not and why,
    the output (`name`, as `written`) by hash; and, for the plan itself, the review's records."""
    review = result.review
    why = {id(ret): reason for ret, reason in result.left_out()}
    digest = hashlib.sha256(written.read_bytes()).hexdigest()
    inputs = [Input(ret.ledger_id or None, ret.source.name, ret.source.sha256, ret.merged, why.get(id(ret), "")) for ret in result.returns]
    with Ledger(review.folder) as ledger, ledger.transaction():
        record(ledger, review.review_id, public, name, digest, inputs)
        if rows is not None:
            codes = {c.name: c.code for c in review.clusters}
            ledger.replace_records(review.review_id, review.year, review.partnership, review.title, records_of(rows, codes))


class _Words:
    """A score as number and words, so colour is never the only signal."""

    def __init__(self, review: Review) -> None:
        self.scales = review.scales

    def __call__(self, score: int | None, scale: str = "achievement") -> str:
        return f"{score} - {self.scales[scale][score]}" if score is not None else "Unscored"


def _action_row(c: ClusterReturn, row: Row, words: _Words, cluster_name: str) -> dict[str, Any]:
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


def _cluster_reviews(clusters: list[ClusterReturn], review: Review) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    summaries, plan = [], []
    for c in clusters:
        fields, actions = c.form()
        summaries.append({"id": c.code, "cluster_name": review.cluster(c.code).name, "returned": c.returned, **fields})
        for row in actions:
            plan.append({**row.values, "id": f"{c.code}-{row.id}", "cluster_name": review.cluster(c.code).name, "added": _added(row)})
        if not actions:  # every cluster is in Part 1: one with no action says why, and has no number to act on
            plan.append({"id": None, "cluster_name": review.cluster(c.code).name, "action": _why_no_action(c)})
    return summaries, plan


def _why_no_action(c: ClusterReturn) -> str:
    if c.ret is not None:
        return "No action for improvement was agreed at the cluster's review meeting."
    if c.left_out:
        return f"No action for improvement yet: the return was {c.returned}."
    return "No action for improvement yet: the cluster's return was not received."


def _criterion_titles(review: Review) -> dict[str, str]:
    return {name: f"{n}. {name}" for n, name in enumerate(review.criterion_names(), start=1)}


def _health_rows(review: Review, ret: Return | None, words: _Words) -> list[dict[str, Any]]:
    titles = _criterion_titles(review)
    read = {r.id: r for rows in (ret.rows.values() if ret else []) for r in rows}
    headers = {c.key: c.header for s in (ret.plan.spec.sheets if ret and ret.plan else []) if s.table for c in s.table.columns}

    def row(ref: str, found: Row | None, **fixed: Any) -> dict[str, Any]:
        values = found.values if found else {}
        extra = {"added": _added(found), "notes": _notes(found, headers)} if found else {}
        return {**values, **extra, "id": ref, **fixed, "score_value": values.get("score"), "score": words(values.get("score"), "health")}

    rows = [row(sub.ref, read.get(sub.ref), title=sub.title, criterion=sub.criterion, criterion_title=titles[sub.criterion]) for sub in review.criteria]
    known = {s.ref for s in review.criteria}
    rows += [row(ref, found, criterion_title="Added in the return") for ref, found in read.items() if ref not in known]
    return rows


def _accreditation_rows(review: Review, ret: Return | None) -> list[dict[str, Any]]:
    titles = _criterion_titles(review)
    read = {r.id: r.values for rows in (ret.rows.values() if ret else []) for r in rows}
    rows = []
    for action in review.accreditation:
        values = read.get(action.ref, {})
        rows.append({**values, "id": action.ref, "action": action.action, "due": action.due, "criterion": action.criterion,
                     "criterion_title": titles.get(action.criterion, action.criterion), "achieved": values.get("achieved") or "Not reviewed"})
    return rows


def _partnership_plan(review: Review, health: list[dict[str, Any]], accreditation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {name: n for n, name in enumerate(_criterion_titles(review).values())}
    plan = []
    for row in health:
        # A key contact or a date without an action is still something the group must see.
        if row.get("action") or row.get("key_contact") or row.get("due"):
            action = row.get("action") or "No action typed; a key contact or date was given"
            plan.append({"id": row["id"], "action": action, "situation": row.get("progress"), "lead": row.get("key_contact"),
                         "due": row.get("due"), "support_needed": row.get("support_needed"), "support_how": row.get("support_how"),
                         "origin": "Health review", "criterion_title": row.get("criterion_title", "")})
    for row in accreditation:
        if row["achieved"] == "Yes":
            continue
        achieved = row["achieved"]
        situation = row.get("note") or ("Partly achieved" if achieved == "Partly" else f"Not achieved by {row['due']}" if achieved == "No" else "Not yet reviewed" if achieved == "Not reviewed" else f"Achieved? '{achieved}'")
        plan.append({"id": row["id"], "action": row["action"], "situation": situation, "lead": row.get("lead"),
                     "due": row.get("new_date") or "To be agreed", "support_needed": row.get("support_needed"), "support_how": row.get("support_how"),
                     "origin": "Accreditation plan", "criterion_title": row["criterion_title"]})
    return sorted(plan, key=lambda r: order.get(r["criterion_title"], len(order)))


def _flagged(plan: Planned | None, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if plan is None:
        return []
    flags = [c for c in plan.spec.main_table().table.columns if c.kind == "flag" and c.is_input]
    return [{**row, "flag": flag.header} for flag in flags for row in actions if row.get(flag.key) is True]


def _sources(result: CheckResult) -> list[dict[str, Any]]:
    """Every file read: whether the plan used it, and if not, why."""
    why = {id(ret): reason for ret, reason in result.left_out()}
    rows = []
    for ret in result.returns:
        if ret.plan is None:
            status = "not read: " + (ret.problems[0].message if ret.problems else "unknown")
        else:
            status = "used" if ret.merged else "left out: " + why.get(id(ret), "")
            if ret.state == ACCEPTED:
                status += f" ({described(ret.state, ret.note)})"
            status += f"; stage {ret.stage}; {ret.answers} answers; {tally(ret.problems)}"
            if ret.plan.edition:
                status += f"; answers edition {ret.plan.edition} as sent"
        rows.append({"file": ret.source.name, "workbook": ret.plan.spec.title if ret.plan else "", "cluster": ret.cluster,
                     "sender": ret.source.sender, "received": f"{ret.source.received:%d/%m/%Y %H:%M}",
                     "fingerprint": ret.source.sha256[:16], "status": status})
    for p in result.problems:
        rows.append({"file": p.file, "status": f"not a return: {p.message}"})
    return [{"id": n, **r} for n, r in enumerate(rows, start=1)]


def _cluster_block(clusters: list[ClusterReturn], review: Review, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_cluster: dict[str, list[dict[str, Any]]] = {}
    for action in actions:
        by_cluster.setdefault(action["cluster"], []).append(action)
    block = []
    for c in clusters:
        rows = by_cluster.get(c.code, [])
        scores = [final_score(r) for r in rows]
        agreed = [r.get("agreed_score") for r in rows if r.get("agreed_score") is not None]
        row: dict[str, Any] = {"cluster": review.cluster(c.code).name, "returned": c.returned}
        for n in range(5, 0, -1):
            row[f"s{n}"] = sum(s == n for s in scores)
        row["unscored"] = sum(s is None for s in scores)
        row["average"] = round(sum(agreed) / len(agreed), 2) if agreed else "none agreed"
        row["outstanding"] = 0 if c.left_out else sum(s in (None, 1, 2) for s in scores)
        block.append(row)
    return block


def _health_block(review: Review, health: list[dict[str, Any]], returned: bool) -> list[dict[str, Any]]:
    block = []
    for name in review.criterion_names():
        mine = [r for r in health if r.get("criterion") == name]
        scored = [r["score_value"] for r in mine if r.get("score_value") is not None]
        last_shown, due = review.in_depth(name)
        block.append({"criterion": name, "total": sum(scored) if returned else "not returned", "maximum": 5 * len(mine),
                      "scored": f"{len(scored)} of {len(mine)}", "last_in_depth": last_shown, "due": due})
    return block


def _public_spec(spec: WorkbookSpec) -> WorkbookSpec:
    """The plan less the officer's working sheets and summary blocks: they name files, senders, notes and problems."""
    sheets = tuple(replace(s, blocks=tuple(b for b in s.blocks if not b.officer)) for s in spec.sheets if not s.officer)
    return replace(spec, title=spec.title + " (public copy)", sheets=sheets)


