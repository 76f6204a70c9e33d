"""What the commands keep between runs (kept.py): the settings checked and the
sent workbooks decoded are taken back only when built from the same inputs,
are exactly what building them again gives, and a damaged or unwritable
cache is built around."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from kcp_sheets import kept
from kcp_sheets.problems import ProblemError
from kcp_sheets.settings import load_review


def _kept_names(folder: Path) -> list[str]:
    with sqlite3.connect(folder / kept.CACHE_FILE) as db:
        return [r[0] for r in db.execute("SELECT name FROM kept ORDER BY name")]


def test_settings_kept_are_those_read_again(folder: Path) -> None:
    fresh = load_review(folder)
    assert not (folder / kept.CACHE_FILE).exists()  # only the commands keep them
    first = load_review(folder, keep=True)
    assert _kept_names(folder) == ["settings"]
    again = load_review(folder, keep=True)
    assert fresh == first == again
    assert again.folder == folder and again.actions_of("ET") == fresh.actions_of("ET")


def test_settings_changed_since_are_read_again(folder: Path) -> None:
    load_review(folder, keep=True)
    text = (folder / "actions.csv").read_text(encoding="utf-8-sig")
    (folder / "actions.csv").write_text(text.replace("Low satisfaction", "Poor satisfaction", 1), encoding="utf-8")
    changed = load_review(folder, keep=True)
    assert changed.actions_of("ET")[0].issue.startswith("Poor satisfaction")
    assert load_review(folder, keep=True) == changed


def test_settings_with_mistakes_are_never_kept(folder: Path) -> None:
    load_review(folder, keep=True)
    text = (folder / "review.yaml").read_text()
    (folder / "review.yaml").write_text(text.replace("ruth.owen@example.org", "ruth.owen.example.org", 1))
    for _ in range(2):
        with pytest.raises(ProblemError):
            load_review(folder, keep=True)


def test_a_damaged_cache_is_read_around(folder: Path) -> None:
    load_review(folder, keep=True)
    (folder / kept.CACHE_FILE).write_bytes(b"not a database at all" * 100)
    assert load_review(folder, keep=True) == load_review(folder)


def test_something_else_kept_under_the_settings_name_is_not_taken(folder: Path) -> None:
    load_review(folder, keep=True)
    with sqlite3.connect(folder / kept.CACHE_FILE) as db:
        [digest] = db.execute("SELECT digest FROM kept WHERE name = 'settings'").fetchone()
    kept.put(folder, "settings", digest, {"not": "a review"})
    assert load_review(folder, keep=True) == load_review(folder)


def test_what_cannot_be_kept_is_built_each_time(folder: Path) -> None:
    kept.put(folder, "thing", "digest", lambda: None)  # cannot be pickled: nothing kept, no error
    assert kept.get(folder, "thing", "digest") is None
    kept.put(folder, "thing", "digest", {"a": 1})
    assert kept.get(folder, "thing", "digest") == {"a": 1}
    assert kept.get(folder, "thing", "another digest") is None
    kept.put(folder, "thing", "another digest", {"a": 2})
    assert kept.get(folder, "thing", "digest") is None  # one entry per name: the latest


def _sent(folder: Path, keep: bool) -> tuple[list, dict]:
    from kcp_sheets.ledger import Ledger
    from kcp_sheets.read_cache import context
    from kcp_sheets.sent_kept import rows_now, sent_workbooks

    review = load_review(folder, keep=True)
    with Ledger(folder) as ledger:
        now = rows_now(review)
        return sent_workbooks(ledger, review, now, context(review, ledger.sent_rows(review.review_id)), keep), now


def test_sent_workbooks_kept_are_those_decoded(tmp_path: Path) -> None:
    from kcp_sheets.demo import prepare_demo
    from kcp_sheets.sent import encode

    folder = tmp_path / "demo"
    prepare_demo(folder)
    decoded, _ = _sent(folder, keep=False)
    assert "sent" not in _kept_names(folder)
    first, _ = _sent(folder, keep=True)
    assert "sent" in _kept_names(folder)
    again, now = _sent(folder, keep=True)
    assert (
        [(p.key, encode(p)) for p in again]
        == [(p.key, encode(p)) for p in first]
        == [(p.key, encode(p)) for p in decoded]
    )
    tracker = again[0].spec.main_table().key
    assert again[0].content.rows[tracker] is now[again[0].cluster]  # the settings' rows, not a copy


def test_sent_workbooks_are_decoded_again_when_the_settings_change(tmp_path: Path) -> None:
    from kcp_sheets.demo import prepare_demo

    folder = tmp_path / "demo"
    prepare_demo(folder)
    _sent(folder, keep=True)
    text = (folder / "actions.csv").read_text(encoding="utf-8-sig")
    (folder / "actions.csv").write_text(text.replace("Low satisfaction", "Poor satisfaction", 1), encoding="utf-8")
    sent, now = _sent(folder, keep=True)
    tracker = sent[0].spec.main_table().key
    et = next(p for p in sent if p.cluster == "ET")
    assert et.content.rows[tracker][0]["issue"].startswith("Low satisfaction")  # as sent, not as the settings say now
    assert now["ET"][0]["issue"].startswith("Poor satisfaction")


def test_the_commands_keep_the_settings_of_the_folder_they_work_on(folder: Path) -> None:
    from typer.testing import CliRunner

    from kcp_sheets.cli import app

    result = CliRunner().invoke(app, ["generate", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _kept_names(folder) == ["settings"]
    assert load_review(folder, keep=True) == load_review(folder)


def test_the_desks_buttons_keep_the_settings_as_the_commands_do(folder: Path) -> None:
    from kcp_sheets import steps
    from kcp_sheets.desk.jobs import Job
    from kcp_sheets.desk.steps import run

    run(steps.generate, folder, Job("generate", "Generate"))
    assert _kept_names(folder) == ["settings"]


def test_layouts_decoded_together_share_their_parts_and_stay_as_they_were(review) -> None:
    import dataclasses

    from kcp_sheets.sent import Shared
    from kcp_sheets.workbooks import cluster_workbook

    shared = Shared()
    one, two = (shared.spec(cluster_workbook(review, code).spec) for code in ("ET", "HW"))
    assert one == cluster_workbook(review, "ET").spec and two == cluster_workbook(review, "HW").spec
    assert one.main_table().table.columns is two.main_table().table.columns
    table = one.main_table()
    odd = dataclasses.replace(  # something unhashable inside (a list): held as it is, not refused
        table,
        table=dataclasses.replace(table.table, columns=(*table.table.columns[:-1], _listed(table.table.columns[-1]))),
    )
    spec = dataclasses.replace(one, sheets=tuple(odd if s is table else s for s in one.sheets))
    assert shared.spec(spec) == spec


def _listed(column):  # noqa: ANN001, ANN202
    import dataclasses

    return dataclasses.replace(column, choices=list(column.choices))


def test_the_desks_pages_take_the_settings_kept_and_keep_nothing(folder: Path) -> None:
    """A page writes nothing, yet a national master list is not parsed again at every page."""
    from starlette.testclient import TestClient

    from kcp_sheets.desk.app import create_app
    from kcp_sheets.desk.guard import Keys

    keys = Keys()
    client = TestClient(create_app(folder, keys), base_url="http://127.0.0.1:8040", follow_redirects=False)
    assert client.get(f"/?token={keys.token}").status_code == 303
    title = load_review(folder).title
    assert title in client.get("/").text
    assert not (folder / kept.CACHE_FILE).exists()  # the page kept nothing
    load_review(folder, keep=True)  # a command keeps them
    [digest] = _kept_digests(folder)
    as_kept = load_review(folder)
    kept.put(folder, "settings", digest, replace(as_kept, title="Settings as kept", folder=Path()))
    assert "Settings as kept" in client.get("/").text  # taken as kept: not parsed again
    (folder / "review.yaml").write_text((folder / "review.yaml").read_text() + "\n")  # changed since: read again
    page = client.get("/").text
    assert title in page and "Settings as kept" not in page
    assert _kept_digests(folder) == [digest]  # and not kept by the page


def _kept_digests(folder: Path) -> list[str]:
    with sqlite3.connect(folder / kept.CACHE_FILE) as db:
        return [r[0] for r in db.execute("SELECT digest FROM kept WHERE name = 'settings'")]
