"""review.yaml, every key it may hold: what it means, whether it is
required, and how its value is checked. Checking the settings is a loop
over this schema; what is required is said here and nowhere else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..spec import SCALES as SCALE_NAMES  # the scales the workbooks score on
from .checker import Checker
from .model import Cluster, Person

EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[A-Za-z]{2,}$")
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")

Reader = Callable[
    [Any, str, "Key", Checker, dict[str, Any]], Any
]  # (value, key, its Key, checker, the settings read before it)


@dataclass(frozen=True)
class Key:
    """One setting of review.yaml: the comment that explains it, and how it is read."""

    help: str
    read: Reader | None = None  # checks the value and gives it its type; None: read by the setting that holds it
    required: bool = True
    default: Any = None  # the value when the key is absent
    keys: dict[str, Key] | None = None  # a mapping with these keys
    items: dict[str, Key] | None = None  # a list of mappings with these keys


def text(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> str:
    if value is None or str(value).strip() == "":
        if spec.required and check.missing(key):
            check.add(f"'{key}' is missing or empty.", f"Add a line '{key}: ...' ({spec.help}).", check.at(key))
        return ""
    return str(value).strip()


def date(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None and (not spec.required or not check.missing(key)):
        return None
    if value is None:
        check.add(
            f"'{key}' is missing: the date {spec.help}.",
            f"Add a line '{key}: 2004-04-16' (year-month-day).",
            check.at(key),
        )
    elif _no_such_day(value):
        check.add(
            f"'{key}' is written year-month-day, but {value} is no day on the calendar.",
            "Correct the day or the month.",
            check.at(key),
        )
    else:
        check.add(
            f"'{key}' must be a date written year-month-day, not '{value}'.",
            f"Write it like {key}: 2004-04-16.",
            check.at(key),
        )
    return None


def _no_such_day(value: Any) -> bool:
    """Written as a date ("2005-04-31") but not one: YAML then gives the text."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return False
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        return True
    return False


def year(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100:
        return value
    if value is None and spec.required and check.missing(key):
        check.add(f"'{key}' is missing: {spec.help}.", f"Add a line '{key}: 2004'.", check.at(key))
    elif value is not None:
        check.add(f"'{key}' must be a year such as 2004, not '{value}'.", f"Write it like {key}: 2004.", check.at(key))
    return 0


def earlier_years(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> tuple[int, ...]:
    years = value or []
    if not isinstance(years, list) or not all(isinstance(y, int) and y < (fields["year"] or 9999) for y in years):
        check.add(
            f"'{key}' must be a list of years before the review year.", f"Write it like {key}: [2003].", check.at(key)
        )
        return ()
    return tuple(years)


def officer(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> Person:
    if not isinstance(value, dict):
        if value is not None:
            check.add(
                f"'{key}' must give the officer's name and email on indented lines.",
                f"Write {key}: then lines '  name: ...' and '  email: ...'.",
                check.at(key),
            )
        value = {}
    person = Person(*(str(value.get(name) or "").strip() for name in ("name", "email", "title", "phone")))
    required = {name for name, part in (spec.keys or {}).items() if part.required}
    if not person.name and "name" in required and check.missing(key, "name"):
        check.add("The officer's name is missing.", f"Add {key}: name: ... to review.yaml.", check.at(key, "name"))
    if not EMAIL.match(person.email) and (person.email or ("email" in required and check.missing(key, "email"))):
        check.add(
            f"The officer's e-mail address '{person.email}' is not valid.",
            "Write a full address such as name@council.gov.uk.",
            check.at(key, "email"),
        )
    return person


def password(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> str:
    return str(value or "")


def megabytes(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> float:
    try:
        size = float(value)
        if size <= 0:
            raise ValueError
    except (TypeError, ValueError):
        check.add(
            f"'{key}' must be a number of megabytes above 0.", f"Write it like {key}: {spec.default}.", check.at(key)
        )
        return float(spec.default)
    return size


def scales(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> dict[str, dict[int, str]]:
    read: dict[str, dict[int, str]] = {}
    value = value if isinstance(value, dict) else {}
    for name in SCALE_NAMES:
        labels = value.get(name)
        if (
            not isinstance(labels, dict)
            or sorted(labels, key=str) != [1, 2, 3, 4, 5]
            or not all(str(v).strip() for v in labels.values())
        ):
            if labels is not None or (spec.required and check.missing(key, name)):
                check.add(
                    f"The '{name}' scale must give a label for each score 5 to 1.",
                    f"Under {key}: {name}: write five lines 5: Achieved ... 1: Not achieved.",
                    check.at(key, name),
                )
            labels = {n: str(n) for n in range(1, 6)}
        read[name] = {int(k): str(v).strip() for k, v in sorted(labels.items(), reverse=True)}
    return read


def criteria_list(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> tuple[str, ...]:
    names = value or []
    if not isinstance(names, list):
        check.add(
            f"'{key}' must be a list of criteria.", f"Write it like {key}: [Strategic, Inclusive].", check.at(key)
        )
        return ()
    return tuple(str(c) for c in names)


def year_by_criterion(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> dict[str, int]:
    years = value or {}
    if not isinstance(years, dict) or not all(isinstance(v, int) for v in years.values()):
        check.add(f"'{key}' must give a year for each criterion.", "Write it like   Strategic: 2003", check.at(key))
        return {}
    return {str(k): v for k, v in years.items()}


def clusters(value: Any, key: str, spec: Key, check: Checker, fields: dict[str, Any]) -> tuple[Cluster, ...]:
    if not isinstance(value, list) or not value:
        if value is not None or (spec.required and check.missing(key)):
            check.add(
                "There are no clusters.",
                f"List the clusters under {key}: with code, name, champions and coordinators.",
                check.at(key),
            )
        return ()
    read: list[Cluster] = []
    codes: set[str] = set()
    names: set[str] = set()
    for index, entry in enumerate(value):
        entry = entry if isinstance(entry, dict) else {}
        code, name = str(entry.get("code") or "").strip().upper(), str(entry.get("name") or "").strip()
        at = check.at(key, index, "code")
        if not CODE.match(code):
            check.add(
                f"The cluster code '{code}' must be 2 to 6 letters or digits.", "Use a short code such as ET.", at
            )
        if not name:
            check.add(f"Cluster {code} has no name.", "Add name: under the cluster.", at)
        if code in codes:
            check.add(f"The cluster code {code} is used twice.", "Give every cluster its own code.", at)
        if name and name.lower() in names:
            check.add(f"The cluster name '{name}' is used twice.", "Give every cluster its own name.", at)
        codes.add(code)
        names.add(name.lower())
        champions = _people(entry.get("champions"), "champion", "champions", code, check, (key, index))
        coordinators = _people(entry.get("coordinators"), "co-ordinator", "coordinators", code, check, (key, index))
        if not coordinators and _required(spec, "coordinators") and check.missing(key, index, "coordinators"):
            check.add(
                f"Cluster {code} has no co-ordinator: nobody would be sent its workbook.",
                "Add at least one co-ordinator with a name and e-mail under coordinators:.",
                at,
            )
        if not champions and _required(spec, "champions") and check.missing(key, index, "champions"):
            check.add(
                f"Cluster {code} has no champion: its workbook would name nobody to agree the scores with.",
                "Add at least one champion with a name and e-mail under champions:.",
                at,
            )
        read.append(Cluster(code, name, champions, coordinators))
    return tuple(read)


def _required(spec: Key, part: str) -> bool:
    """Whether each item of the list `spec` must have `part`."""
    return bool(spec.items and spec.items[part].required)


def _people(
    raw: Any, role: str, key: str, cluster: str, check: Checker, place: tuple[object, ...]
) -> tuple[Person, ...]:
    if raw is not None and not isinstance(raw, list):
        check.add(
            f"The {key} of cluster {cluster} must be a list, one person a line.",
            f"Write each as '      - {{name: ..., email: ...}}' under {key}:.",
            check.at(*place, key),
        )
        return ()
    people = []
    for n, entry in enumerate(raw or []):
        entry = entry if isinstance(entry, dict) else {}
        name, email = str(entry.get("name") or "").strip(), str(entry.get("email") or "").strip()
        if not name:
            check.add(
                f"A {role} of cluster {cluster} has no name.",
                "Give every person a name and an e-mail address.",
                check.at(*place, key, n),
            )
        if not EMAIL.match(email):
            check.add(
                f"The e-mail address '{email}' of {name or 'a ' + role} ({cluster}) is not valid.",
                "Write a full address such as name@example.org.",
                check.at(*place, key, n, "email"),
            )
        people.append(Person(name, email))
    return tuple(people)


PERSON = {
    "name": Key("their name as it appears on the workbooks"),
    "email": Key("their e-mail address, for the drafts and reminders"),
    "title": Key("their job title", required=False),
    "phone": Key("their telephone number", required=False),
}
SCALE = Key("five labels, 5 (best) down to 1")
SCHEMA: dict[str, Key] = {
    "partnership": Key("the partnership's name, on every workbook", text),
    "title": Key("the review's title, on every workbook", text),
    "year": Key("the review year: in every file name and workbook", year),
    "issued": Key('the workbooks go out (also their "created" date)', date),
    "stage1_deadline": Key("co-ordinators' progress and scores are due", date),
    "stage2_deadline": Key("agreed scores and the cluster review summary are due", date),
    "plan_due": Key("the draft improvement action plan is due", date),
    "steering_group_meeting": Key("the steering group meets on the plan", date, required=False),
    "earlier_years": Key("progress recorded in these years is shown read-only", earlier_years, required=False),
    "officer": Key("the partnership support officer: sends the workbooks, receives the returns", officer, keys=PERSON),
    "protection_password": Key(
        "the password that protects fixed text; empty lets co-ordinators unprotect a sheet", password, required=False
    ),
    "max_return_mb": Key("larger returns are refused unread", megabytes, required=False, default=20),
    "scales": Key(
        "what each score from 5 to 1 means, for each scale", scales, keys={name: SCALE for name in SCALE_NAMES}
    ),
    "in_depth_this_year": Key(
        "the criteria the steering group reviews in depth this year", criteria_list, required=False
    ),
    "clusters": Key(
        "the thematic clusters, each with a code, a name, its champions and its co-ordinators",
        clusters,
        items={
            "code": Key("a short code of 2 to 6 letters or digits, used in IDs and file names"),
            "name": Key("the cluster's name"),
            "champions": Key("the cluster champions (steering-group members)", items=PERSON),
            "coordinators": Key("the cluster co-ordinators, who fill in the workbook", items=PERSON),
        },
    ),
    "last_in_depth": Key(
        "the year each partnership-health criterion was last reviewed in depth", year_by_criterion, required=False
    ),
}
DATES_IN_ORDER = ("issued", "stage1_deadline", "stage2_deadline", "plan_due")


def read_settings(data: dict[str, Any], check: Checker) -> dict[str, Any]:
    """Every setting of review.yaml checked and typed, as the Review's fields."""
    fields: dict[str, Any] = {}
    for key, spec in SCHEMA.items():
        assert spec.read is not None, key
        fields[key] = spec.read(data.get(key, spec.default), key, spec, check, fields)
    dates = [fields[key] for key in DATES_IN_ORDER]
    if all(dates) and dates != sorted(dates):
        check.add(
            "The dates must run issued, stage1_deadline, stage2_deadline, plan_due in that order.",
            "Correct the dates.",
            check.at("stage1_deadline"),
        )
    return fields
