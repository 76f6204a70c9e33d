"""What people type, understood: scores, yes/no flags, choices and dates.

Each parser takes the raw cell and returns the value plus, when the cell
cannot be taken at its word, the problem code to report. Nothing here
throws away what was typed: text that is not understood is returned as
typed so it can still be shown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#ERROR"}
LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
YES = {"yes", "y", "x", "true", "1", "✓", "✔", "tick", "ticked"}
NO = {"no", "n", "false", "0", "-", "none"}
LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)(?:\s*(?:[-–—:=/).]|$|\s))")
UK_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    return value.__class__ is str and not value.strip()


def is_error(value: Any) -> bool:
    """A spreadsheet error value; text that merely starts like one is text."""
    return isinstance(value, str) and (value.strip() in ERRORS or bool(LIBREOFFICE_ERROR.match(value.strip())))


def as_text(value: Any) -> str:
    """A cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def same_text(a: Any, b: Any) -> bool:
    return " ".join(as_text(a).split()).casefold() == " ".join(as_text(b).split()).casefold()


def parse_score(value: Any, labels: dict[int, str]) -> tuple[int | None, str]:
    """4, 4.0, '4', '4 - Largely achieved', 'Largely achieved', ' four ' -> 4."""
    if is_blank(value):
        return None, ""
    if is_error(value):
        return None, "cell-error"
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.timedelta)):
        return None, "score-invalid"
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            n = int(value)
            return (n, "") if n in labels else (None, "score-out-of-range")
        return None, "score-invalid"
    text = str(value).strip()
    folded = " ".join(text.split()).casefold()
    match = LEADING_NUMBER.match(text)
    if match:
        number = float(match.group(1).replace(",", "."))
        if number.is_integer() and int(number) in labels:
            return int(number), ""
        return None, "score-out-of-range"
    first = folded.split(" ")[0].strip("-–:")
    if first in WORDS:
        return WORDS[first], ""
    for number, label in labels.items():
        if folded == label.casefold() or folded.startswith(label.casefold()):
            return number, ""
    return None, "score-invalid"


def parse_flag(value: Any) -> tuple[bool | None, str]:
    """Yes/Y/x/TRUE/1 -> True; No/N/FALSE/0 -> False; blank -> None."""
    if is_blank(value):
        return None, ""
    if is_error(value):
        return None, "cell-error"
    if isinstance(value, bool):
        return value, ""
    folded = as_text(value).strip().casefold().rstrip(".")
    if folded in YES:
        return True, ""
    if folded in NO:
        return False, ""
    return None, "flag-invalid"


def parse_choice(value: Any, choices: tuple[str, ...]) -> tuple[str | None, str]:
    if is_blank(value):
        return None, ""
    if is_error(value):
        return None, "cell-error"
    if isinstance(value, bool):
        value = "Yes" if value else "No"
    folded = as_text(value).strip().casefold()
    for choice in choices:
        if folded == choice.casefold():
            return choice, ""
    flag, _ = parse_flag(value)
    if flag is not None:
        wanted = "yes" if flag else "no"
        for choice in choices:
            if choice.casefold() == wanted:
                return choice, ""
    return None, "choice-invalid"


def parse_date(value: Any) -> tuple[dt.date | str | None, str]:
    """A real date, ISO or UK text as a date; free text such as 'Ongoing' kept as typed."""
    if is_blank(value):
        return None, ""
    if is_error(value):
        return None, "cell-error"
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    text = as_text(value).strip()
    for pattern, order in ((ISO_DATE, (0, 1, 2)), (UK_DATE, (2, 1, 0))):
        match = pattern.match(text)
        if match:
            parts = [int(match.group(i + 1)) for i in range(3)]
            year, month, day = (parts[i] for i in order)
            if year < 100:
                year += 2000
            try:
                return dt.date(year, month, day), ""
            except ValueError:
                return text, ""
    return text, ""


def parse_text(value: Any) -> tuple[Any, str]:
    if is_blank(value):
        return None, ""
    if is_error(value):
        return None, "cell-error"
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value)
    return as_text(value), ""
