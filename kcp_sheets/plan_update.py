"""The improvement plan's mid-year update round (seeds/001 promises a
mid-year report; seeds/004 is one). The plan workbook, as the steering group
amended it, is read back; each cluster or criterion gets a workbook of its
actions to update; the updates are read by the same reader as the returns and
merged into a mid-year progress workbook.

Everything lives in REVIEW/update/: the plan as it was when the updates went
out (plan.xlsx, so returns are always read against what was sent), outbox/,
inbox/ and output/."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import python_calamine as calamine

from .check import CheckResult, check_returns
from .content import Content, fingerprint
from .folder import OUTPUT, safe_file_name
from .history import history_words
from .intake import inbox_files
from .pages import continued, group_title, rejoined
from .problems import ProblemError, problem, problem_rows
from .reader import find_header
from .sent import SentWorkbook
from .settings import Review
from .spec import load_spec
from .values import as_text, is_blank
from .workbooks import review_context
from .writer import write_workbook

UPDATE = "update"
SNAPSHOT = "plan.xlsx"
PARTS = {"part1": "key_contact", "part2": "lead"}  # the plan's sheets (by key) and each one's lead column


@dataclass(frozen=True)
class PlanItem:
    id: str
    group: str
    action: str
    lead: str
    due: str


def plan_path(review: Review) -> Path:
    spec = load_spec("improvement_plan").resolve(
        {
            **review_context(review),
            "as_at": "",
            "received": 0,
            "used": 0,
            "expected": 0,
            "health_returned": "",
            **history_words(1),
            **{f"achievement_{n}": "" for n in range(1, 6)},
        }
    )
    return review.folder / OUTPUT / safe_file_name(spec.file_name)


def read_plan(path: Path) -> list[PlanItem]:
    """The plan's actions as the steering group left them, by the template's headers."""
    if not path.is_file():
        raise ProblemError(
            [
                problem(
                    "settings-missing",
                    path.name,
                    what=f"The improvement plan {path} (run kcp-sheets consolidate first)",
                )
            ]
        )
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.CalamineError as exc:
        raise ProblemError([problem("file-unreadable", path.name, detail=str(exc)[:160])]) from None
    spec = load_spec("improvement_plan")
    items: list[PlanItem] = []
    for part, lead_key in PARTS.items():
        sheet_name = spec.sheet(part).name
        table = spec.sheet(part).table
        if sheet_name not in book.sheet_names:
            raise ProblemError([problem("sheet-missing", path.name, sheet=sheet_name)])
        grid = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        header, columns = find_header(grid, table, table.header_row - 1)
        missing = [
            c.header for c in table.columns if c.key in ("id", "action", "due", lead_key) and c.key not in columns
        ]
        if header < 0 or missing:
            raise ProblemError(
                [problem("header-missing", path.name, sheet=sheet_name, detail=", ".join(missing) or "the header row")]
            )
        group = ""
        for row in grid[header + 1 :]:
            present = [c for c, v in enumerate(row) if not is_blank(v)]
            if present == [0]:
                group = group_title(as_text(row[0]).strip())  # a group title: cluster or criterion, on any page
                continue
            cell = {k: as_text(row[c]).strip() if c < len(row) else "" for k, c in columns.items()}
            if items and cell.get("id") == continued(items[-1].id):  # a long action printed over two rows
                items[-1] = replace(items[-1], action=rejoined(items[-1].action, cell.get("action", "")))
            elif cell.get("id") and cell.get("action"):
                items.append(PlanItem(cell["id"], group, cell["action"], cell.get(lead_key, ""), cell.get("due", "")))
    return items


def update_plans(review: Review, items: list[PlanItem]) -> list[SentWorkbook]:
    """One update workbook per cluster or criterion, in the plan's order."""
    groups = list(dict.fromkeys(item.group for item in items))
    plans = []
    for n, group in enumerate(groups, start=1):
        spec = load_spec("plan_update").resolve({**review_context(review), "group": group})
        sheet = spec.main_table().key
        rows = [{"id": i.id, "action": i.action, "lead": i.lead, "due": i.due} for i in items if i.group == group]
        content = Content(
            rows={sheet: rows},
            scales=review.scales,
            contacts=[(review.officer.title or "Support officer", review.officer.name, review.officer.email)],
            author=review.officer.name,
            company=review.partnership,
            created=review.issued,
            password=review.protection_password,
        )
        key = f"U{n:02d}"
        content.identity = {
            "template": spec.template,
            "version": str(spec.version),
            "review": review.review_id,
            "year": str(review.year),
            "cluster": key,
            "group": group,
            "issued": review.issued.isoformat(),
            "fingerprint": fingerprint(spec, content),
            "rows": ",".join(r["id"] for r in rows),
        }
        plans.append(SentWorkbook(spec, content, key))
    return plans


def write_updates(review: Review, source: Path | None = None) -> list[Path]:
    """Snapshot the plan and write one update workbook per group into update/outbox/."""
    base = review.folder / UPDATE
    source = source or plan_path(review)
    items = read_plan(source)
    base.mkdir(exist_ok=True)
    if source.resolve() != (base / SNAPSHOT).resolve():
        shutil.copyfile(source, base / SNAPSHOT)
    for sub in ("outbox", "inbox", "output"):
        (base / sub).mkdir(exist_ok=True)
    return [write_workbook(p.spec, p.content, base / "outbox" / p.file_name) for p in update_plans(review, items)]


def collect_updates(review: Review) -> tuple[CheckResult, Path]:
    """Read update/inbox/ against the plan as sent and write the mid-year progress workbook."""
    base = review.folder / UPDATE
    items = read_plan(base / SNAPSHOT)
    plans = update_plans(review, items)
    result = check_returns(review, inbox_files(base / "inbox"), planned=plans)
    returned = {}
    for ret in result.used():
        for row in ret.rows.get(ret.sent.spec.main_table().key, []):
            returned[(ret.sent.cluster, row.id)] = (row.values, ret.source.name)
    rows = []
    for plan in plans:
        group = plan.content.identity["group"]
        for row in plan.content.rows[plan.spec.main_table().key]:
            values, name = returned.get((plan.cluster, row["id"]), ({}, "no update"))
            rows.append(
                {
                    **row,
                    "group": group,
                    "status": values.get("status") or "No update",
                    "situation": values.get("situation"),
                    "revised_date": values.get("revised_date"),
                    "source": name,
                }
            )
    latest = result.latest()
    spec = load_spec("plan_progress").resolve(
        {**review_context(review), "as_at": f"{latest:%d %B %Y}" if latest else "no updates yet"}
    )
    problems = problem_rows(result.all_problems())
    created = (latest or dt.datetime.combine(review.issued, dt.time())).date()
    content = Content(
        rows={"progress": rows, "problems": problems},
        author=review.officer.name,
        company=review.partnership,
        created=created,
    )
    return result, write_workbook(spec, content, base / "output" / safe_file_name(spec.file_name))
