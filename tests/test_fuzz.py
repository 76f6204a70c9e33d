"""Bounded fuzzing of valid returns: bytes inside the zip parts, cell values
and structure mutated at random. Every mutant must give records or problems
that say what is wrong, never an unexpected failure, a hang, or a write
anywhere but output/. Failures found are kept as regression files in
tests/regressions/ and re-read on every run."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcp_sheets.check import check_returns
from kcp_sheets.fill import fill_workbook

REGRESSIONS = Path(__file__).parent / "regressions"
BUDGET = settings(
    max_examples=int(os.environ.get("KCP_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def valid(plans, outbox: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    plan = plans["ET"]
    path = fill_workbook(
        plan,
        outbox / plan.file_name,
        tmp_path_factory.mktemp("fuzz") / "valid.xlsx",
        {"Progress Tracker": {"ET-01": {"progress": "Done", "coordinator_score": 4, "agreed_score": 4}}},
        {"Review Summary": {"attendance": "All"}},
    )
    return path.read_bytes()


def read_safely(review, path: Path) -> None:
    """Read one mutant: bounded in time, no unexpected failure, nothing written."""
    before = sorted(p.name for p in path.parent.iterdir())
    start = time.monotonic()
    result = check_returns(review, [path])
    assert time.monotonic() - start < 30
    unexpected = [p for p in result.all_problems() if p.code == "file-read-failed"]
    if unexpected:
        REGRESSIONS.mkdir(exist_ok=True)
        (REGRESSIONS / f"failure-{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}.xlsx").write_bytes(
            path.read_bytes()
        )
    assert not unexpected, unexpected[0].message
    assert sorted(p.name for p in path.parent.iterdir()) == before


def mutate_part(data: bytes, part_index: int, position: float, replacement: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        infos = zin.infolist()
        target = infos[part_index % len(infos)].filename
        for info in infos:
            content = zin.read(info.filename)
            if info.filename == target and content:
                at = int(position * (len(content) - 1))
                content = content[:at] + replacement + content[at + len(replacement) :]
            zout.writestr(info.filename, content)
    return out.getvalue()


@BUDGET
@given(part=st.integers(0, 50), position=st.floats(0, 1), replacement=st.binary(min_size=1, max_size=12))
def test_bytes_inside_zip_parts(
    review, valid: bytes, tmp_path: Path, part: int, position: float, replacement: bytes
) -> None:
    path = tmp_path / "mutant.xlsx"
    path.write_bytes(mutate_part(valid, part, position, replacement))
    read_safely(review, path)


@BUDGET
@given(position=st.floats(0, 1), replacement=st.binary(min_size=1, max_size=64))
def test_raw_bytes_of_the_file(review, valid: bytes, tmp_path: Path, position: float, replacement: bytes) -> None:
    at = int(position * (len(valid) - 1))
    path = tmp_path / "mutant.xlsx"
    path.write_bytes(valid[:at] + replacement + valid[at + len(replacement) :])
    read_safely(review, path)


CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=50),
    st.sampled_from(["#REF!", "=1/0", "4 - x", "Yes", "ET-01", "Total score"]),
)


@BUDGET
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["Progress Tracker", "Review Summary", "KCP identity"]),
            st.integers(1, 40),
            st.integers(1, 20),
            CELL_VALUES,
        ),
        max_size=12,
    ),
    delete_rows=st.lists(st.integers(1, 30), max_size=3),
    drop=st.sampled_from([None, "Review Summary", "KCP identity", "Instructions"]),
)
def test_cell_values_and_structure(review, valid: bytes, tmp_path: Path, edits, delete_rows, drop) -> None:
    source = tmp_path / "valid.xlsx"
    source.write_bytes(valid)
    book = openpyxl.load_workbook(source)
    for sheet, row, col, value in edits:
        cell = book[sheet].cell(row, col)
        if type(cell).__name__ == "MergedCell":
            continue
        cell.value = value
    for row in delete_rows:
        book["Progress Tracker"].delete_rows(row)
    if drop:
        del book[drop]
    path = tmp_path / "mutant.xlsx"
    book.save(path)
    read_safely(review, path)


def test_kept_regressions_still_read(review, tmp_path: Path) -> None:
    """Failures the fuzz found (and two made by hand like them): each is a damaged-file problem."""
    kept = sorted(REGRESSIONS.glob("*.xlsx"))
    assert len(kept) >= 3
    for file in kept:
        path = tmp_path / file.name
        path.write_bytes(file.read_bytes())
        read_safely(review, path)
        codes = {p.code for p in check_returns(review, [path]).all_problems()}
        assert "file-truncated" in codes, (file.name, codes)
