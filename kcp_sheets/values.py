"""What people type, understood: scores, yes/no flags, choices and dates.

Each parser takes the raw cell and returns the value plus, when the cell
cannot be taken at its word, the problem code to report. Nothing here
throws away what was typed: text that is not understood is returned as
typed so it can still be shown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

ERRORS = {
    "#REF!",
    "#N/A",
    "#VALUE!",
    "#DIV/0!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
    "#ERROR",
}
LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
YES = {"yes", "y", "x", "true", "1", "✓", "✔", "tick", "ticked"}
NO = {"no", "n", "false", "0", "-", "none"}
NUMBER = r"(?:[+-]?\d+(?:[.,]\d+)?|one|two|three|four|five)"
# A score first, then the end, a separator or a space: '4', '4.', '4 - mostly', 'four: nearly'.
LEADING_SCORE = re.compile(rf"^({NUMBER})(?=$|\s|[-–—:=/).,;?(])\.?", re.IGNORECASE)
# Two scores typed as one: '3/4', '3 or 4', '3-4', 'three to four', '3 & 4'.
TWO_SCORES = re.compile(rf"^({NUMBER})\s*(?:/|\\|-|–|—|&|\bor\b|\bto\b|\band\b)\s*({NUMBER})(?=$|\W)", re.IGNORECASE)
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
    if value.__class__ is str:  # most cells: first, before the checks for other kinds
        return value
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


class Score(NamedTuple):
    """A score cell understood: the number (or None), the problem code if it
    cannot be taken at its word, and the words typed with it (kept as a note)
    or, when it is ambiguous, its readings."""

    value: int | None
    code: str = ""
    note: str = ""


def parse_score(value: Any, labels: dict[int, str]) -> Score:
    """4, 4.0, '4', '4 - Largely achieved', 'Largely achieved', ' four ' -> 4.

    '4 - mostly, see note' is 4 with the note 'mostly, see note' ("score-note");
    '3/4', '3 or 4' and '4?' are not taken as either reading ("score-ambiguous")."""
    if is_blank(value):
        return Score(None)
    if is_error(value):
        return Score(None, "cell-error")
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.timedelta)):
        return Score(None, "score-invalid")
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            n = int(value)
            return Score(n) if n in labels else Score(None, "score-out-of-range")
        return Score(None, "score-invalid")
    text = " ".join(str(value).split())
    two = TWO_SCORES.match(text)
    if two:
        first, second = (_number_word(two.group(i)) for i in (1, 2))
        return Score(None, "score-ambiguous", f"{_whole(first)} or as {_whole(second)}")
    match = LEADING_SCORE.match(text)
    if match:
        number = _number_word(match.group(1))
        rest = text[match.end() :]
        if rest.lstrip().startswith("?"):
            return Score(
                None, "score-ambiguous", f"{_whole(number)} or as not yet decided (a question mark follows it)"
            )
        if not float(number).is_integer() or int(number) not in labels:
            return Score(None, "score-out-of-range" if float(number).is_integer() else "score-invalid")
        return _with_note(int(number), rest, labels)
    folded = text.casefold()
    for number, label in sorted(labels.items(), key=lambda item: -len(item[1])):
        if (
            folded == label.casefold()
            or folded.startswith(label.casefold() + " ")
            or folded.startswith(label.casefold() + ",")
        ):
            return _with_note(number, text[len(label) :], labels)
    return Score(None, "score-invalid")


def _number_word(text: str) -> float:
    word = text.strip().casefold()
    return float(WORDS[word]) if word in WORDS else float(word.replace(",", "."))


def _whole(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _with_note(number: int, rest: str, labels: dict[int, str]) -> Score:
    """The score, and whatever else was typed with it that is not its own label."""
    note = rest.strip().lstrip("-–—:=/).,;").strip()
    label = labels.get(number, "")
    if label and note.casefold().startswith(label.casefold()):
        note = note[len(label) :].strip().lstrip("-–—:=/).,;").strip()
    return Score(number, "score-note" if note else "", note)


def score_formula(ref: str, labels: dict[int, str]) -> str:
    """A spreadsheet formula that reads the score in cell `ref` as parse_score
    does: a number, a word, a label, or a number then words ('4 - mostly').
    A cell parse_score would not take as one score (or that this formula
    cannot tell) gives #N/A, so a total built on it shows no wrong number."""
    t = f"LOWER(TRIM({ref}))"
    words = {**{w: n for w, n in WORDS.items()}, **{label.casefold(): n for n, label in labels.items()}}
    keys = ",".join('"' + k.replace('"', '""') + '"' for k in words)
    numbers = ",".join(str(n) for n in words.values())
    digit = f'ISNUMBER(FIND(LEFT({t},1),"{"".join(str(n) for n in sorted(labels))}"))'
    rest = f'LEFT(TRIM(SUBSTITUTE(SUBSTITUTE(MID({t},2,999),"-"," "),":"," ")),1)'
    with_words = (
        f'AND({digit},ISNUMBER(FIND(MID({t},2,1)," -:")),'
        f'ISERROR(FIND("?",{t})),ISERROR(FIND("/",{t})),ISERROR(FIND("&",{t})),'
        f'ISERROR(FIND(" or ",{t})),ISERROR(FIND(" to ",{t})),ISERROR(FIND(" and ",{t})),'
        f'{rest}<>"",ISERROR(FIND({rest},"0123456789")))'
    )
    text = (
        f"IFERROR(INDEX({{{numbers}}},MATCH({t},{{{keys}}},0)),"
        f'IF(AND({digit},OR(LEN({t})=1,{t}=LEFT({t},1)&".")),VALUE(LEFT({t},1)),IF({with_words},VALUE(LEFT({t},1)),NA())))'
    )
    lowest, highest = min(labels, default=1), max(labels, default=5)
    return (
        f'IF(ISNUMBER({ref}),IF(AND({ref}>={lowest},{ref}<={highest},{ref}=INT({ref})),{ref},NA()),IF({t}="",0,{text}))'
    )


def parse_flag(value: Any) -> tuple[bool | str | None, str]:
    """Yes/Y/x/TRUE/1 -> True; No/N/FALSE/0 -> False; blank -> None; anything
    else ('N/A', 'maybe') is kept as typed, with "flag-invalid"."""
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
    return as_text(value).strip(), "flag-invalid"


def parse_choice(value: Any, choices: tuple[str, ...]) -> tuple[str | None, str]:
    """One of `choices`, ignoring case, or Yes/No written any way; anything else kept as typed."""
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
    if isinstance(flag, bool):
        wanted = "yes" if flag else "no"
        for choice in choices:
            if choice.casefold() == wanted:
                return choice, ""
    return as_text(value).strip(), "choice-invalid"


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
