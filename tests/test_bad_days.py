"""Bad days: a full disk, a read-only copy, hostile settings and names. Each
gets a clear message and an exit code of 2, never a traceback or exit 3, and
no advice that would cost the officer a decision."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kcp_sheets.demo import prepare_demo
from kcp_sheets.desk.app import create_app
from kcp_sheets.desk.files import clean_name
from kcp_sheets.desk.guard import Keys
from kcp_sheets.folder import init_folder
from kcp_sheets.ledger import LEDGER_FILE
from kcp_sheets.problems import ProblemError
from kcp_sheets.settings import ACTIONS_FILE, SETTINGS_FILE, load_review
from kcp_sheets.textfile import LIMITS, Limits


def kcp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kcp_sheets", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "demo"
    prepare_demo(folder)
    assert kcp("check", str(folder)).returncode == 1
    assert kcp("accept", str(folder), "#6", "--note", "agreed by phone").returncode == 0
    return folder


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A small file system of our own at `where`, for the test's length; skips where this machine lets us make none."""
    where.mkdir(parents=True, exist_ok=True)
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, check=False
        ).returncode
    ):
        pytest.skip("no file system of our own can be made here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def decisions(folder: Path) -> list[tuple]:
    with sqlite3.connect(f"{(folder / LEDGER_FILE).as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT id, decision, note FROM returns ORDER BY id").fetchall()


def test_a_full_disk_is_said_as_such_and_costs_no_decision(demo: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "8m") as disk:
        folder = disk / "review"
        shutil.copytree(demo, folder, ignore=shutil.ignore_patterns("outbox", "output", ".kcp-read-cache.sqlite"))
        before = decisions(folder)
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)  # the disk, full to the last byte
        for size in (65536, 1):
            try:
                while True:
                    os.write(filler, b"\0" * size)
            except OSError:
                pass
        os.close(filler)
        said = kcp("reject", str(folder), "#3", "--reason", "the wrong cluster's")
        assert said.returncode == 2 and "Traceback" not in said.stderr
        assert "Free some space" in said.stderr and "intact" in said.stderr
        assert "move it out" not in said.stderr and "aside" not in said.stderr
        assert decisions(folder) == before


def test_a_read_only_copy_can_be_looked_at_and_says_it_cannot_be_changed(demo: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "cd", "64m") as disk:
        shutil.copytree(demo, disk / "review")
        assert subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=False).returncode == 0
        folder = disk / "review"
        listed = kcp("returns", str(folder))
        assert listed.returncode == 0 and "accepted: agreed by phone" in listed.stdout
        status = kcp("status", str(folder))
        assert (
            status.returncode == 0
            and "accepted: agreed by phone" in status.stdout
            and "cannot be written to" in status.stderr
        )
        refused = kcp("accept", str(folder), "#3", "--note", "fine")
        assert (
            refused.returncode == 2
            and "cannot be written" in refused.stderr
            and "intact" in refused.stderr
            and "Traceback" not in refused.stderr
        )


def test_an_output_folder_that_cannot_be_written_to_is_named_with_the_plan_it_was_to_hold(
    demo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "review"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns("output"))
    with small_disk(folder / "output", "1m") as output:
        assert subprocess.run(["mount", "-o", "remount,ro", str(output)], check=False).returncode == 0
        said = kcp("consolidate", str(folder))
        assert said.returncode == 2 and "Traceback" not in said.stderr
        assert "Read-only file system" in said.stderr and "2004 Improvement Action Plan.xlsx" in said.stderr
        assert ".kcp-" not in said.stderr  # never the hidden name it is written under first


def test_an_output_folder_that_fills_up_says_the_disk_is_full_and_leaves_nothing_half_written(
    demo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "review"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns("output"))
    with small_disk(folder / "output", "24k") as output:
        said = kcp("consolidate", str(folder))
        assert said.returncode == 2 and "Traceback" not in said.stderr and "unexpected" not in said.stderr
        assert "The disk is full" in said.stderr and "2004 Improvement Action Plan.xlsx" in said.stderr
        assert list(output.iterdir()) == []  # nothing half-written, nothing hidden left behind


def test_a_yaml_alias_bomb_is_refused_before_it_is_built(folder: Path) -> None:
    bomb = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    bomb += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    settings = folder / SETTINGS_FILE
    settings.write_text("\n".join(bomb) + "\ntitle: *a9\n" + settings.read_text().replace("title:", "old_title:", 1))
    with pytest.raises(ProblemError) as caught:
        load_review(folder)
    assert "aliases" in caught.value.problems[0].message


def csv_problem(folder: Path, text: bytes, limits: Limits = LIMITS) -> str:
    (folder / ACTIONS_FILE).write_bytes(text)
    with pytest.raises(ProblemError) as caught:
        load_review(folder, limits)
    return "\n".join(f"{p.place}: {p.message} {p.ask}" for p in caught.value.problems)


def test_settings_csv_mistakes_are_named_with_their_line(folder: Path) -> None:
    original = (folder / ACTIONS_FILE).read_bytes()
    lines = original.splitlines()
    said = csv_problem(folder, b"\n".join([*lines[:3], lines[3] + b',"never closed', *lines[4:]]), Limits(field=500))
    assert "quote" in said and "row 4" in said or "line 4" in said
    said = csv_problem(folder, b"\n".join([*lines[:5], lines[5][:10] + b"\0" + lines[5][10:], *lines[6:]]))
    assert "line 6" in said and "NUL" in said
    said = csv_problem(folder, original.decode("utf-8-sig").encode("utf-16-le"))
    assert "UTF-16" in said
    said = csv_problem(folder, original + b"\n".join(lines[1:]) * 3, Limits(rows=150))
    assert "more than 150 rows" in said
    (folder / ACTIONS_FILE).write_bytes(
        original.decode("utf-8-sig").encode("utf-16")
    )  # Excel's "Unicode text", with its mark
    assert load_review(folder).actions


def test_a_field_longer_than_any_cell_is_a_problem_not_a_crash(folder: Path) -> None:
    lines = (folder / ACTIONS_FILE).read_bytes().splitlines()
    said = csv_problem(folder, b"\n".join([*lines[:2], lines[2] + b',"' + b"x" * 140_000 + b'"', *lines[3:]]))
    assert "32,767" in said
    result = kcp("generate", str(folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_names_cannot_drive_the_terminal(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "names"
    shutil.copytree(demo, folder)
    hostile = "\x1b[2J\x1b[1;32m ALL RETURNS CLEAN \x1b[0m.xlsx"
    shutil.copyfile(folder / "inbox" / "HW return 2004.xlsx", folder / "inbox" / hostile)
    (folder / "inbox" / "HW return 2004.xlsx").unlink()
    for command in ("check", "returns", "status"):
        said = kcp(command, str(folder))
        assert "\x1b" not in said.stdout + said.stderr, command
    assert "␛[2J" in kcp("returns", str(folder)).stdout


def desk(folder: Path) -> TestClient:
    client = TestClient(create_app(folder, keys := Keys()), base_url="http://127.0.0.1:8040", follow_redirects=False)
    assert client.get(f"/?token={keys.token}").status_code == 303
    client.csrf = keys.csrf  # type: ignore[attr-defined]
    return client


def test_the_desk_answers_only_to_its_own_name(demo: Path) -> None:
    keys = Keys()
    client = TestClient(create_app(demo, keys), base_url="http://evil.example", follow_redirects=False)
    answer = client.get(f"/?token={keys.token}")
    assert answer.status_code == 400 and "set-cookie" not in answer.headers
    for name in ("http://localhost:8040", "http://[::1]:8040"):
        assert (
            TestClient(create_app(demo, keys), base_url=name, follow_redirects=False)
            .get(f"/?token={keys.token}")
            .status_code
            == 303
        )


def test_a_desk_open_to_every_address_is_reached_by_the_name_others_use(demo: Path) -> None:
    """serve --host 0.0.0.0: other machines reach it by this
    machine's address, which it cannot know; the token guards it."""
    keys = Keys()
    client = TestClient(
        create_app(demo, keys, host="0.0.0.0"), base_url="http://192.0.2.10:8040", follow_redirects=False
    )
    assert client.get(f"/?token={keys.token}").status_code == 303
    stranger = TestClient(
        create_app(demo, keys, host="0.0.0.0"), base_url="http://192.0.2.10:8040", follow_redirects=False
    )
    assert stranger.get("/?token=wrong").status_code == 403


def test_the_desk_neither_lists_nor_follows_links_and_refuses_odd_paths(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "links"
    shutil.copytree(demo, folder)
    secret = tmp_path / "secret.txt"
    secret.write_text("not the officer's")
    (folder / "inbox" / "passwd.xlsx").symlink_to(secret)
    (folder / "output" / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    client = desk(folder)
    listed = client.get("/downloads").text
    assert "passwd.xlsx" not in listed and "elsewhere" not in listed
    assert client.get("/files/inbox/passwd.xlsx").status_code == 404
    assert client.get("/files/output/elsewhere/secret.txt").status_code == 404
    assert client.get("/files/inbox/%00").status_code == 404
    said = kcp("check", str(folder))
    assert (
        "link to a file elsewhere" in said.stdout + said.stderr and "not the officer" not in said.stdout + said.stderr
    )


def test_upload_names_keep_their_extension_and_lose_their_controls(demo: Path, tmp_path: Path) -> None:
    assert clean_name(" .xlsx") == "return.xlsx" and clean_name("..xlsx") == "return.xlsx"
    assert clean_name("rtl\u202excod.xlsx") == "rtlxcod.xlsx"
    assert clean_name("../../etc/passwd.ods") == "passwd.ods"


def test_an_upload_onto_a_full_disk_is_said_and_leaves_nothing_behind(demo: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "updisk", "4m") as disk:
        folder = disk / "review"
        shutil.copytree(
            demo, folder, ignore=shutil.ignore_patterns("outbox", "output", "inbox", ".kcp-read-cache.sqlite")
        )
        (folder / "inbox").mkdir()
        client = desk(folder)
        big = io.BytesIO(os.urandom(6 * 1024 * 1024))
        answer = client.post(
            "/inbox", data={"csrf": client.csrf}, files={"returns": ("big.xlsx", big, "application/octet-stream")}
        )
        assert answer.status_code == 303
        shown = client.get(answer.headers["location"]).text
        assert "could not be saved" in shown and "Free some space" in shown
        assert [p.name for p in (folder / "inbox").iterdir()] == []


def test_a_new_folder_has_none_of_this(tmp_path: Path) -> None:
    """The limits do not touch a real review: the sample loads as it is."""
    assert load_review(init_folder(tmp_path / "review"), Limits()).actions


def test_a_request_that_never_arrives_whole_is_closed(demo: Path) -> None:
    """A client sending its headers a byte at a time (or never finishing them) is cut off, so a thousand of them
    cannot hold the desk's connections and files open."""
    import socket

    code = (
        "import sys; from pathlib import Path; from kcp_sheets.desk.server import serve\n"
        "serve(Path(sys.argv[1]), '127.0.0.1', 0, False, request_seconds=1)"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code, str(demo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        address = server.stdout.readline().strip()
        port = int(address.split(":")[2].split("/")[0])
        slow = socket.create_connection(("127.0.0.1", port), timeout=10)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and nothing more
        slow.settimeout(10)
        assert slow.recv(1024) == b""  # closed by the desk, well before our own timeout
        slow.close()
        whole = socket.create_connection(("127.0.0.1", port), timeout=10)
        whole.sendall(b"GET /static/desk.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert whole.recv(64).startswith(b"HTTP/1.1 ")  # a request that arrives whole is answered as ever
        whole.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
