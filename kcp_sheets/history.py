"""The review's records, year after year: what each consolidation found, kept
in the ledger, carried into next year's folder by `init --from`, shown in the
plan as each cluster's score profile over the last three reviews, and given to
analysts as tables.

Three kinds of record, one row each:

- ``actions``: per target or action per review (cluster, texts, scores, flags);
- ``health``: per partnership-health sub-criterion per review;
- ``improvements``: per action for improvement per review (part 1, delivery,
  and part 2, partnership working).

``frames(folder)`` gives them as pandas DataFrames, ``export_csv(folder, to)``
as CSV files (UTF-8 with a byte-order mark, so Excel opens them as they are;
text that a spreadsheet would run as a formula starts with an apostrophe).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ledger import LEDGER_FILE, Ledger

if TYPE_CHECKING:
    import pandas

KINDS = ("actions", "health", "improvements")
ACTION_KEYS = (
    "cluster",
    "id",
    "issue",
    "outcome",
    "action",
    "lead_partner",
    "nrf",
    "progress",
    "coordinator_score",
    "agreed_score",
    "appropriateness",
    "why_not_met",
    "case_study",
    "equalities_made",
    "equalities_more",
    "sustainability",
    "mainstream",
    "new",
    "added",
    "notes",
    "source",
)  # added: what was typed in columns a cluster added; notes: words typed with a score
HEALTH_KEYS = ("criterion", "id", "title", "score", "evidence", "progress", "action", "key_contact", "due")
IMPROVEMENT_KEYS = (
    "part",
    "cluster",
    "id",
    "action",
    "due",
    "key_contact",
    "support_needed",
    "support_how",
    "situation",
    "origin",
)
HISTORY_YEARS = 3  # the plan shows the last three reviews


def records_of(
    rows: dict[str, list[dict[str, Any]]], cluster_codes: dict[str, str]
) -> dict[str, Iterable[dict[str, Any]]]:
    """The records of one consolidation, from the plan's rows (before any redaction),
    made one by one as the ledger writes them (docs/performance.md)."""
    actions = ({k: r.get(k) for k in ACTION_KEYS} for r in rows.get("all_actions", []))
    health = ({**{k: r.get(k) for k in HEALTH_KEYS}, "score": r.get("score_value")} for r in rows.get("health", []))
    delivery = (
        {
            **{k: r.get(k) for k in IMPROVEMENT_KEYS},
            "part": "delivery",
            "cluster": cluster_codes.get(str(r.get("cluster_name")), ""),
        }
        for r in rows.get("part1", [])
        if r.get("id")  # a cluster's "no action, because..." line is no record
    )
    partnership = (
        {**{k: r.get(k) for k in IMPROVEMENT_KEYS}, "part": "partnership", "key_contact": r.get("lead"), "cluster": ""}
        for r in rows.get("part2", [])
    )
    return {"actions": actions, "health": health, "improvements": itertools.chain(delivery, partnership)}


def history_words(reviews: int) -> dict[str, str]:
    """The History sheet's title in the steering group's words, true to how many reviews it shows."""
    if reviews <= 1:
        return {
            "history_title": "Scores in this review",
            "history_more": "",
        }  # the subtitle fills its printed line already
    return {
        "history_title": f"Scores over the last {('two', 'three')[min(reviews, 3) - 2]} reviews",
        "history_more": "",
    }


def final_score(record: dict[str, Any]) -> Any:
    agreed = record.get("agreed_score")
    return agreed if agreed is not None else record.get("coordinator_score")


def earlier_actions(ledger: Ledger, year: int) -> dict[int, list[dict[str, Any]]]:
    """The action records of reviews before `year`, by year, the most recent HISTORY_YEARS - 1 of them."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    for r in ledger.records("actions", before=year):
        if r["year"] < year:
            by_year.setdefault(r["year"], []).append(r)
    keep = sorted(by_year)[-(HISTORY_YEARS - 1) :] if HISTORY_YEARS > 1 else []
    return {y: by_year[y] for y in keep}


def score_profiles(
    clusters: list[tuple[str, str]], year: int, now: list[dict[str, Any]], earlier: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Per cluster, per review (oldest first): how many targets and actions scored 5 to 1, and unscored."""
    by_cluster: dict[tuple[int, Any], list[Any]] = {}  # (year, cluster): scores, in one pass
    for when, records in (*sorted(earlier.items()), (year, now)):
        for r in records:
            by_cluster.setdefault((when, r.get("cluster")), []).append(final_score(r))
    rows = []
    for code, name in clusters:
        for when, _ in (*sorted(earlier.items()), (year, now)):
            scores = by_cluster.get((when, code), [])
            if not scores and when != year:
                continue
            row: dict[str, Any] = {"cluster": f"{name} {when}", "cluster_name": name, "year": when}
            for n in range(5, 0, -1):
                row[f"s{n}"] = scores.count(n)  # counted in C: 2,500 clusters' scores, each seen six times
            row["unscored"] = scores.count(None)
            rows.append(row)
    return rows


def frames(folder: Path) -> dict[str, pandas.DataFrame]:
    """Every review's records in the folder's ledger, as one DataFrame per kind."""
    import pandas

    with Ledger(folder, read_only=True) as ledger:
        return {kind: pandas.DataFrame.from_records(ledger.records(kind), columns=_columns(kind)) for kind in KINDS}


def _columns(kind: str) -> list[str]:
    keys = {"actions": ACTION_KEYS, "health": HEALTH_KEYS, "improvements": IMPROVEMENT_KEYS}[kind]
    return ["review", "year", *keys]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Typed text is data: text a spreadsheet would take for a formula gets a
    leading apostrophe, as Excel itself shows such text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def has_records(folder: Path) -> bool:
    """Whether the folder's ledger holds any review's records (consolidate
    writes them), without making a ledger where there is none."""
    if not (folder / LEDGER_FILE).is_file():
        return False
    with Ledger(folder, read_only=True) as ledger:
        return ledger.has_records()


def export_csv(folder: Path, out_dir: Path) -> list[Path]:
    """The records as CSV files, one per kind, written whole or not at all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with Ledger(folder, read_only=True) as ledger:
        for kind in KINDS:
            path = out_dir / f"records - {kind}.csv"
            tmp = path.with_name(f".{path.name}.tmp")
            with tmp.open("w", newline="", encoding="utf-8-sig") as f:
                writer = csv.DictWriter(f, fieldnames=_columns(kind), extrasaction="ignore")
                writer.writeheader()
                writer.writerows({k: _cell(v) for k, v in r.items()} for r in ledger.each_record(kind))  # one at a time
            tmp.replace(path)
            written.append(path)
    return written
