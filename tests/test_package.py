"""A plain `pip install .` ships the templates and the sample: build the
wheel, unpack it away from the source tree, and generate from it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_templates_and_sample_and_works_without_the_source_tree(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "dist").glob("kcp_sheets-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for template in (
        "cluster_tracker",
        "partnership_health",
        "accreditation_review",
        "improvement_plan",
        "return_problems",
        "common",
    ):
        assert f"kcp_sheets/workbook_templates/{template}.yaml" in names
    assert "kcp_sheets/samples/kcp-2004/review.yaml" in names
    for page in ("base", "overview", "return", "inbox", "job", "downloads", "settings"):
        assert f"kcp_sheets/desk/templates/{page}.html" in names
    assert "kcp_sheets/desk/static/desk.css" in names and "kcp_sheets/desk/static/desk.js" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import kcp_sheets, pathlib, sys;"
        "from kcp_sheets.folder import init_folder;"
        "from kcp_sheets.settings import load_review;"
        "from kcp_sheets.generate import generate;"
        "assert 'site' in kcp_sheets.__file__, kcp_sheets.__file__;"
        "print(len(generate(load_review(init_folder(pathlib.Path(sys.argv[1]))))))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "review")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "9"


def test_version_is_the_changelog_s_newest() -> None:
    """--version, the package metadata and the CHANGELOG's top entry say one version."""
    import re
    import tomllib

    from typer.testing import CliRunner

    from kcp_sheets.cli import app

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    newest = re.search(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert newest and newest.group(1) == declared
    assert CliRunner().invoke(app, ["--version"]).stdout.strip() == f"kcp-sheets {declared}"
