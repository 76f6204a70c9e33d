"""Which stage a return has reached, and the scores it still lacks for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cellref import cell_name
from ..sent import SentWorkbook

if TYPE_CHECKING:
    from .reading import Reading


def stage_checks(reading: Reading, plan: SentWorkbook) -> None:
    result = reading.result
    stage2_typed = False
    for sheet in plan.spec.sheets:
        table = sheet.table
        if sheet.kind == "form" and any(v is not None for v in result.fields.get(sheet.key, {}).values()):
            stage2_typed = True
        if table is None:
            continue
        stage2 = [c.key for c in table.inputs if c.stage == 2]
        if any(row.values.get(k) is not None for row in result.rows.get(sheet.key, []) for k in stage2):
            stage2_typed = True
    result.stage = 2 if stage2_typed else 1
    main = plan.spec.main_table()
    table = main.table
    found = result.columns.get(main.key, {})

    def column(key: str) -> int:
        """Where the return has the column: a person may have inserted or moved columns."""
        return found.get(key, table.index(key))

    # A score already reported as wrong is not also reported as missing. Found
    # once, not per row: a sheet of 20,000 pasted rows took a minute.
    flagged = {p.row_id for p in result.problems if p.code in SCORE_WRONG}
    for row in result.rows.get(main.key, []):
        if table.scored_by and all(row.values.get(k) is None for k in table.scored_by) and row.id not in flagged:
            # The partnership's own reviews (health, accreditation) are scored by the steering group, not a cluster.
            reading.add(
                "score-unscored" if plan.cluster else "score-unscored-review",
                sheet=main.name,
                cell=cell_name(row.cell_row, column(table.scored_by[0])),
                row_id=row.id,
                column=table.column(table.scored_by[0]).header,
            )
        elif result.stage == 2 and table.agreed and row.values.get(table.agreed) is None and row.id not in flagged:
            reading.add(
                "agreed-missing",
                sheet=main.name,
                cell=cell_name(row.cell_row, column(table.agreed)),
                row_id=row.id,
                column=table.column(table.agreed).header,
            )


SCORE_WRONG = ("score-invalid", "score-out-of-range", "score-ambiguous", "cell-error")
