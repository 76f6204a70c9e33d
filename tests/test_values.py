"""What people type where a score, a flag or a date goes."""

from __future__ import annotations

import datetime as dt

import pytest

from kcp_sheets.values import parse_choice, parse_date, parse_flag, parse_score

LABELS = {5: "Achieved", 4: "Largely achieved", 3: "Partially achieved", 2: "Little progress", 1: "Not achieved"}


@pytest.mark.parametrize(
    "typed",
    [4, 4.0, "4", " 4 ", "4 - Largely achieved", "Largely achieved", "  largely ACHIEVED ", "four", "4.", "4.0"],
)
def test_every_way_of_typing_four_is_four(typed: object) -> None:
    assert parse_score(typed, LABELS) == (4, "", "")


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("4 - mostly", "mostly"),
        ("4-mostly", "mostly"),
        ("Four - mostly", "mostly"),
        ("4 - mostly, see TOKEN", "mostly, see TOKEN"),
        ("4 - Largely achieved - see the minutes", "see the minutes"),
        ("largely achieved, but late", "but late"),
        ("4 (provisional)", "(provisional)"),
    ],
)
def test_words_typed_after_a_score_are_kept_as_its_note(typed: str, note: str) -> None:
    assert parse_score(typed, LABELS) == (4, "score-note", note)


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("3/4", "3 or as 4"),
        ("3 or 4", "3 or as 4"),
        ("3-4", "3 or as 4"),
        ("three or four", "3 or as 4"),
        ("4 - 5", "4 or as 5"),
        ("4?", "4 or as not yet decided (a question mark follows it)"),
        ("4 ? ask Jo", "4 or as not yet decided (a question mark follows it)"),
    ],
)
def test_a_score_that_reads_two_ways_is_taken_as_neither_and_names_both(typed: str, readings: str) -> None:
    assert parse_score(typed, LABELS) == (None, "score-ambiguous", readings)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (7, "score-out-of-range"),
        ("0", "score-out-of-range"),
        ("6 - brilliant", "score-out-of-range"),
        (4.5, "score-invalid"),
        ("mostly", "score-invalid"),
        (dt.date(2004, 4, 4), "score-invalid"),
        (True, "score-invalid"),
        ("#REF!", "cell-error"),
        ("#N/A", "cell-error"),
        ("[/]", "score-invalid"),
    ],
)
def test_what_is_not_a_score_says_why(typed: object, code: str) -> None:
    assert parse_score(typed, LABELS) == (None, code, "")


def test_blank_score_is_unscored_not_a_problem() -> None:
    assert parse_score(None, LABELS) == (None, "", "") and parse_score("   ", LABELS) == (None, "", "")


@pytest.mark.parametrize(
    ("typed", "flag"),
    [
        ("Y", True),
        ("yes", True),
        ("x", True),
        ("X", True),
        (True, True),
        ("TRUE", True),
        (1, True),
        ("No", False),
        ("n", False),
        (False, False),
        (0, False),
    ],
)
def test_flags(typed: object, flag: bool) -> None:
    assert parse_flag(typed) == (flag, "")


def test_a_flag_that_is_not_yes_or_no_is_kept_for_the_officer() -> None:
    assert parse_flag("maybe") == ("maybe", "flag-invalid")
    assert parse_flag(" N/A ") == ("N/A", "flag-invalid")


@pytest.mark.parametrize(
    ("typed", "when"),
    [
        (dt.datetime(2004, 4, 21), dt.date(2004, 4, 21)),
        ("2004-04-21", dt.date(2004, 4, 21)),
        ("21/04/2004", dt.date(2004, 4, 21)),
        ("21/4/04", dt.date(2004, 4, 21)),
        ("21.04.2004", dt.date(2004, 4, 21)),
    ],
)
def test_dates_as_dates_iso_or_uk_text(typed: object, when: dt.date) -> None:
    assert parse_date(typed) == (when, "")


@pytest.mark.parametrize("typed", ["Ongoing", "End March 2005", "July/August 2004", "31/02/2004"])
def test_free_text_dates_are_kept_as_typed(typed: str) -> None:
    assert parse_date(typed) == (typed, "")


def test_choices_tolerate_case_and_yes_no() -> None:
    choices = ("Yes", "Partly", "No")
    assert parse_choice(" partly ", choices) == ("Partly", "")
    assert parse_choice("y", choices) == ("Yes", "")
    assert parse_choice("half", choices) == ("half", "choice-invalid")
