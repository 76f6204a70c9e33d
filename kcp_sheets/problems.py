"""Problems: everything the officer must be told, as data.

One dataclass, built from the catalogue of stable codes (kcp_sheets.problem_kinds).
Code that finds a problem names the code and fills in the facts; the wording and
the severity live in the catalogue, so the CLI, the problems workbook and the
tests all say the same thing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .problem_kinds import CATALOGUE, Severity


@dataclass(frozen=True)
class Line:
    """A place in one of the officer's text files: review.yaml's line N, a CSV
    list's row N (as a spreadsheet numbers it, the line its row starts on)."""

    number: int
    word: str = "line"

    def __str__(self) -> str:
        return f"{self.word} {self.number}"


@dataclass(frozen=True)
class Problem:
    """One thing the officer must see, with where it is and what to ask for."""

    code: str
    severity: Severity
    file: str
    message: str
    ask: str
    sheet: str = ""
    cell: str = ""
    row_id: str = ""
    found: str = ""
    column: str = ""  # the header (or form label) of the cell, in the sender's terms
    dealt_with: str = ""  # the officer's note once the problem is dealt with
    line: Line | None = None  # where in a settings file, which has no sheets or cells

    @property
    def open_error(self) -> bool:
        """An error still to ask about: not dealt with by the officer."""
        return self.severity == "error" and not self.dealt_with

    @property
    def key(self) -> str:
        """Names this problem of its file across re-reads (what was found where, not when)."""
        text = "\x1f".join(
            (self.code, self.sheet, self.cell or str(self.line or ""), self.row_id, self.found, self.message)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    @property
    def place(self) -> str:
        """Sheet!cell, or whichever of them is known; a settings file's line."""
        if self.line is not None:
            return str(self.line)
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet or self.cell

    def where(self) -> str:
        return f"{self.file}: {self.place}" if self.place else self.file


@dataclass(frozen=True)
class Tally:
    """Problems counted as every surface counts them: errors and warnings still
    open, and those the officer dealt with (which count as neither)."""

    errors: int = 0
    warnings: int = 0
    dealt: int = 0

    def __str__(self) -> str:
        said = f"{counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}"
        return said + (f" ({self.dealt} dealt with)" if self.dealt else "")


def tally(problems: Iterable[Problem]) -> Tally:
    errors = warnings = dealt = 0
    for p in problems:
        if p.dealt_with:
            dealt += 1
        elif p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return Tally(errors, warnings, dealt)


def problem_rows(problems: list[Problem]) -> list[dict[str, object]]:
    """Problems as rows for a workbook's problems table; its template picks the columns."""
    return [
        {"id": n, "where": p.place, **p.__dict__, **({"ask": f"Dealt with: {p.dealt_with}"} if p.dealt_with else {})}
        for n, p in enumerate(problems, start=1)
    ]


def problem(
    code: str,
    file: str,
    *,
    sheet: str = "",
    cell: str = "",
    row_id: str = "",
    found: str = "",
    column: str = "",
    line: Line | None = None,
    **facts: object,
) -> Problem:
    """Build a Problem from the catalogue; `facts` fill its message and ask."""
    kind = CATALOGUE[code]
    values = {"row_id": row_id or "this row", "found": found, "sheet": sheet, **facts}
    return Problem(
        code=code,
        severity=kind.severity,
        file=file,
        message=kind.message.format_map(_Blank(values)),
        ask=kind.ask.format_map(_Blank(values)),
        sheet=sheet,
        cell=cell,
        row_id=row_id,
        found=found,
        column=column,
        line=line,
    )


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass
class ProblemError(Exception):
    """Raised when work cannot go on; carries every problem found so far."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(f"{p.where()}: {p.message} {p.ask}" for p in self.problems)


def counted(n: int, noun: str) -> str:
    """'1 error', '2 errors': counts the officer reads agree in number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cell_order(cell: str) -> tuple[int, str]:
    """Cells in the order a reader meets them down a sheet: by row number, then as written."""
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)
