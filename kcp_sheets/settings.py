"""The review folder: the officer's settings and master lists, checked.

A review folder holds review.yaml (settings), actions.csv (the master list of
actions), health_criteria.csv and accreditation_plan.csv. Everything is
checked before anything is generated, and every mistake is reported at once
with the file, the line or row, and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .bulk import building
from .problems import Problem, ProblemError, problem
from .textfile import LIMITS, Limits, expanded_nodes, read_text

SETTINGS_FILE = "review.yaml"
ACTIONS_FILE = "actions.csv"
CRITERIA_FILE = "health_criteria.csv"
ACCREDITATION_FILE = "accreditation_plan.csv"

SCALE_NAMES = ("achievement", "appropriateness", "health")
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
YES = {"yes", "y", "true", "1", "x", "nrf"}
NO = {"no", "n", "false", "0", ""}


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


class Action(NamedTuple):  # a national review holds 200,000: built in C, a tenth of a frozen dataclass's cost
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


@dataclass(frozen=True)
class Key:
    """One setting of review.yaml: what it holds and the comment that explains it."""

    help: str
    required: bool = True
    keys: dict[str, "Key"] | None = None  # a mapping with these keys
    items: dict[str, "Key"] | None = None  # a list of mappings with these keys


PERSON = {
    "name": Key("their name as it appears on the workbooks"),
    "email": Key("their e-mail address, for the drafts and reminders"),
    "title": Key("their job title", required=False),
    "phone": Key("their telephone number", required=False),
}
SCALE = Key("five labels, 5 (best) down to 1")
# review.yaml, every key it may hold: the sample file's comments are tested against it.
SCHEMA: dict[str, Key] = {
    "partnership": Key("the partnership's name, on every workbook"),
    "title": Key("the review's title, on every workbook"),
    "year": Key("the review year: in every file name and workbook"),
    "issued": Key("the date the workbooks go out (also their \"created\" date)"),
    "stage1_deadline": Key("co-ordinators' progress and scores are due"),
    "stage2_deadline": Key("agreed scores and the cluster review summary are due"),
    "plan_due": Key("the draft improvement action plan is due"),
    "steering_group_meeting": Key("the steering group meets on the plan", required=False),
    "earlier_years": Key("progress recorded in these years is shown read-only", required=False),
    "officer": Key("the partnership support officer: sends the workbooks, receives the returns", keys=PERSON),
    "protection_password": Key("the password that protects fixed text; empty lets co-ordinators unprotect a sheet", required=False),
    "max_return_mb": Key("larger returns are refused unread", required=False),
    "scales": Key("what each score from 5 to 1 means, for each scale", keys={name: SCALE for name in SCALE_NAMES}),
    "in_depth_this_year": Key("the criteria the steering group reviews in depth this year", required=False),
    "clusters": Key(
        "the thematic clusters, each with a code, a name, its champions and its co-ordinators",
        items={
            "code": Key("a short code of 2 to 6 letters or digits, used in IDs and file names"),
            "name": Key("the cluster's name"),
            "champions": Key("the cluster champions (steering-group members)", items=PERSON),
            "coordinators": Key("the cluster co-ordinators, who fill in the workbook", items=PERSON),
        },
    ),
    "last_in_depth": Key("the year each partnership-health criterion was last reviewed in depth", required=False),
}

Path_ = tuple[object, ...]  # a place in review.yaml: keys and list positions


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML in which an impossible date (2004-13-45) stays text, so it is
    reported with its line like any other bad date instead of stopping the read.
    Parsed by libyaml where PyYAML has it: a national review's settings list
    thousands of clusters."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> object:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class _Checker:
    """Collects problems for one file, naming the line of the offending setting."""

    def __init__(self, path: Path, lines: dict[Path_, int] | None = None) -> None:
        self.path = path
        self.lines = lines or {}
        self.problems: list[Problem] = []
        self.suggested: set[Path_] = set()  # settings an unknown key was probably meant to be

    def at(self, *place: object) -> str:
        """'line N' of the setting at `place`, or of the nearest setting that holds it."""
        while place:
            if place in self.lines:
                return f"line {self.lines[place]}"
            place = place[:-1]
        return ""

    def add(self, detail: str, fix: str, cell: str = "", row_id: str = "") -> None:
        self.problems.append(
            problem("settings-invalid", self.path.name, cell=cell, row_id=row_id, detail=detail, fix=fix)
        )

    def missing(self, *place: object) -> bool:
        """Whether a required setting is absent and no misspelt key already explains it."""
        return place not in self.suggested


def _node_lines(node: yaml.Node, check: _Checker, schema: dict[str, Key] | None, place: Path_ = (), items: dict[str, Key] | None = None) -> None:
    """Record the line of every setting, and report unknown and repeated keys."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            here = (*place, key)
            check.lines.setdefault(here, line)
            if key in seen:
                check.add(f"'{key}' is set twice (lines {seen[key]} and {line}); only one can count.", f"Keep one '{key}:' line.", f"line {line}")
            seen[key] = line
            known = schema.get(key) if schema is not None else None
            if schema is not None and known is None:
                close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
                if close:
                    check.suggested.add((*place, close[0]))
                    fix = f"Did you mean `{close[0]}`? Correct the name."
                else:
                    fix = f"Use one of: {', '.join(schema)}."
                check.add(f"'{key}' is not a setting {_of(place)}, so it would be ignored.", fix, f"line {line}")
                continue
            _node_lines(value_node, check, known.keys if known else None, here, known.items if known else None)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            check.lines.setdefault((*place, index), item.start_mark.line + 1)
            _node_lines(item, check, items, (*place, index))


def _of(place: Path_) -> str:
    names = [str(p) for p in place if isinstance(p, str)]
    return f"under {names[-1]}:" if names else f"of {SETTINGS_FILE}"


def load_review(folder: Path, limits: Limits = LIMITS) -> Review:
    """Read and check a review folder; raise ProblemError listing every mistake."""
    with building():
        return _load_review(Path(folder), limits)


def _load_review(folder: Path, limits: Limits) -> Review:
    settings_path = folder / SETTINGS_FILE
    if not folder.is_dir():
        raise ProblemError([problem("settings-missing", str(folder), what=f"The review folder {folder}")])
    text = read_text(settings_path, limits.yaml_bytes)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()  # parsed once: the nodes give lines, then the values
            if root is not None and expanded_nodes(root, limits.yaml_nodes) > limits.yaml_nodes:
                raise ProblemError([problem("settings-invalid", SETTINGS_FILE, detail=f"Its YAML aliases (*name) expand to more than {limits.yaml_nodes:,} values, far more than any review has.",
                                            fix="Write each setting out in full: a review's settings need no anchors (&name) or aliases (*name).")])
            data = (loader.construct_document(root) if root is not None else None) or {}
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        cell = f"line {mark.line + 1}" if mark else ""
        raise ProblemError(
            [problem("settings-unreadable", SETTINGS_FILE, cell=cell, detail=str(getattr(exc, "problem", None) or exc))]
        ) from None
    if not isinstance(data, dict):
        raise ProblemError([problem("settings-unreadable", SETTINGS_FILE, cell="line 1", detail="it is not a list of 'name: value' settings")])

    check = _Checker(settings_path)
    if root is not None:
        _node_lines(root, check, SCHEMA)
    review_fields = _settings(data, check)
    clusters = _clusters(data.get("clusters"), check)
    codes = {c.code for c in clusters}
    earlier = review_fields["earlier_years"]
    actions, action_problems = _actions(folder / ACTIONS_FILE, codes, earlier, limits)
    criteria, criteria_problems = _criteria(folder / CRITERIA_FILE, limits)
    names = list(dict.fromkeys(s.criterion for s in criteria))
    accreditation, accreditation_problems = _accreditation(folder / ACCREDITATION_FILE, set(names), limits)
    for index, name in enumerate(review_fields["in_depth_this_year"]):
        if names and name not in names:
            check.add(f"'{name}' in in_depth_this_year is not a criterion of {CRITERIA_FILE}.", f"Use one of: {', '.join(names)}.", check.at("in_depth_this_year", index))
    for name in review_fields["last_in_depth"]:
        if names and name not in names:
            check.add(f"'{name}' in last_in_depth is not a criterion of {CRITERIA_FILE}.", f"Use one of: {', '.join(names)}.", check.at("last_in_depth", name))
    problems = check.problems + action_problems + criteria_problems + accreditation_problems
    for code in sorted(codes - {a.cluster for a in actions}):
        if not action_problems:
            problems.append(
                problem("settings-invalid", ACTIONS_FILE, detail=f"Cluster {code} has no actions.", fix=f"Add the {code} actions to {ACTIONS_FILE}, or remove the cluster from {SETTINGS_FILE}.")
            )
    if problems:
        raise ProblemError(sorted(problems, key=_by_file_and_line))
    return Review(
        folder=folder,
        clusters=tuple(clusters),
        actions=tuple(actions),
        criteria=tuple(criteria),
        accreditation=tuple(accreditation),
        **review_fields,
    )


def _by_file_and_line(p: Problem) -> tuple[int, str, int]:
    order = [SETTINGS_FILE, ACTIONS_FILE, CRITERIA_FILE, ACCREDITATION_FILE]
    number = int(p.cell.split()[-1]) if p.cell[-1:].isdigit() else 0
    return (order.index(p.file) if p.file in order else len(order), p.file, number)


def _settings(data: dict[str, Any], check: _Checker) -> dict[str, Any]:
    def text(key: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None or str(value).strip() == "":
            if required and check.missing(key):
                check.add(f"'{key}' is missing or empty.", f"Add a line '{key}: ...' ({SCHEMA[key].help}).", check.at(key))
            return ""
        return str(value).strip()

    def date(key: str, required: bool = True) -> dt.date | None:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None and (not required or not check.missing(key)):
            return None
        if value is None:
            check.add(f"'{key}' is missing: the date {SCHEMA[key].help}.", f"Add a line '{key}: 2004-04-16' (year-month-day).", check.at(key))
        else:
            check.add(f"'{key}' must be a date written year-month-day, not '{value}'.", f"Write it like {key}: 2004-04-16.", check.at(key))
        return None

    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        if year is None and check.missing("year"):
            check.add(f"'year' is missing: {SCHEMA['year'].help}.", "Add a line 'year: 2004'.", check.at("year"))
        elif year is not None:
            check.add(f"'year' must be a year such as 2004, not '{year}'.", "Write it like year: 2004.", check.at("year"))
        year = 0
    earlier = data.get("earlier_years") or []
    if not isinstance(earlier, list) or not all(isinstance(y, int) and y < (year or 9999) for y in earlier):
        check.add("'earlier_years' must be a list of years before the review year.", "Write it like earlier_years: [2003].", check.at("earlier_years"))
        earlier = []
    issued, s1, s2, due = date("issued"), date("stage1_deadline"), date("stage2_deadline"), date("plan_due")
    if issued and s1 and s2 and due and not issued <= s1 <= s2 <= due:
        check.add("The dates must run issued, stage1_deadline, stage2_deadline, plan_due in that order.", "Correct the dates.", check.at("stage1_deadline"))
    officer = data.get("officer")
    if not isinstance(officer, dict):
        if officer is not None:
            check.add("'officer' must give the officer's name and email on indented lines.", "Write officer: then lines '  name: ...' and '  email: ...'.", check.at("officer"))
        officer = {}
    person = Person(str(officer.get("name") or "").strip(), str(officer.get("email") or "").strip(), str(officer.get("title") or "").strip(), str(officer.get("phone") or "").strip())
    if not person.name and check.missing("officer", "name"):
        check.add("The officer's name is missing.", "Add officer: name: ... to review.yaml.", check.at("officer", "name"))
    if not EMAIL.match(person.email) and (person.email or check.missing("officer", "email")):
        check.add(f"The officer's e-mail address '{person.email}' is not valid.", "Write a full address such as name@council.gov.uk.", check.at("officer", "email"))
    scales = _scales(data.get("scales"), check)
    try:
        max_mb = float(data.get("max_return_mb", 20))
        if max_mb <= 0:
            raise ValueError
    except (TypeError, ValueError):
        check.add("'max_return_mb' must be a number of megabytes above 0.", "Write it like max_return_mb: 20.", check.at("max_return_mb"))
        max_mb = 20.0
    in_depth = data.get("in_depth_this_year") or []
    last = data.get("last_in_depth") or {}
    if not isinstance(in_depth, list):
        check.add("'in_depth_this_year' must be a list of criteria.", "Write it like in_depth_this_year: [Strategic, Inclusive].", check.at("in_depth_this_year"))
        in_depth = []
    if not isinstance(last, dict) or not all(isinstance(v, int) for v in last.values()):
        check.add("'last_in_depth' must give a year for each criterion.", "Write it like   Strategic: 2003", check.at("last_in_depth"))
        last = {}
    return {
        "partnership": text("partnership"),
        "title": text("title"),
        "year": year,
        "issued": issued,
        "stage1_deadline": s1,
        "stage2_deadline": s2,
        "plan_due": due,
        "steering_group_meeting": date("steering_group_meeting", required=False),
        "earlier_years": tuple(earlier),
        "officer": person,
        "protection_password": str(data.get("protection_password") or ""),
        "max_return_mb": max_mb,
        "scales": scales,
        "in_depth_this_year": tuple(str(c) for c in in_depth),
        "last_in_depth": {str(k): v for k, v in last.items()},
    }


def _scales(raw: Any, check: _Checker) -> dict[str, dict[int, str]]:
    scales: dict[str, dict[int, str]] = {}
    raw = raw if isinstance(raw, dict) else {}
    for name in SCALE_NAMES:
        labels = raw.get(name)
        if not isinstance(labels, dict) or sorted(labels, key=str) != [1, 2, 3, 4, 5] or not all(str(v).strip() for v in labels.values()):
            if labels is not None or check.missing("scales", name):
                check.add(f"The '{name}' scale must give a label for each score 5 to 1.", f"Under scales: {name}: write five lines 5: Achieved ... 1: Not achieved.", check.at("scales", name))
            labels = {n: str(n) for n in range(1, 6)}
        scales[name] = {int(k): str(v).strip() for k, v in sorted(labels.items(), reverse=True)}
    return scales


def _people(raw: Any, role: str, key: str, cluster: str, check: _Checker, index: int) -> tuple[Person, ...]:
    people = []
    if raw is not None and not isinstance(raw, list):
        check.add(f"The {key} of cluster {cluster} must be a list, one person a line.", f"Write each as '      - {{name: ..., email: ...}}' under {key}:.", check.at("clusters", index, key))
        return ()
    for n, entry in enumerate(raw or []):
        entry = entry if isinstance(entry, dict) else {}
        name, email = str(entry.get("name") or "").strip(), str(entry.get("email") or "").strip()
        at = check.at("clusters", index, key, n)
        if not name:
            check.add(f"A {role} of cluster {cluster} has no name.", "Give every person a name and an e-mail address.", at)
        if not EMAIL.match(email):
            check.add(f"The e-mail address '{email}' of {name or 'a ' + role} ({cluster}) is not valid.", "Write a full address such as name@example.org.", check.at("clusters", index, key, n, "email"))
        people.append(Person(name, email))
    return tuple(people)


def _clusters(raw: Any, check: _Checker) -> list[Cluster]:
    if not isinstance(raw, list) or not raw:
        if raw is not None or check.missing("clusters"):
            check.add("There are no clusters.", "List the clusters under clusters: with code, name, champions and coordinators.", check.at("clusters"))
        return []
    clusters: list[Cluster] = []
    codes: set[str] = set()
    names: set[str] = set()
    for index, entry in enumerate(raw):
        entry = entry if isinstance(entry, dict) else {}
        code, name = str(entry.get("code") or "").strip().upper(), str(entry.get("name") or "").strip()
        at = check.at("clusters", index, "code")
        if not CODE.match(code):
            check.add(f"The cluster code '{code}' must be 2 to 6 letters or digits.", "Use a short code such as ET.", at)
        if not name:
            check.add(f"Cluster {code} has no name.", "Add name: under the cluster.", at)
        if code in codes:
            check.add(f"The cluster code {code} is used twice.", "Give every cluster its own code.", at)
        if name and name.lower() in names:
            check.add(f"The cluster name '{name}' is used twice.", "Give every cluster its own name.", at)
        codes.add(code)
        names.add(name.lower())
        champions = _people(entry.get("champions"), "champion", "champions", code, check, index)
        coordinators = _people(entry.get("coordinators"), "co-ordinator", "coordinators", code, check, index)
        if not coordinators and check.missing("clusters", index, "coordinators"):
            check.add(f"Cluster {code} has no co-ordinator: nobody would be sent its workbook.", "Add at least one co-ordinator with a name and e-mail under coordinators:.", at)
        if not champions and check.missing("clusters", index, "champions"):
            check.add(f"Cluster {code} has no champion: its workbook would name nobody to agree the scores with.", "Add at least one champion with a name and e-mail under champions:.", at)
        clusters.append(Cluster(code, name, champions, coordinators))
    return clusters


def read_table(path: Path, required: list[str], limits: Limits = LIMITS) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows of a CSV list as dicts; problems name the row as a spreadsheet would."""
    rows, problems = table_rows(path, required, limits)
    return list(rows), problems


def table_rows(path: Path, required: list[str], limits: Limits = LIMITS) -> tuple[Iterator[dict[str, str]], list[Problem]]:
    """read_table's rows one at a time: a national list of 200,000 actions
    need never be held as dicts all at once. A CSV mistake (a quote left open,
    a field longer than a cell can hold, more rows than any review) stops the
    rows where it is, as a problem naming its line, added to the problems
    returned."""
    try:
        text = read_text(path, limits.csv_bytes)
    except ProblemError as exc:
        return iter(()), exc.problems
    csv.field_size_limit(max(csv.field_size_limit(), limits.field + 1))  # our own check below says which line
    reader = csv.reader(_lines(text), strict=True)
    problems: list[Problem] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        return iter(()), [_csv_mistake(path, 1, reader.line_num, exc, limits)]
    missing = [c for c in required if c not in header]
    if missing:
        return iter(()), [problem("settings-invalid", path.name, cell="row 1", detail=f"The column(s) {', '.join(missing)} are missing from the header row.", fix=f"The first row must name the columns: {', '.join(required)}.")]
    named = [(i, h) for i, h in enumerate(header) if h]  # a column without a header is not read; a short row is blank to its end
    every = [h for _, h in named] if len(named) == len(header) else None  # every column named: the usual case, in C

    def rows() -> Iterator[dict[str, str]]:
        count, last = 0, reader.line_num  # the line the row before ended on
        try:
            for values in reader:
                if any(len(v) > limits.field for v in values):
                    raise csv.Error("field larger than field limit")
                width = len(values)
                if every is not None and width == len(every):
                    cleaned = dict(zip(every, map(str.strip, values)))
                else:
                    cleaned = {h: values[i].strip() if i < width else "" for i, h in named}
                if any(cleaned.values()):
                    count += 1
                    if count > limits.rows:
                        problems.append(problem("settings-invalid", path.name, cell=f"row {reader.line_num}", detail=f"{path.name} has more than {limits.rows:,} rows, more than any review; the rest was not read.", fix="Check it is the right file; a list this long is usually another file saved under this name."))
                        return
                    cleaned["_row"] = str(reader.line_num)
                    yield cleaned
                last = reader.line_num
        except csv.Error as exc:
            problems.append(_csv_mistake(path, last + 1, reader.line_num, exc, limits))

    return rows(), problems


def _csv_mistake(path: Path, start: int, end: int, exc: csv.Error, limits: Limits) -> Problem:
    """A CSV syntax mistake in the officer's words, at the line where its row starts."""
    text = str(exc)
    if "field limit" in text:
        detail = f"A value on line {start} runs on for more than {limits.field:,} characters (what a spreadsheet cell holds): most often a quote (\") opened and never closed, which takes in the lines after it."
    elif end > start or "end of data" in text:
        detail = f"A quote (\") opened on line {start} is not closed where its value ends, so lines {start} to {end} are read as one value."
    else:
        detail = f"Line {start} is not valid CSV ({text}): a quote (\") in the middle of a value must be doubled, or the whole value put in quotes."
    return problem("settings-invalid", path.name, cell=f"row {start}", detail=detail, fix="Open the file in Excel or a text editor, correct the quotes on that line, and save it as CSV.")


def _lines(text: str) -> Iterator[str]:
    """The lines of a text as a file gives them (split at newlines, ends kept),
    without a second copy of a list that may hold 200,000 actions."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def _unique_ids(rows: list[dict[str, str]], key: str, path: Path, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        _unique_id(row, key, seen, path, problems)


def _unique_id(row: dict[str, str], key: str, seen: dict[str, str], path: Path, problems: list[Problem]) -> None:
    """A row with no ID, or one an earlier row (in `seen`, with its line) has, is a problem."""
    ident = row[key]
    if not ident:
        problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", detail=f"The row has no {key}.", fix=f"Give every row a {key}."))
    elif ident in seen:
        problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", row_id=ident, detail=f"The {key} {ident} is used twice (rows {seen[ident]} and {row['_row']}).", fix=f"Give every row its own {key}; IDs must stay the same from year to year."))
    else:
        seen[ident] = row["_row"]


def _actions(path: Path, codes: set[str], earlier: tuple[int, ...], limits: Limits) -> tuple[list[Action], list[Problem]]:
    columns = ["id", "cluster", "issue", "outcome", "action", "partners", "lead_partner", "nrf"]
    rows, problems = table_rows(path, columns + [f"progress_{y}" for y in earlier], limits)
    seen: dict[str, str] = {}
    actions = []
    yes_or_no = YES | NO
    score_keys = [(year, f"score_{year}") for year in earlier]
    progress_keys = [(year, f"progress_{year}") for year in earlier]
    # One string for each text the list repeats (a cluster's code, its issues
    # and outcomes, the same partners down many rows), not one per row.
    shared: dict[str, str] = {code: code for code in codes}
    share = shared.setdefault
    for row in rows:  # each row let go once it is an Action
        _unique_id(row, "id", seen, path, problems)
        scores = []
        for year, key in score_keys:
            typed = row.get(key, "")
            if typed and typed not in {"1", "2", "3", "4", "5"}:
                problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", row_id=row["id"], detail=f"score_{year} must be a score from 5 to 1 or empty, not '{typed}'.", fix="Write a whole number from 1 to 5, or leave it empty."))
            elif typed:
                scores.append((year, int(typed)))
        typed_code = row["cluster"]
        code = typed_code.upper()  # 'et' is ET
        if code not in codes:
            problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", row_id=row["id"], detail=f"Action {row['id']} is for cluster '{typed_code}', which is not in {SETTINGS_FILE}.", fix=f"Use one of the cluster codes: {', '.join(sorted(codes))}."))
        if not row["action"] and not row["outcome"]:
            problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", row_id=row["id"], detail=f"Action {row['id']} has neither an outcome nor an action.", fix="Fill in the outcome or the action required."))
        nrf = row["nrf"].lower()
        if nrf not in yes_or_no:
            problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", row_id=row["id"], detail=f"nrf must be Yes or No, not '{row['nrf']}'.", fix="Write Yes or No."))
        actions.append(
            Action(
                id=row["id"], cluster=share(code, code), issue=share(row["issue"], row["issue"]), outcome=share(row["outcome"], row["outcome"]), action=row["action"],
                partners=share(row["partners"], row["partners"]), lead_partner=share(row["lead_partner"], row["lead_partner"]), nrf=nrf in YES,
                earlier=tuple([(year, row.get(key, "")) for year, key in progress_keys]),
                scores=tuple(scores),
                retired=row.get("retired", "").lower() in YES,
            )
        )
    return actions, problems


def _criteria(path: Path, limits: Limits) -> tuple[list[SubCriterion], list[Problem]]:
    rows, problems = read_table(path, ["ref", "criterion", "title", "standard"], limits)
    _unique_ids(rows, "ref", path, problems)
    if not rows and not problems:
        problems.append(problem("settings-invalid", path.name, detail="There are no sub-criteria.", fix="List each sub-criterion with ref, criterion, title and standard."))
    return [SubCriterion(r["ref"], r["criterion"], r["title"], r["standard"]) for r in rows], problems


def _accreditation(path: Path, criteria: set[str], limits: Limits) -> tuple[list[AccreditationAction], list[Problem]]:
    rows, problems = read_table(path, ["ref", "criterion", "area", "action", "due"], limits)
    _unique_ids(rows, "ref", path, problems)
    for row in rows:
        if criteria and row["criterion"] not in criteria:
            problems.append(problem("settings-invalid", path.name, cell=f"row {row['_row']}", row_id=row["ref"], detail=f"'{row['criterion']}' is not a criterion of {CRITERIA_FILE}.", fix=f"Use one of: {', '.join(sorted(criteria))}."))
    return [AccreditationAction(r["ref"], r["criterion"], r["area"], r["action"], r["due"]) for r in rows], problems
