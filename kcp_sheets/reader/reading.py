"""One read, start to finish: open, recognise, read each sheet the template
declares, check the stage, account for every cell. Whatever happens, the
result is a Return with problems; one bad file never costs the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import deadline
from ..formats import Facts, inspect
from ..intake import Source
from ..pages import continued
from ..problems import problem
from ..sent import SentWorkbook, SentWorkbooks
from ..settings import Review
from ..spec import Column, cell_name
from .accounting import Accounts, take_sent_text
from .form import read_form
from .opening import Grid, Sheets, open_sheets, saved_at
from .recognising import find_sheet, recognise
from .records import Return
from .stage import stage_checks
from .table import parse_cell, read_table

REPEATING = {"score", "flag", "choice"}  # column kinds whose few values repeat down a table


def read_source(
    source: Source,
    review: Review,
    planned: list[SentWorkbook] | SentWorkbooks,
    look: Callable[[bytes], Facts] = inspect,
) -> Return:
    """Read one source; whatever happens, the result is a Return with problems.
    `look` says what the file is before it is opened (see `open_sheets`)."""
    changed = source.reload()
    if changed:
        return Return(source, problems=[problem("file-changed", source.name, detail=changed)])
    result = Return(source)
    try:
        with deadline.within(review.read_seconds):
            Reading(
                result, review, planned if isinstance(planned, SentWorkbooks) else SentWorkbooks(planned), look
            ).run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except deadline.ReadTooLong:  # nothing half-read is shown: the file is the problem
        seconds = f"{review.read_seconds:g}"
        return Return(
            source,
            problems=[
                problem(
                    "file-read-failed", source.name, detail=f"reading it took more than {seconds} s and was stopped"
                )
            ],
        )
    except BaseException as exc:  # noqa: BLE001 - one bad file must never cost the run; a library's panic is a BaseException
        # The officer reads what happened, not the library's words; the kind of error names it in a report.
        result.problems.append(
            problem(
                "file-read-failed",
                source.name,
                detail=f"kcp-sheets met something in it that it does not handle ({type(exc).__name__})",
            )
        )
    return result


class Reading:
    """The state of one read: the Return being filled in and the sheets it came from."""

    def __init__(
        self, result: Return, review: Review, planned: SentWorkbooks, look: Callable[[bytes], Facts] = inspect
    ) -> None:
        self.result = result
        self.look = look
        self.review = review
        self.planned = planned
        self.name = result.source.name
        self.sheets = Sheets()
        self.accounts = Accounts(self.sheets.grids, self.add)
        self._parsed: dict[tuple[Any, ...], tuple[Any, str, str]] = {}

    @property
    def grids(self) -> dict[str, Grid]:
        return self.sheets.grids

    @property
    def formulas(self) -> dict[str, set[tuple[int, int]]]:
        return self.sheets.formulas

    def add(self, code: str, **facts: Any) -> None:
        """Report a problem; one that names a cell accounts for what was typed there."""
        self.result.problems.append(problem(code, self.name, **facts))
        if facts.get("sheet") and facts.get("cell"):
            self.accounts.noted(facts["sheet"], facts["cell"])

    def identity_facts(self) -> dict[str, str]:
        return self.result.sent.content.identity if self.result.sent else {}

    def scales(self) -> dict[str, dict[int, str]]:
        """The score words the workbook was sent with (the review's, if it names none)."""
        sent = self.result.sent.content.scales if self.result.sent else {}
        return sent or self.review.scales

    def parse(self, col: Column, raw: Any) -> tuple[Any, str, str]:
        """`parse_cell` for this workbook's scales. Scores, flags and choices
        repeat a few values down a table, so each is parsed once per read."""
        if col.kind not in REPEATING:
            return parse_cell(col, raw, self.scales())
        key = (col.kind, col.scale, col.choices, raw.__class__, raw)  # the class too: 1 == 1.0 == True
        found = self._parsed.get(key)
        if found is None:
            found = self._parsed[key] = parse_cell(col, raw, self.scales())
        return found

    def group_titles(self) -> list[str]:
        """The headings of the table's groups, as on their first page and on each page they continue on."""
        titles = list(self.result.sent.content.group_titles.values()) if self.result.sent else []
        return titles + [continued(t) for t in titles]

    def run(self) -> None:
        sheets = open_sheets(self.result.source, self.add, self.look)
        if sheets is None:
            return
        self.sheets = sheets
        for (
            sheet,
            row,
            col,
            text,
        ) in sheets.notes:  # written beside a cell rather than in it: shown in full, with its cell
            self.result.problems.append(
                problem("cell-note", self.name, sheet=sheet, cell=cell_name(row + 1, col), found=text)
            )
        self.result.saved = saved_at(self.result.source.data, sheets.received)
        self.accounts = Accounts(sheets.grids, self.add)
        plan = recognise(self)
        if plan is None:
            return
        self.result.sent = plan
        for sheet in plan.spec.sheets:
            if sheet.kind == "instructions":
                found = find_sheet(self, sheet)
                if found is not None:
                    take_sent_text(self.accounts, found, plan, sheet.name)
                continue
            found = find_sheet(self, sheet)
            if found is None:
                self.add("sheet-missing", sheet=sheet.name)
                continue
            if found in self.sheets.damaged:
                continue  # the damage is the problem: its headers and rows cannot be missing as well
            if sheet.kind == "table":
                read_table(self, found, sheet, sheet.table, plan.content.rows.get(sheet.key, []))
            else:
                read_form(self, found, sheet)
        stage_checks(self, plan)
        self.accounts.settle_all()
