"""What a checked review folder holds: the settings, the clusters and their
people, the master list of actions, the health criteria and last year's
accreditation plan."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from ..deadline import READ_SECONDS

SETTINGS_FILE = "review.yaml"
ACTIONS_FILE = "actions.csv"
CRITERIA_FILE = "health_criteria.csv"
ACCREDITATION_FILE = "accreditation_plan.csv"
FILES = (SETTINGS_FILE, ACTIONS_FILE, CRITERIA_FILE, ACCREDITATION_FILE)  # in the order their mistakes are listed


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    title: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Cluster:
    code: str
    name: str
    champions: tuple[Person, ...]
    coordinators: tuple[Person, ...]


class Action(
    NamedTuple
):  # a tuple, not a dataclass: built in C, the master list is the largest thing loaded (docs/performance.md)
    id: str
    cluster: str
    issue: str
    outcome: str
    action: str
    partners: str
    lead_partner: str
    nrf: bool
    earlier: tuple[tuple[int, str], ...] = ()  # progress recorded, by year
    scores: tuple[tuple[int, int], ...] = ()  # agreed score, by year
    retired: bool = False  # still reviewed this year, not carried into next year

    def progress_in(self, year: int) -> str:
        return dict(self.earlier).get(year, "")

    def score_in(self, year: int) -> int | None:
        return dict(self.scores).get(year)


@dataclass(frozen=True)
class SubCriterion:
    ref: str
    criterion: str
    title: str
    standard: str


@dataclass(frozen=True)
class AccreditationAction:
    ref: str
    criterion: str
    area: str
    action: str
    due: str


@dataclass(frozen=True)
class Review:
    """A checked review folder: everything the workbooks are made from."""

    folder: Path
    partnership: str
    title: str
    year: int
    issued: dt.date
    stage1_deadline: dt.date
    stage2_deadline: dt.date
    plan_due: dt.date
    steering_group_meeting: dt.date | None
    earlier_years: tuple[int, ...]
    officer: Person
    protection_password: str
    max_return_mb: float
    scales: dict[str, dict[int, str]]
    in_depth_this_year: tuple[str, ...]
    last_in_depth: dict[str, int]
    clusters: tuple[Cluster, ...]
    actions: tuple[Action, ...]
    criteria: tuple[SubCriterion, ...]
    accreditation: tuple[AccreditationAction, ...]
    templates: Path | None = None  # the workbook templates the workbooks are made from; None: those shipped
    read_seconds: float = READ_SECONDS  # the longest one file (a workbook, or the e-mail it came in) may take to read
    # What the settings were built from, as one digest, when a command keeps them ("" otherwise): what
    # else a command keeps from them is kept under it (kept.py).
    digest: str = field(default="", compare=False)

    def cluster(self, code: str) -> Cluster:
        return self._clusters_by_code[code]

    def actions_of(self, code: str) -> list[Action]:
        return list(self._actions_by_cluster.get(code, ()))

    @cached_property
    def _clusters_by_code(self) -> dict[str, Cluster]:
        return {c.code: c for c in self.clusters}

    @cached_property
    def _actions_by_cluster(self) -> dict[str, list[Action]]:
        grouped: dict[str, list[Action]] = {}
        for action in self.actions:
            grouped.setdefault(action.cluster, []).append(action)
        return grouped

    @cached_property
    def scored_years(self) -> tuple[int, ...]:
        """Earlier years for which some action has an agreed score (carried forward)."""
        return tuple(y for y in self.earlier_years if any(a.score_in(y) is not None for a in self.actions))

    def in_depth(self, criterion: str) -> tuple[int | str, str]:
        """When the criterion was last reviewed in depth, and when it is due (once in three years)."""
        last = self.last_in_depth.get(criterion)
        if criterion in self.in_depth_this_year:
            return self.year, "In depth this year"
        if last is None:
            return "never", "Due: never reviewed in depth"
        if self.year - last >= 3:
            return last, f"Overdue: last {last}"
        return last, f"Due by {last + 3}"

    def criterion_names(self) -> list[str]:
        return list(dict.fromkeys(s.criterion for s in self.criteria))

    @property
    def review_id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.partnership.lower()).strip("-")
        return f"{slug}-{self.year}"
