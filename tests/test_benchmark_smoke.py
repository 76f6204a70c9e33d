"""The benchmark script runs (tiny sizes, no timing asserted), so it cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_quick_run_prints_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for figure in (
        "cores",
        "generate one tracker",
        "read and check one return",
        "--help",
        "file inbox, whole process",
        "same inbox again",
        "demo end to end",
        "national first check",
        "national check again",
        "national consolidate",
        "the first consolidate",
        "national export",
        "peak memory",
    ):
        assert figure in done.stdout, figure
