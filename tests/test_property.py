"""Whatever text a co-ordinator types, it reads back unchanged."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ERROR_CODES

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook

# Characters a cell can hold (XML 1.0 forbids most control characters).
CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.just("\n"),
    min_size=1,
    max_size=200,
).filter(
    lambda s: s.strip() != "" and s.strip() not in ERROR_CODES
)  # "#DIV/0!" typed is an error value, in Excel as in openpyxl
LEADING = st.sampled_from(["", "=", "+", "-", "@", "'", "#REF! "])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=LEADING,
    text=CELL_TEXT,
    score=st.sampled_from([None, 1, 2, 3, 4, 5]),
    flag=st.sampled_from([None, "Yes", "No"]),
    long=st.booleans(),
)
def test_random_valid_fills_read_back_unchanged(
    review, plans, outbox: Path, tmp_path: Path, prefix: str, text: str, score, flag, long: bool
) -> None:
    typed = (prefix + text) * (32767 // len(prefix + text) if long else 1)
    typed = typed[:32767]
    if not typed.strip():
        return
    plan = plans["HW"]
    values = {"progress": typed, "why_not_met": text}
    if score is not None:
        values["coordinator_score"] = score
    if flag is not None:
        values["mainstream"] = flag
    path = fill_workbook(plan, outbox / plan.file_name, tmp_path / "hw.xlsx", {"Progress Tracker": {"HW-05": values}})
    [ret] = check_returns(review, [path]).returns
    row = next(r for r in ret.rows["Progress Tracker"] if r.id == "HW-05")
    assert row.values["progress"] == typed
    assert row.values["why_not_met"] == text
    assert row.values["coordinator_score"] == score
    assert row.values["mainstream"] == (None if flag is None else flag == "Yes")
