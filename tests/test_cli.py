"""The commands as the officer types them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kcp_sheets.cli import app

runner = CliRunner()


def run(*args: str):  # noqa: ANN201
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "200"})


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("init", "generate", "check", "status", "consolidate", "demo"):
        assert command in result.output


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "kcp_sheets", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "generate" in done.stdout


def test_init_then_generate(tmp_path: Path) -> None:
    folder = tmp_path / "review 2004"
    assert run("init", str(folder)).exit_code == 0
    assert (folder / "review.yaml").is_file() and (folder / "inbox").is_dir()
    again = run("init", str(folder))
    assert again.exit_code == 2 and "--force" in again.output
    result = run("generate", str(folder))
    assert result.exit_code == 0 and "9 files written" in result.output
    assert len(list((folder / "outbox").glob("*.xlsx"))) == 9


def test_generate_from_a_bad_folder_says_where_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    run("init", str(folder))
    settings = folder / "review.yaml"
    settings.write_text(settings.read_text().replace("stage1_deadline: 2004-04-16", "stage1_deadline: 16th April"))
    line = next(
        n
        for n, text in enumerate(settings.read_text().splitlines(), start=1)
        if text.startswith("stage1_deadline: 16th April")
    )
    result = run("generate", str(folder))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"review.yaml: line {line}: 'stage1_deadline'" in result.stderr and "Traceback" not in result.output
    assert not list((folder / "outbox").glob("*.xlsx"))


def test_generate_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    result = run("generate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"There is no folder {tmp_path / 'nowhere'}." in result.stderr


def test_demo_check_status_consolidate(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = run("demo", str(folder))
    assert result.exit_code == 0, result.output
    assert "Improvement Action Plan.xlsx" in result.output
    check = run("check", str(folder))
    assert check.exit_code == 1  # the demo's return with mistakes has an error
    assert "score" in check.output and (folder / "output" / "2004 Problems in the returns.xlsx").is_file()
    status = run("status", str(folder))
    assert status.exit_code == 0 and "not yet received" in status.stdout
    assert "Strategic: In depth this year" in status.output and "Inclusive: Due by 2006" in status.output
    plan = run("consolidate", str(folder), "--public")
    assert plan.exit_code == 0 and "(public).xlsx" in plan.output


def test_check_named_files_and_a_clean_return_exits_zero(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    run("init", str(folder))
    run("generate", str(folder))
    sent = folder / "outbox" / "2004 Accreditation action plan review.xlsx"
    result = run("check", str(folder), str(sent))
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_demo_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    folder = tmp_path / "real review"
    run("init", str(folder))
    result = run("demo", str(folder))
    assert result.exit_code == 2 and "not a demo folder" in result.output


def test_every_command_and_option_in_the_readme_exists() -> None:
    import re

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    uses = re.findall(r"`kcp-sheets ([a-z-]+)([^`]*)`", readme)
    assert len(uses) >= 8
    for command, rest in uses:
        if command == "COMMAND":
            continue
        if command.startswith("--"):
            assert command in run("--help").output, f"README mentions kcp-sheets {command}, which --help does not list"
            continue
        help_text = run(command, "--help").output
        assert "Usage" in help_text, command
        for option in re.findall(r"--[a-z-]+", rest):
            assert option in help_text, f"README mentions kcp-sheets {command} {option}, which --help does not list"


def test_an_unwritable_folder_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    run("init", str(folder))
    (folder / "outbox").rmdir()
    (folder / "outbox").write_text("a file where the outbox folder should be")
    done = subprocess.run(
        [sys.executable, "-m", "kcp_sheets", "generate", str(folder)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "outbox" in done.stderr


def test_usage_lines_read_as_a_person_types_them() -> None:
    """No {FOLDER} in braces, which a newcomer may type: FOLDER
    when it must be given, [FOLDER] when it may be left out."""
    from typer.testing import CliRunner

    from kcp_sheets.cli import app

    runner = CliRunner()
    for name in (
        "init",
        "generate",
        "check",
        "status",
        "remind",
        "consolidate",
        "report",
        "returns",
        "accept",
        "reject",
        "reopen",
        "dealt-with",
        "export",
        "plan-update",
        "serve",
        "demo",
    ):
        usage = runner.invoke(app, [name, "--help"]).output.splitlines()[0]
        assert "{" not in usage and "}" not in usage and "......" not in usage, usage
    assert runner.invoke(app, ["accept", "--help"]).output.splitlines()[0].endswith("accept [OPTIONS] [FOLDER] RETURN")


def test_the_demos_returns_were_saved_when_their_file_times_say(tmp_path: Path) -> None:
    """Which of two copies is newer reads the same every run: the demo's workbooks
    record the review's own dates as their save time, not the moment the demo ran."""
    import datetime as dt

    from kcp_sheets.reader.opening import saved_at

    folder = tmp_path / "demo"
    assert run("demo", str(folder)).exit_code == 0
    returns = sorted((folder / "inbox").glob("*.xlsx"))
    assert len(returns) >= 6
    for path in returns:
        assert saved_at(path.read_bytes()) == dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC), path.name


def test_serve_on_a_port_in_use_says_so(tmp_path: Path) -> None:
    """A second desk on a taken port: the port named and what to do, not the system's words."""
    import socket

    folder = tmp_path / "review"
    run("init", str(folder))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", str(folder), "--port", str(port))
    assert result.exit_code == 2, result.output
    assert f"Port {port} is already in use" in result.stderr and "--port" in result.stderr


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_serve_on_a_port_that_cannot_be_is_a_typing_mistake(tmp_path: Path, port: str) -> None:
    folder = tmp_path / "review"
    run("init", str(folder))
    result = run("serve", str(folder), "--port", port)
    assert result.exit_code == 2 and "Invalid value for '--port'" in result.stderr
    assert "unexpected" not in result.output and "OverflowError" not in result.output
