"""What a read produces: one Return per file, with its rows, fields and problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..intake import Source
from ..lifecycle import used_in_plan
from ..problems import Problem
from ..sent import SentWorkbook


@dataclass(slots=True)  # a national review reads 200,000
class Row:
    """One row as returned: values by column key, in the template's terms."""

    id: str
    values: dict[str, Any]
    cell_row: int  # 1-based row in the returned sheet
    new: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # columns a person added
    notes: dict[str, str] = field(default_factory=dict)  # by column key: words typed with a score, or a score not read

    def __reduce__(self) -> tuple[type[Row], tuple[Any, ...]]:
        """Pickled as its constructor's arguments: kept and sent between processes by
        the hundred thousand, in half the time and three quarters of the bytes of a
        slotted object's default."""
        return Row, (self.id, self.values, self.cell_row, self.new, self.extra, self.notes)


@dataclass
class Return:
    """One returned workbook, read."""

    source: Source
    sent: SentWorkbook | None = None  # the workbook as sent that this return answers
    identity: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)  # by sheet key
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # form sheets
    columns: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # by sheet key: where each column was found (0-based)
    problems: list[Problem] = field(default_factory=list)
    stage: int = 0
    answers: int = 0
    saved: dt.datetime | None = None  # when the workbook says it was last saved
    used: bool = True  # the current copy of its workbook: not superseded by a newer one, not rejected
    # What the ledger knows (review_states.py): its number, review state, the officer's decision and note.
    ledger_id: int = 0
    state: str = ""
    decision: str = ""
    note: str = ""
    newer: str = ""  # superseded: the newer copy's name

    @property
    def template(self) -> str:
        return self.sent.spec.template if self.sent else ""

    @property
    def cluster(self) -> str:
        return self.sent.cluster if self.sent else ""

    @property
    def label(self) -> str:
        return self.sent.label if self.sent else ""

    @property
    def errors(self) -> int:
        """Errors not yet dealt with."""
        return sum(p.severity == "error" and not p.dealt_with for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" and not p.dealt_with for p in self.problems)

    @property
    def from_outside(self) -> bool:
        """Sent by someone outside the cluster, and not yet taken as the cluster's
        (accepted, or that problem dealt with): the officer's to decide on."""
        return any(p.code == "sender-unexpected" and not p.dealt_with for p in self.problems)

    @property
    def merged(self) -> bool:
        """Goes into the plan: the current copy, and accepted or clean."""
        return self.used and used_in_plan(self.state, self.sent is not None)

    def unscored(self) -> int:
        """Rows the return has not scored yet (none of the table's scored_by),
        and rows the officer added since it was sent, which it cannot have
        scored: the plan lists both unscored."""
        if not self.sent:
            return 0
        count = 0
        for sheet in self.sent.spec.sheets:
            if sheet.kind == "table" and sheet.table and sheet.table.scored_by:
                for row in self.rows.get(sheet.key, []):
                    if all(row.values.get(k) is None for k in sheet.table.scored_by):
                        count += 1
                count += sum(p.code == "row-added-since" and p.sheet == sheet.name for p in self.problems)
        return count
