"""Shared fixtures: the bundled sample review, its generated workbooks, and a
helper that fills a workbook the way a co-ordinator would."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kcp_sheets.folder import init_folder
from kcp_sheets.generate import generate
from kcp_sheets.sent import SentWorkbook
from kcp_sheets.settings import Review, load_review
from kcp_sheets.workbooks import planned_workbooks

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "kcp-2004"


@pytest.fixture(scope="session")
def review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    """The sample review, in a folder of its own: commands write its ledger there."""
    return load_review(init_folder(tmp_path_factory.mktemp("sample") / "review"))


@pytest.fixture(scope="session")
def plans(review: Review) -> dict[str, SentWorkbook]:
    return {p.label: p for p in planned_workbooks(review)}


@pytest.fixture(scope="session")
def outbox(review: Review, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outbox")
    generate(review, out)
    return out


@pytest.fixture(scope="module")
def valid_xlsx(plans: dict[str, SentWorkbook], outbox: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """ET's tracker, returned with one score: a plain, valid return."""
    from kcp_sheets.fill import fill_workbook

    plan = plans["ET"]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path_factory.mktemp("valid") / "valid.xlsx",
        {"Progress Tracker": {"ET-01": {"coordinator_score": 4}}},
    )
    return path.read_bytes()


@pytest.fixture(scope="session")
def demo_written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of workbook kcp-sheets writes, from one run of the demo, by file name:
    the nine sent, the problems list, the plan and its public copy, the mid-year
    update workbooks and the mid-year progress report."""
    from kcp_sheets.check import check_returns, write_problems
    from kcp_sheets.consolidate import write_plan
    from kcp_sheets.demo import prepare_demo
    from kcp_sheets.folder import INBOX, OUTBOX
    from kcp_sheets.plan_update import collect_updates, write_updates

    folder = tmp_path_factory.mktemp("written") / "demo"
    review = prepare_demo(folder)
    result = check_returns(review, sorted((folder / INBOX).iterdir()))
    plan = write_plan(result)
    paths = [*sorted((folder / OUTBOX).glob("*.xlsx")), write_problems(result), plan, write_plan(result, public=True)]
    paths += write_updates(review, plan)
    paths.append(collect_updates(review)[1])
    return {p.name: p for p in paths}


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A fresh review folder holding the sample."""
    return init_folder(tmp_path / "review")


def soffice() -> str:
    """The LibreOffice binary, or skip; in CI (KCP_REQUIRE_LIBREOFFICE=1) a missing one fails."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("KCP_REQUIRE_LIBREOFFICE"):
        pytest.fail("LibreOffice (soffice) is required here but not installed")
    pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
