"""Next year's review folder from this year's: the same settings a year on,
the master list with this year's progress and agreed scores carried into
read-only columns, the actions co-ordinators added given stable IDs, retired
actions dropped, and this year's partnership plan as the accreditation plan
that next year's review looks back on."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

from .check import check_returns
from .consolidate import partnership_actions
from .dates import years_on
from .folder import INBOX, OUTBOX, OUTPUT
from .problems import ProblemError, problem
from .settings import (
    ACCREDITATION_FILE,
    ACTIONS_FILE,
    CRITERIA_FILE,
    SETTINGS_FILE,
    Review,
    load_review,
    read_table,
)
from .values import as_text

DATE_LINE = re.compile(r"^(\s*\w+:\s*)(\d{4})-(\d{2})-(\d{2})(.*)$")


def carry_forward(last: Path, new: Path) -> Path:
    """Make NEW from LAST (a checked review folder whose inbox holds its returns)."""
    review = load_review(last)
    if (new / SETTINGS_FILE).exists():
        raise ProblemError(
            [
                problem(
                    "settings-invalid",
                    str(new),
                    detail=f"{new} already holds a review.",
                    fix="Name a new folder for next year's review.",
                )
            ]
        )
    result = check_returns(review)
    new.mkdir(parents=True, exist_ok=True)
    for sub in (INBOX, OUTBOX, OUTPUT):
        (new / sub).mkdir(exist_ok=True)
    (new / SETTINGS_FILE).write_text(
        next_settings(review, (last / SETTINGS_FILE).read_text(encoding="utf-8")), encoding="utf-8"
    )
    shutil.copyfile(last / CRITERIA_FILE, new / CRITERIA_FILE)
    _write_actions(review, result, new / ACTIONS_FILE)
    _write_accreditation(result, new / ACCREDITATION_FILE)
    load_review(new)  # what we wrote must be a valid review
    _carry_history(result, new)
    return new


def _carry_history(result: Any, new: Path) -> None:
    """The new folder's ledger starts with every earlier review's records and
    this one's, as its returns stand now."""
    from .consolidate import consolidate
    from .history import records_of
    from .ledger import LEDGER_FILE, Ledger

    review = result.review
    _, content = consolidate(result)
    records = records_of(content.rows, {c.name: c.code for c in review.clusters})
    with Ledger(new) as ledger, ledger.transaction():
        last = Ledger(review.folder, read_only=True) if (review.folder / LEDGER_FILE).is_file() else None
        try:
            ledger.carry_history(
                last, review.review_id, review.year, review.partnership, review.title, records, str(review.folder)
            )
        finally:
            if last is not None:
                last.close()


def next_settings(review: Review, text: str) -> str:
    """review.yaml a year on, its comments kept: year, dates, earlier years, rotation."""
    year = review.year
    lines = []
    for line in text.splitlines():
        if re.match(r"^year:\s*\d{4}", line):
            line = re.sub(r"\d{4}", str(year + 1), line, count=1)
        elif line.startswith("earlier_years:"):
            line = re.sub(
                r"\[.*?\]", "[" + ", ".join(str(y) for y in (*review.earlier_years, year)) + "]", line, count=1
            )
        elif line.startswith("in_depth_this_year:"):
            line = re.sub(r"\[.*?\]", "[" + ", ".join(_next_in_depth(review)) + "]", line, count=1)
        elif (match := DATE_LINE.match(line)) is not None:
            when = dt.date(int(match.group(2)), int(match.group(3)), int(match.group(4)))
            line = f"{match.group(1)}{years_on(when, 1):%Y-%m-%d}{match.group(5)}"
        else:
            for name in review.in_depth_this_year:
                if re.match(rf"^\s+{re.escape(name)}:\s*\d{{4}}", line):
                    line = re.sub(r"\d{4}", str(year), line, count=1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _next_in_depth(review: Review) -> list[str]:
    """The criteria longest without an in-depth review, as many as this year's."""
    last = {name: review.last_in_depth.get(name, 0) for name in review.criterion_names()}
    for name in review.in_depth_this_year:
        last[name] = review.year
    count = max(1, len(review.in_depth_this_year))
    return sorted(last, key=lambda n: (last[n], review.criterion_names().index(n)))[:count]


def _write_actions(review: Review, result: Any, path: Path) -> None:
    years = (*review.earlier_years, review.year)
    returned: dict[str, dict[str, Any]] = {}
    added: list[tuple[str, dict[str, Any]]] = []
    for ret in result.merged():
        if not ret.cluster:
            continue
        for row in ret.rows.get(ret.sent.spec.main_table().key, []):
            if row.new:
                added.append((ret.cluster, row.values))
            else:
                returned[row.id] = row.values
    # Every ID ever used, retired ones included, so none is given out twice.
    every, _ = read_table(review.folder / ACTIONS_FILE, ["id"])
    taken = {r["id"] for r in every}
    header = ["id", "cluster", "issue", "outcome", "action", "partners", "lead_partner", "nrf"]
    header += [f"progress_{y}" for y in years] + [f"score_{y}" for y in years]
    rows = []
    for action in review.actions:
        if action.retired:
            continue
        values = returned.get(action.id, {})
        row = {k: getattr(action, k) for k in header[:8]}
        row["nrf"] = "Yes" if action.nrf else "No"
        for y in review.earlier_years:
            row[f"progress_{y}"] = action.progress_in(y)
            row[f"score_{y}"] = action.score_in(y) or ""
        row[f"progress_{review.year}"] = as_text(values.get("progress"))
        row[f"score_{review.year}"] = _agreed(values)
        rows.append(row)
    for cluster, values in added:
        ident = _next_id(cluster, taken)
        taken.add(ident)
        row = {
            "id": ident,
            "cluster": cluster,
            **{k: as_text(values.get(k)) for k in ("issue", "outcome", "action", "partners", "lead_partner")},
        }
        row["nrf"] = "Yes" if values.get("nrf") else "No"
        row[f"progress_{review.year}"] = as_text(values.get("progress"))
        row[f"score_{review.year}"] = _agreed(values)
        rows.append(row)
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)


def _agreed(values: dict[str, Any]) -> Any:
    agreed = values.get("agreed_score")
    return agreed if agreed is not None else ""


def _next_id(cluster: str, taken: set[str]) -> str:
    numbers = [int(m.group(1)) for ident in taken if (m := re.fullmatch(rf"{re.escape(cluster)}-(\d+)", ident))]
    n = max(numbers, default=0) + 1
    while f"{cluster}-{n:02d}" in taken:
        n += 1
    return f"{cluster}-{n:02d}"


def _write_accreditation(result: Any, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["ref", "criterion", "area", "action", "due"])
        for n, row in enumerate(partnership_actions(result), start=1):
            criterion = re.sub(r"^\d+\.\s*", "", row["criterion_title"])
            if criterion == "Added in the return":
                continue
            writer.writerow(
                [f"P{n:02d}", criterion, row["origin"], as_text(row["action"]), as_text(row["due"]) or "To be agreed"]
            )
