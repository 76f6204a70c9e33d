"""The officer's CSV lists: the master list of actions, the health
criteria, last year's accreditation plan. Each mistake names the row as a
spreadsheet numbers it."""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import Line, Problem, ProblemError, problem
from ..textfile import LIMITS, Limits, read_text
from .model import CRITERIA_FILE, SETTINGS_FILE, AccreditationAction, Action, SubCriterion

if TYPE_CHECKING:
    from _csv import Reader  # what csv.reader returns: rows of values, and the line it has reached

YES = {"yes", "y", "true", "1", "x", "nrf"}
NO = {"no", "n", "false", "0", ""}
YES_OR_NO = YES | NO


def _row(row: dict[str, str]) -> Line:
    """Where a row read from a CSV list is: its row as a spreadsheet numbers it."""
    return Line(int(row["_row"]), "row")


def read_table(path: Path, required: list[str], limits: Limits = LIMITS) -> tuple[list[dict[str, str]], list[Problem]]:
    """Rows of a CSV list as dicts; problems name the row as a spreadsheet would."""
    rows, problems = table_rows(path, required, limits)
    return list(rows), problems


def table_rows(
    path: Path, required: list[str], limits: Limits = LIMITS
) -> tuple[Iterator[dict[str, str]], list[Problem]]:
    """read_table's rows one at a time, never all held as dicts at once. A CSV mistake (a quote left open,
    a field longer than a cell can hold, more rows than any review) stops the
    rows where it is, as a problem naming its line, added to the problems
    returned."""
    try:
        text = read_text(path, limits.csv_bytes)
    except ProblemError as exc:
        return iter(()), exc.problems
    csv.field_size_limit(max(csv.field_size_limit(), limits.field + 1))  # our own check below says which line
    reader = csv.reader(_lines(text), strict=True, delimiter=_separator(text[: text.find("\n") + 1], required))
    problems: list[Problem] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        return iter(()), [_csv_mistake(path, 1, reader.line_num, exc, limits)]
    missing = [c for c in required if c not in header]
    if missing:
        return iter(()), [
            problem(
                "settings-invalid",
                path.name,
                line=Line(1, "row"),
                detail=f"The column(s) {', '.join(missing)} are missing from the header row.",
                fix=f"The first row must name the columns: {', '.join(required)}.",
            )
        ]
    return _rows(reader, header, path, limits, problems), problems


def _rows(
    reader: Reader, header: list[str], path: Path, limits: Limits, problems: list[Problem]
) -> Iterator[dict[str, str]]:
    """The rows after the header as dicts, each with its `_row`; blank rows skipped. A mistake
    stops the rows, added to `problems`."""
    named = [(i, h) for i, h in enumerate(header) if h]  # a column without a header is not read
    every = [h for _, h in named] if len(named) == len(header) else None  # every column named: the usual case, in C
    count, last = 0, reader.line_num  # the line the row before ended on
    try:
        for values in reader:
            if any(len(v) > limits.field for v in values):
                raise csv.Error("field larger than field limit")
            width = len(values)
            if every is not None and width == len(every):
                cleaned = dict(zip(every, map(str.strip, values), strict=True))
            else:  # a short row is blank to its end
                cleaned = {h: values[i].strip() if i < width else "" for i, h in named}
            if any(cleaned.values()):
                count += 1
                if count > limits.rows:
                    problems.append(_too_many_rows(path, reader.line_num, limits))
                    return
                cleaned["_row"] = str(reader.line_num)
                yield cleaned
            last = reader.line_num
    except csv.Error as exc:
        problems.append(_csv_mistake(path, last + 1, reader.line_num, exc, limits))


def _too_many_rows(path: Path, line: int, limits: Limits) -> Problem:
    return problem(
        "settings-invalid",
        path.name,
        line=Line(line, "row"),
        detail=f"{path.name} has more than {limits.rows:,} rows, more than any review; the rest was not read.",
        fix="Check it is the right file; a list this long is usually another file saved under this name.",
    )


def _csv_mistake(path: Path, start: int, end: int, exc: csv.Error, limits: Limits) -> Problem:
    """A CSV syntax mistake in the officer's words, at the line where its row starts."""
    text = str(exc)
    if "field limit" in text:
        detail = (
            f"A value on line {start} runs on for more than {limits.field:,} characters (what a spreadsheet cell "
            'holds): most often a quote (") opened and never closed, which takes in the lines after it.'
        )
    elif end > start or "end of data" in text:
        detail = (
            f'A quote (") opened on line {start} is not closed where its value ends, '
            f"so lines {start} to {end} are read as one value."
        )
    else:
        detail = (
            f'Line {start} is not valid CSV ({text}): a quote (") in the middle of a value must be doubled, '
            "or the whole value put in quotes."
        )
    return problem(
        "settings-invalid",
        path.name,
        line=Line(start, "row"),
        detail=detail,
        fix="Open the file in Excel or a text editor, correct the quotes on that line, and save it as CSV.",
    )


def _separator(header: str, required: list[str]) -> str:
    """The character between values: a comma, or what Excel saves "CSV" with
    where the comma is the decimal point (a semicolon), or a tab: the one
    that splits the header row into the columns required."""
    for separator in ",;\t":
        names = {name.strip().strip('"').strip().lower() for name in header.split(separator)}
        if all(column in names for column in required):
            return separator
    return ","


def _lines(text: str) -> Iterator[str]:
    """The lines of a text as a file gives them (split at newlines, ends kept),
    without a second copy of the whole list."""
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
        problems.append(
            problem(
                "settings-invalid",
                path.name,
                line=_row(row),
                detail=f"The row has no {key}.",
                fix=f"Give every row a {key}.",
            )
        )
    elif ident in seen:
        problems.append(
            problem(
                "settings-invalid",
                path.name,
                line=_row(row),
                row_id=ident,
                detail=f"The {key} {ident} is used twice (rows {seen[ident]} and {row['_row']}).",
                fix=f"Give every row its own {key}; IDs must stay the same from year to year.",
            )
        )
    else:
        seen[ident] = row["_row"]


def actions(
    path: Path, codes: set[str], earlier: tuple[int, ...], limits: Limits
) -> tuple[list[Action], list[Problem]]:
    """The master list of actions, each row checked as it is read and let go once it is an Action."""
    columns = ["id", "cluster", "issue", "outcome", "action", "partners", "lead_partner", "nrf"]
    rows, problems = table_rows(path, columns + [f"progress_{y}" for y in earlier], limits)
    seen: dict[str, str] = {}
    actions = []
    score_keys = [(year, f"score_{year}") for year in earlier]
    progress_keys = [(year, f"progress_{year}") for year in earlier]
    # One string for each text the list repeats (a cluster's code, its issues
    # and outcomes, the same partners down many rows), not one per row.
    shared: dict[str, str] = {code: code for code in codes}
    share = shared.setdefault
    unknown: dict[str, list[tuple[Line, str]]] = {}  # a cluster not in the settings -> its actions' rows and IDs
    for row in rows:
        _unique_id(row, "id", seen, path, problems)
        scores = _scores(row, score_keys, path, problems)
        code = row["cluster"].upper()  # 'et' is ET
        if code not in codes:
            unknown.setdefault(row["cluster"], []).append((_row(row), row["id"]))
        problems.extend(_action_mistakes(row, path))
        actions.append(
            Action(
                id=row["id"],
                cluster=share(code, code),
                issue=share(row["issue"], row["issue"]),
                outcome=share(row["outcome"], row["outcome"]),
                action=row["action"],
                partners=share(row["partners"], row["partners"]),
                lead_partner=share(row["lead_partner"], row["lead_partner"]),
                nrf=row["nrf"].lower() in YES,
                earlier=tuple([(year, row.get(key, "")) for year, key in progress_keys]),
                scores=tuple(scores),
                retired=row.get("retired", "").lower() in YES,
            )
        )
    problems.extend(_unknown_cluster(cluster, found, codes, path) for cluster, found in unknown.items())
    return actions, problems


def _unknown_cluster(cluster: str, found: list[tuple[Line, str]], codes: set[str], path: Path) -> Problem:
    """One problem for every action given a cluster the settings do not have: a typo
    in a code copied down a column is one mistake, not one for each row."""
    (first, first_id), (last, last_id) = found[0], found[-1]
    which = f"Action {first_id} is" if len(found) == 1 else f"{len(found)} actions ({first_id} ... {last_id}) are"
    rows = "" if len(found) == 1 else f" (the first on row {first.number}, the last on row {last.number})"
    near = difflib.get_close_matches(cluster.upper(), sorted(codes), n=1)
    return problem(
        "settings-invalid",
        path.name,
        line=first,
        row_id=first_id,
        detail=f"{which} for cluster '{cluster}'{rows}, which is not in {SETTINGS_FILE}.",
        fix=(f"Did you mean {near[0]}? " if near else "")
        + f"Use one of the cluster codes: {', '.join(sorted(codes))}.",
    )


def _scores(
    row: dict[str, str], score_keys: list[tuple[int, str]], path: Path, problems: list[Problem]
) -> list[tuple[int, int]]:
    """An action's scores of earlier years, as typed in its score_YEAR columns; one not a score is a problem."""
    scores = []
    for year, key in score_keys:
        typed = row.get(key, "")
        if typed and typed not in {"1", "2", "3", "4", "5"}:
            problems.append(
                _action_mistake(
                    row,
                    path,
                    f"score_{year} must be a score from 5 to 1 or empty, not '{typed}'.",
                    "Write a whole number from 1 to 5, or leave it empty.",
                )
            )
        elif typed:
            scores.append((year, int(typed)))
    return scores


def _action_mistakes(row: dict[str, str], path: Path) -> Iterator[Problem]:
    """An action's row: an outcome or an action, and Yes or No for nrf (its cluster is checked for all rows at once)."""
    if not row["action"] and not row["outcome"]:
        yield _action_mistake(
            row,
            path,
            f"Action {row['id']} has neither an outcome nor an action.",
            "Fill in the outcome or the action required.",
        )
    if row["nrf"].lower() not in YES_OR_NO:
        yield _action_mistake(row, path, f"nrf must be Yes or No, not '{row['nrf']}'.", "Write Yes or No.")


def _action_mistake(row: dict[str, str], path: Path, detail: str, fix: str) -> Problem:
    return problem("settings-invalid", path.name, line=_row(row), row_id=row["id"], detail=detail, fix=fix)


def criteria(path: Path, limits: Limits) -> tuple[list[SubCriterion], list[Problem]]:
    rows, problems = read_table(path, ["ref", "criterion", "title", "standard"], limits)
    _unique_ids(rows, "ref", path, problems)
    if not rows and not problems:
        problems.append(
            problem(
                "settings-invalid",
                path.name,
                detail="There are no sub-criteria.",
                fix="List each sub-criterion with ref, criterion, title and standard.",
            )
        )
    return [SubCriterion(r["ref"], r["criterion"], r["title"], r["standard"]) for r in rows], problems


def accreditation(path: Path, criteria: set[str], limits: Limits) -> tuple[list[AccreditationAction], list[Problem]]:
    rows, problems = read_table(path, ["ref", "criterion", "area", "action", "due"], limits)
    _unique_ids(rows, "ref", path, problems)
    for row in rows:
        if criteria and row["criterion"] not in criteria:
            problems.append(
                problem(
                    "settings-invalid",
                    path.name,
                    line=_row(row),
                    row_id=row["ref"],
                    detail=f"'{row['criterion']}' is not a criterion of {CRITERIA_FILE}.",
                    fix=f"Use one of: {', '.join(sorted(criteria))}.",
                )
            )
    return [AccreditationAction(r["ref"], r["criterion"], r["area"], r["action"], r["due"]) for r in rows], problems
