"""Any file from the real world: one problem line, never a crash, never a
gigabyte. The hostile and odd files of tests/corpus.py each get the right
diagnosis; a mixed inbox of them and of damaged mutants is checked by the
command itself in a child process, which must name every file, print no
traceback, exit 0 or 1, and stay within the memory target."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import soffice
from corpus import Case, cases, libreoffice_cases, mutants

from kcp_sheets.check import check_returns
from kcp_sheets.read_workers import Reads
from kcp_sheets.reader import read_source

PEAK_MB = 300  # no single file may take the reading past this
REGRESSIONS = Path(__file__).parent / "regressions"
MUTANTS = int(os.environ.get("KCP_CORPUS_MUTANTS", "12"))
# A library's own words: an exception's name, a panic, bytes as Python prints them.
LIBRARY_TEXT = re.compile(r"[a-z](Error|Exception)\b|BadZip|panic|Traceback|\bb'|\\x[0-9a-f]{2}|Expecting '|BytesText")


def assert_diagnosis(review, folder: Path, found: list[Case]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for case in found:
        path = folder / case.name
        path.write_bytes(case.data)
        result = check_returns(review, [path])
        problems = result.all_problems()
        codes = [p.code for p in problems]
        assert all(p.file == case.name and p.message and p.ask for p in problems), case.name
        assert "file-read-failed" not in codes, (case.name, [p.message for p in problems])
        assert not [p.message for p in problems if LIBRARY_TEXT.search(p.message)], case.name
        if case.expect:
            assert [p.code for p in problems if p.severity == "error"][:1] == [case.expect], (
                case.name,
                [p.message for p in problems],
            )
        else:
            [ret] = result.returns
            assert ret.cluster == "ET", (case.name, [p.message for p in problems])
            assert ret.rows["Progress Tracker"][0].values["coordinator_score"] == 4, case.name
        if case.warn:
            assert case.warn in codes, (case.name, codes)


def test_each_odd_file_is_told_apart(review, valid_xlsx: bytes, tmp_path: Path) -> None:
    assert_diagnosis(review, tmp_path, cases(valid_xlsx))


@pytest.fixture(scope="module")
def saved_by_libreoffice(valid_xlsx: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    soffice()
    return libreoffice_cases(valid_xlsx, tmp_path_factory.mktemp("libreoffice"))


@pytest.mark.libreoffice
def test_files_libreoffice_saves_are_told_apart(review, saved_by_libreoffice: list[Case], tmp_path: Path) -> None:
    assert_diagnosis(review, tmp_path / "inbox", saved_by_libreoffice)


@pytest.mark.libreoffice
def test_damaged_xls_and_ods_in_an_inbox_cost_a_line_each_in_bounded_memory(
    folder: Path, saved_by_libreoffice: list[Case]
) -> None:
    found = list(saved_by_libreoffice)
    for n, base in enumerate(saved_by_libreoffice):
        found += mutants(base, max(2, MUTANTS // 4), seed=100 + n)
    for case in found:
        (folder / "inbox" / case.name).write_bytes(case.data)
    code, output, peak = measured_check(folder)
    assert code in (0, 1), output[-2000:]
    assert "Traceback" not in output and "panicked" not in output and "unexpected" not in output, output[-3000:]
    assert not [c.name for c in found if c.name not in output], output[-3000:]
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


def test_a_library_panic_is_one_problem(review, tmp_path: Path) -> None:
    """A damaged .xls (found by fuzzing) on which the reading library panics."""
    path = tmp_path / "panics.xls"
    path.write_bytes((REGRESSIONS / "calamine-panic.xls").read_bytes())
    [found] = check_returns(review, [path]).all_problems()
    assert found.code == "file-truncated" and found.file == "panics.xls"
    assert (
        "does not follow the format" in found.message and "panic" not in found.message.lower()
    )  # the file's fault, in plain words


def measured_check(folder: Path) -> tuple[int, str, float]:
    """`kcp-sheets check FOLDER` in a child process: exit code, output, and the
    peak memory (MB) of that process and its workers, from a fresh parent so no
    earlier child counts."""
    probe = (
        "import json, resource, subprocess, sys\n"
        "run = subprocess.run([sys.executable, '-m', 'kcp_sheets', 'check', sys.argv[1]],\n"
        "                     capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps([run.returncode, run.stdout + run.stderr, peak]))\n"
    )
    env = {**os.environ, "COLUMNS": "400", "KCP_DEBUG": ""}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(folder)], capture_output=True, text=True, env=env, timeout=900, check=True
    )
    code, output, peak = json.loads(done.stdout)
    return code, output, peak


def test_a_mixed_inbox_names_every_file_without_a_crash_in_bounded_memory(
    review, folder: Path, valid_xlsx: bytes
) -> None:
    found = cases(valid_xlsx)
    found += mutants(Case("valid.xlsx", valid_xlsx, None), MUTANTS, seed=1)
    found += mutants(Case("excel2.xls", found[10].data, None), 3, seed=2)
    found += mutants(Case("repeats.ods", found[11].data, None), 3, seed=3)
    found.append(Case("panics.xls", (REGRESSIONS / "calamine-panic.xls").read_bytes(), None))
    assert len(found) >= Reads().parallel_from, "the inbox must be read in parallel"
    inbox = folder / "inbox"
    for case in found:
        (inbox / case.name).write_bytes(case.data)
    code, output, peak = measured_check(folder)
    assert code in (0, 1), output[-2000:]
    assert "Traceback" not in output and "panicked" not in output and "unexpected" not in output, output[-3000:]
    missing = [c.name for c in found if c.name not in output]
    assert not missing, (missing, output[-3000:])
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB"


def test_serial_and_parallel_reading_say_the_same(review, valid_xlsx: bytes, tmp_path: Path) -> None:
    paths = []
    for case in [*cases(valid_xlsx), Case("panics.xls", (REGRESSIONS / "calamine-panic.xls").read_bytes(), None)]:
        paths.append(tmp_path / case.name)
        paths[-1].write_bytes(case.data)

    def codes(reads: Reads) -> list[tuple[str, str, str]]:
        result = check_returns(review, paths, reads=reads)
        return sorted((p.file, p.code, p.message) for p in result.all_problems())

    serial = codes(Reads(parallel_from=10_000))
    assert codes(Reads(parallel_from=1)) == serial  # in workers, after the cheap look


def _dies_on_one_file(source, review, plans, **options):  # noqa: ANN001, ANN003, ANN202 - a reader that kills its worker, or gives what cannot be sent back
    if source.name == "kills its worker.xlsx":
        os._exit(9)
    result = read_source(source, review, plans, **options)
    if source.name == "unpicklable.xlsx":
        result.saved = lambda: None  # type: ignore[assignment]
    return result


def test_a_worker_that_dies_or_cannot_send_its_result_costs_one_file(review, valid_xlsx: bytes, tmp_path: Path) -> None:
    """Workers fork from this process, so they run the stand-in reader above."""
    names = ["kills its worker.xlsx", "unpicklable.xlsx", *(f"return {n}.xlsx" for n in range(6))]
    for name in names:
        (tmp_path / name).write_bytes(valid_xlsx)
    result = check_returns(
        review, [tmp_path / n for n in names], reads=Reads(parallel_from=1, reader=_dies_on_one_file)
    )
    failed = {p.file: p.message for p in result.all_problems() if p.code == "file-read-failed"}
    assert sorted(failed) == ["kills its worker.xlsx", "unpicklable.xlsx"]
    assert "stopped" in failed["kills its worker.xlsx"]
    assert sorted(r.source.name for r in result.returns if r.cluster == "ET") == sorted(names[2:])
