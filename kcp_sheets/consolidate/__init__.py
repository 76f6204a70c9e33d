"""Consolidation: the checked returns merged into the improvement action plan
the steering group reads, written as a workbook and noted in the ledger.

Every value read from a return lands on a sheet here, and every problem on
the Problems sheet, so nothing typed is lost from view. A cluster that has
not returned still appears, unscored, so the plan never looks more complete
than it is.

One module per concern: `clusters` (each cluster's workbook as sent and what
came back), `rows` (the plan's rows, sheet by sheet: the actions, Part 1,
Part 2 (the partnership's actions), the health and accreditation reviews,
the sources), `blocks` (the Summary's small tables), `plan` (the plan put
together: its layout, rows and blocks, and its public copy's cuts, through
`public_copy`) and `writing` (the workbook written and the ledger's note of it).
"""

from .clusters import STAGE_1_ONLY, final_score
from .plan import ACTIONS_SHEET_LIMIT, consolidate, partnership_actions, too_many_actions_for_sheets
from .writing import record_consolidation, write_plan

__all__ = [
    "ACTIONS_SHEET_LIMIT",
    "STAGE_1_ONLY",
    "consolidate",
    "final_score",
    "partnership_actions",
    "record_consolidation",
    "too_many_actions_for_sheets",
    "write_plan",
]
