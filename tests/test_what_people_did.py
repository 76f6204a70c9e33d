"""Regression tests for issue 10, each named for what a person did to a
return: whatever it was, every value typed reaches the officer, against the
action it was typed for, or is in a problem with its cell and full text."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kcp_sheets.cli import app
from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import INBOX
from kcp_sheets.generate import generate, planned_workbooks
from kcp_sheets.settings import load_review

TRACKER = "Progress Tracker"
SUMMARY = "Review Summary"


def _cli(*args: str):  # noqa: ANN202
    return CliRunner().invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def test_a_score_typed_as_brackets_and_a_file_named_with_brackets_are_printed_as_typed(folder: Path) -> None:
    review = load_review(folder)
    outbox = folder / "outbox"
    generate(review, outbox)
    plan = next(p for p in planned_workbooks(review) if p.cluster == "SC")
    typed = {"SC-01": {"coordinator_score": "[/]", "progress": "[tbc]"}, "SC-02": {"coordinator_score": "[bold]4?"}}
    fill_workbook(plan, outbox / plan.file_name, folder / INBOX / "SC tracker [final].xlsx", {TRACKER: typed})
    for command in ("check", "status", "consolidate"):
        result = _cli(command, str(folder))
        assert result.exit_code in (0, 1), (command, result.output)
        assert "SC tracker [final].xlsx" in result.output or command != "check", result.output
    check = _cli("check", str(folder))
    assert "'[/]'" in check.output and "'[bold]4?'" in check.output
