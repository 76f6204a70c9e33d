"""The review desk in-process: who may use it, what it shows, what it refuses.
The pages are driven in a real browser in test_desk_browser.py."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from desk_returns import IMG, SCRIPT, clean_return, hostile_email, hostile_return
from starlette.testclient import TestClient

from kcp_sheets.chase import chase_list
from kcp_sheets.check import check_returns
from kcp_sheets.desk.app import create_app, key_of
from kcp_sheets.desk.files import clean_name
from kcp_sheets.desk.guard import Keys
from kcp_sheets.folder import init_folder
from kcp_sheets.generate import generate
from kcp_sheets.settings import load_review


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review folder whose workbooks have been generated: copied for each test."""
    folder = init_folder(tmp_path_factory.mktemp("desk") / "review")
    generate(load_review(folder))
    return folder


@pytest.fixture()
def folder(sent: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(sent, tmp_path / "review"))


def desk(folder: Path) -> tuple[TestClient, Keys]:
    keys = Keys()
    client = TestClient(create_app(folder, keys), base_url="http://127.0.0.1:8040", follow_redirects=False)
    return client, keys


def signed_in(folder: Path) -> tuple[TestClient, Keys]:
    client, keys = desk(folder)
    assert client.get(f"/?token={keys.token}").status_code == 303
    return client, keys


def test_every_request_needs_the_token_then_the_session(folder: Path) -> None:
    client, keys = desk(folder)
    for path in ("/", "/inbox", "/settings", "/static/desk.css", "/files/outbox/x.xlsx"):
        assert client.get(path).status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.post("/run/check", data={"csrf": keys.csrf}).status_code == 403
    first = client.get(f"/settings?token={keys.token}")
    assert first.status_code == 303 and first.headers["location"] == "/settings"  # the token leaves the address
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert client.get("/settings").status_code == 200
    other, _ = desk(folder)  # another desk's token and cookie open nothing here
    assert other.get(f"/?token={keys.token}").status_code == 403


def test_every_answer_carries_strict_headers(folder: Path) -> None:
    client, keys = desk(folder)
    answers = [
        client.get("/"),
        client.get(f"/?token={keys.token}"),
        client.get("/"),
        client.get("/static/desk.js"),
        client.get("/nowhere"),
    ]
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
    page = answers[2].text
    assert "<script>" not in page and " style=" not in page and "on" + "click=" not in page  # no inline script or style
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from the internet


def test_the_overview_says_what_status_says(folder: Path) -> None:
    review = load_review(folder)
    clean_return(review, "HW", folder / "inbox" / "hw.xlsx")
    hostile_return(review, "ET", folder / "inbox" / "et.xlsx")
    client, _ = signed_in(folder)
    page = client.get("/").text
    result = check_returns(review)
    lines = chase_list(result)
    for line in lines:
        assert line.workbook in page
        if line.arrived:
            [ret] = [r for r in result.returns if r.source.name == line.return_name]
            assert f"{line.arrived:%d/%m/%Y}" in page and f">{ret.state}<" in page
        for person in line.to if line.chased else ():
            assert f"to {person.email}" in page
    assert f"{sum(line.chased for line in lines)} clusters to chase" in page
    assert f"<strong>{result.errors}</strong> error" in page
    assert "2 of 9 workbooks returned" in page
    for ret in result.returns:
        assert f"/returns/{key_of(ret.source.name)}" in page


def test_text_from_a_return_is_shown_as_text(folder: Path) -> None:
    review = load_review(folder)
    workbook = hostile_return(review, "ET", folder / "et.xlsx")
    hostile_email(workbook, folder / "inbox" / "mail.eml")
    client, _ = signed_in(folder)
    [ret] = check_returns(review).returns
    pages = [client.get("/").text, client.get("/inbox").text, client.get(f"/returns/{key_of(ret.source.name)}").text]
    returned = pages[2]
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in returned
    assert "&lt;img src=x onerror=&#34;window.pwned = 2&#34;&gt;" in returned
    for page in pages:
        assert SCRIPT not in page and IMG not in page
        assert "<img" not in page and "<b " not in page
    assert "mail.eml &gt; &lt;img src=y onerror=window.pwned=4&gt;.xlsx" in returned
    assert "&lt;b onmouseover=window.pwned=3&gt;Eve&lt;/b&gt;" in pages[0]


def test_a_return_page_lists_problems_by_sheet_and_cell_and_what_to_ask(folder: Path) -> None:
    review = load_review(folder)
    hostile_return(review, "ET", folder / "inbox" / "et.xlsx")
    client, _ = signed_in(folder)
    [ret] = check_returns(review).returns
    page = client.get(f"/returns/{key_of(ret.source.name)}").text
    [error] = [p for p in ret.problems if p.severity == "error"]
    assert f"<h3>{error.sheet}</h3>" in page and error.place in page
    assert "What to ask the sender" in page and error.ask in page
    assert client.get("/returns/0000000000000000").status_code == 404


def test_the_inbox_shows_when_each_file_was_saved_in_uk_time(folder: Path) -> None:
    """09:30 UTC on a summer's day is 10:30 on the officer's clock, whatever the machine's zone."""
    review = load_review(folder)
    path = clean_return(review, "HW", folder / "inbox" / "hw.xlsx")
    summer = dt.datetime(2004, 4, 21, 9, 30, tzinfo=dt.UTC).timestamp()
    os.utime(path, (summer, summer))
    client, _ = signed_in(folder)
    row = client.get("/inbox").text.split(">hw.xlsx")[1].split("</tr>")[0]
    assert "21/04/2004 10:30" in row


def test_uploads_land_in_the_inbox_under_a_safe_name_and_replace_nothing(folder: Path) -> None:
    review = load_review(folder)
    workbook = clean_return(review, "HW", folder / "hw.xlsx").read_bytes()
    client, keys = signed_in(folder)
    files = [
        ("returns", ("../../escaped.xlsx", workbook)),
        ("returns", ("..\\..\\also escaped.xlsx", workbook)),
        ("returns", ("escaped.xlsx", workbook)),
        ("returns", ("run me.exe", b"MZ")),
        ("returns", (".hidden.xlsx", workbook)),
    ]
    answer = client.post("/inbox", data={"csrf": keys.csrf}, files=files)
    assert answer.status_code == 303
    inbox = folder / "inbox"
    assert sorted(p.name for p in inbox.iterdir()) == [
        "also escaped.xlsx",
        "escaped (2).xlsx",
        "escaped.xlsx",
        "hidden.xlsx",
    ]
    assert not (folder.parent / "escaped.xlsx").exists() and not (folder / "escaped.xlsx").exists()
    assert all(not os.access(p, os.X_OK) for p in inbox.iterdir())
    page = client.get(answer.headers["location"]).text
    assert "4 files added" in page and "run me.exe" in page and "This is not a spreadsheet" in page
    assert "Health and well-being progress tracker" in page  # read at once, as check reads it


def test_uploads_are_refused_without_the_form_token_and_over_the_size_limit(folder: Path) -> None:
    settings = folder / "review.yaml"
    settings.write_text(re.sub(r"max_return_mb:.*", "max_return_mb: 0.05", settings.read_text()))
    client, keys = signed_in(folder)
    small = ("returns", ("a.xlsx", b"PK\x03\x04" + b"x" * 100))
    assert client.post("/inbox", data={"csrf": "forged"}, files=[small]).status_code == 403
    assert client.post("/inbox", files=[small]).status_code == 403
    big = ("returns", ("big.xlsx", b"PK\x03\x04" + b"x" * 60_000))
    page = client.post("/inbox", data={"csrf": keys.csrf}, files=[big], follow_redirects=True).text
    assert "more than the limit" in page
    huge = io.BytesIO(b"x" * 3 * 1024 * 1024)  # more than 20 returns' worth in one request
    assert client.post("/inbox", data={"csrf": keys.csrf}, files=[("returns", ("huge.xlsx", huge))]).status_code == 413

    def unannounced():  # a body sent in chunks, with no length declared: refused as it arrives
        yield f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{keys.csrf}\r\n'.encode()
        yield b'--b\r\nContent-Disposition: form-data; name="returns"; filename="huge.xlsx"\r\n\r\n'
        for _ in range(300):
            yield b"x" * 10_000

    answer = client.post("/inbox", content=unannounced(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert answer.status_code == 413
    assert sorted(p.name for p in (folder / "inbox").iterdir()) == []


def test_forms_from_another_site_or_without_their_token_are_refused(folder: Path) -> None:
    client, keys = signed_in(folder)
    assert client.post("/run/check", data={}).status_code == 403
    assert client.post("/run/check").status_code == 403
    assert (
        client.post("/run/check", content=f"csrf={keys.csrf}", headers={"content-type": "text/plain"}).status_code
        == 403
    )
    assert client.post("/returns/x/decide", data={"decision": "accepted", "note": "n"}).status_code == 403
    assert client.post("/returns/x/deal", data={"csrf": "forged", "problem": "k"}).status_code == 403
    assert client.post("/run/check", data={"csrf": "x" * 43}).status_code == 403
    assert (
        client.post("/run/check", data={"csrf": keys.csrf}, headers={"origin": "http://evil.example"}).status_code
        == 403
    )
    assert not list((folder / "output").iterdir())


def test_an_uploads_token_must_come_before_its_files(folder: Path) -> None:
    """The guard reads an upload only as far as its first part: the token, as the inbox's form sends it first."""
    client, keys = signed_in(folder)
    small = ("returns", ("a.xlsx", b"PK\x03\x04" + b"x" * 100))
    body = (
        b'--b\r\nContent-Disposition: form-data; name="returns"; filename="a.xlsx"\r\n\r\nPK\x03\x04\r\n'
        + f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{keys.csrf}\r\n--b--\r\n'.encode()
    )
    assert (
        client.post("/inbox", content=body, headers={"content-type": "multipart/form-data; boundary=b"}).status_code
        == 403
    )
    assert not list((folder / "inbox").iterdir())
    assert client.post("/inbox", data={"csrf": keys.csrf}, files=[small]).status_code == 303
    assert [p.name for p in (folder / "inbox").iterdir()] == ["a.xlsx"]


def test_downloads_only_from_the_review_folders_areas(folder: Path, tmp_path: Path) -> None:
    client, _ = signed_in(folder)
    sent = sorted((folder / "outbox").iterdir())[0]
    answer = client.get(f"/files/outbox/{sent.name}")
    assert answer.status_code == 200 and answer.content == sent.read_bytes()
    assert answer.headers["content-disposition"].startswith("attachment")
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "outbox" / "link.xlsx").symlink_to(tmp_path / "secret.txt")
    for path in (
        "review.yaml",
        "outbox/../review.yaml",
        "outbox/%2e%2e/review.yaml",
        "outbox/..%2freview.yaml",
        "outbox/link.xlsx",
        "%2e%2e/secret.txt",
        "outbox/%2e%2e/%2e%2e/secret.txt",
        "/etc/passwd",
        "outbox/",
        "outbox/nothing.xlsx",
    ):
        answer = client.get(f"/files/{path}")
        assert answer.status_code == 404, path
        assert b"secret" not in answer.content


def _finish(client: TestClient, location: str) -> str:
    for _ in range(300):
        page = client.get(location).text
        if "data-follow" not in page:
            return page
        time.sleep(0.1)
    raise AssertionError("the step did not finish")


def test_generate_check_and_consolidate_from_buttons(folder: Path) -> None:
    review = load_review(folder)
    shutil.rmtree(folder / "outbox")
    client, keys = signed_in(folder)
    page = _finish(client, client.post("/run/generate", data={"csrf": keys.csrf, "emails": "1"}).headers["location"])
    assert (
        "Done." in page
        and len(list((folder / "outbox").glob("*.xlsx"))) == 9
        and len(list((folder / "outbox").glob("*.eml"))) == 7
    )
    clean_return(review, "HW", folder / "inbox" / "hw.xlsx")
    hostile_return(review, "ET", folder / "inbox" / "et.xlsx")
    page = _finish(client, client.post("/run/check", data={"csrf": keys.csrf}).headers["location"])
    assert "2 returns read: 1 error, " in page and "/files/output/" in page
    assert '<span class="file">et.xlsx</span>' in page  # an inbox's errors each say which file they are in
    page = _finish(client, client.post("/run/remind", data={"csrf": keys.csrf}).headers["location"])
    reminders = sorted((folder / "outbox" / "reminders").glob("*.eml"))
    assert f"{len(reminders)} reminders written" in page and len(reminders) == sum(
        line.chased for line in chase_list(check_returns(review))
    )
    downloads = client.get("/downloads").text
    assert all(f"outbox/reminders/{quote(p.name)}" in downloads for p in reminders)
    page = _finish(client, client.post("/run/consolidate", data={"csrf": keys.csrf}).headers["location"])
    assert "1 return merged" in page and "1 left out" in page  # the return with an error waits to be accepted
    plan = next(p for p in (folder / "output").iterdir() if p.name.endswith("Improvement Action Plan.xlsx"))
    assert client.get(f"/files/output/{plan.name}").content == plan.read_bytes()
    assert (folder / "output" / plan.name.replace(".xlsx", " (public).xlsx")).is_file()
    downloads = client.get("/downloads").text
    for path in (folder / "output").iterdir():
        assert path.name in downloads


def test_settings_with_mistakes_are_shown_with_their_lines(folder: Path) -> None:
    settings = folder / "review.yaml"
    lines = settings.read_text().splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if line.startswith("stage1_deadline:"))
    lines[number - 1] = "stage1_deadline: <b>soon</b>"
    settings.write_text("\n".join(lines) + "\n")
    client, keys = signed_in(folder)
    page = client.get("/settings").text
    assert f'href="#review.yaml-{number}">line {number}</a>' in page
    assert f'<li id="review.yaml-{number}" class="mark">' in page
    assert "&lt;b&gt;soon&lt;/b&gt;" in page and "<b>soon" not in page
    assert "settings have mistakes" in client.get("/").text
    page = _finish(client, client.post("/run/generate", data={"csrf": keys.csrf}).headers["location"])
    assert "Nothing was done." in page and f"line {number}" in page


def test_clean_name() -> None:
    assert clean_name("C:\\Users\\jo\\LL return.xlsx") == "LL return.xlsx"
    assert clean_name("../../../etc/passwd") == "passwd"
    assert clean_name("..") == "return"
    assert clean_name("a\x00b<>:|?.xlsx") == "a-b-.xlsx"
    assert clean_name("x" * 400 + ".xlsx").endswith("x.xlsx") and len(clean_name("x" * 400 + ".xlsx")) <= 150


def test_serve_names_a_folder_that_is_not_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kcp_sheets.cli import app

    result = CliRunner().invoke(app, ["serve", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "nowhere" in result.output
    assert "--port" in CliRunner().invoke(app, ["serve", "--help"]).output


def test_accept_reject_and_deal_with_go_to_the_ledger(folder: Path) -> None:
    from kcp_sheets import review_states

    review = load_review(folder)
    hostile_return(review, "ET", folder / "inbox" / "et.xlsx")
    client, keys = signed_in(folder)
    [ret] = check_returns(review).returns
    page = f"/returns/{key_of(ret.source.name)}"
    assert ">has problems<" in client.get(page).text
    assert client.post(f"{page}/decide", data={"decision": "accepted", "note": "agreed"}).status_code == 403
    refused = client.post(f"{page}/decide", data={"csrf": keys.csrf, "decision": "accepted", "note": " "})
    assert refused.status_code == 400 and "only with a note" in refused.text
    assert "Say why in the box beside the button" in refused.text and "--note" not in refused.text  # the desk's words
    answer = client.post(
        f"{page}/decide", data={"csrf": keys.csrf, "decision": "accepted", "note": "Scores agreed <by phone>"}
    )
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert "Accepted." in shown and ">accepted<" in shown and "Scores agreed &lt;by phone&gt;" in shown
    assert review_states.get_return(folder, ret.ledger_id).state == "accepted"
    assert ">accepted: Scores agreed &lt;by phone&gt;<" in client.get("/").text

    [error] = [p for p in review_states.problems_of(folder, ret.ledger_id) if p.severity == "error"]
    answer = client.post(f"{page}/deal", data={"csrf": keys.csrf, "problem": error.key, "note": "Asked by phone: 4"})
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert "Dealt with:</strong> Asked by phone: 4" in shown and "What to ask the sender" not in shown
    assert [p.dealt_with for p in review_states.problems_of(folder, ret.ledger_id) if p.key == error.key] == [
        "Asked by phone: 4"
    ]
    client.post(f"{page}/deal", data={"csrf": keys.csrf, "problem": error.key, "undo": "1"})
    shown = client.get(page).text  # still settled: the return is accepted as it is, errors and all
    assert "accepted with the return: Scores agreed &lt;by phone&gt;" in shown and "What to ask the sender" not in shown
    client.post(f"{page}/decide", data={"csrf": keys.csrf, "decision": "new", "note": ""})
    assert "What to ask the sender" in client.get(page).text  # undecided again: the error is to ask about
    assert client.post(f"{page}/deal", data={"csrf": keys.csrf, "problem": "nosuchkey", "note": "x"}).status_code == 400

    client.post(
        f"{page}/decide", data={"csrf": keys.csrf, "decision": "rejected", "note": "The wrong cluster's workbook"}
    )
    overview = client.get("/").text
    assert "rejected: The wrong cluster&#39;s workbook" in overview
    assert review_states.get_return(folder, ret.ledger_id).state == "rejected"


def test_a_return_in_a_sub_folder_and_a_ledger_that_cannot_be_read(folder: Path) -> None:
    review = load_review(folder)
    (folder / "inbox" / "April").mkdir()
    clean_return(review, "HW", folder / "inbox" / "April" / "hw.xlsx")
    client, _ = signed_in(folder)
    inbox = client.get("/inbox").text
    assert "April/hw.xlsx" in inbox and "Health and well-being progress tracker" in inbox
    for ledger in folder.glob("ledger.sqlite*"):
        ledger.unlink()
    (folder / "ledger.sqlite").write_bytes(b"not a database, " * 100)
    answer = client.get("/")
    assert answer.status_code == 500 and "could not be checked" in answer.text and "Traceback" not in answer.text


def test_consolidate_with_no_usable_return_says_so_and_writes_nothing(folder: Path) -> None:
    hostile_return(load_review(folder), "ET", folder / "inbox" / "et.xlsx")
    client, keys = signed_in(folder)
    page = _finish(client, client.post("/run/consolidate", data={"csrf": keys.csrf}).headers["location"])
    assert "Nothing was done." in page and "No usable return among the 1 file in the inbox" in page
    assert not list((folder / "output").glob("*Improvement Action Plan*"))


def test_the_command_line_and_the_desk_on_one_folder_at_once(folder: Path) -> None:
    import subprocess
    import sys

    review = load_review(folder)
    clean_return(review, "HW", folder / "inbox" / "hw.xlsx")
    hostile_return(review, "ET", folder / "inbox" / "et.xlsx")
    client, keys = signed_in(folder)
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "kcp_sheets", command, str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in ("check", "status")
    ]
    pages = [client.get(path).status_code for path in ("/", "/inbox", "/", "/inbox")]
    job = client.post("/run/check", data={"csrf": keys.csrf}).headers["location"]
    assert [c.wait(timeout=120) for c in commands] == [1, 0]  # check: errors found; status: done
    assert all(not c.stderr.read().count("Traceback") for c in commands)
    assert pages == [200, 200, 200, 200] and "1 error, " in _finish(client, job)
    page = client.get("/").text
    assert ">has problems<" in page and ">new<" in page


def test_counts_on_the_pages_agree_in_number() -> None:
    from kcp_sheets.desk.app import environment

    template = environment().from_string('{{ 1 | counted("error") }}, {{ 2 | counted("warning") }}')
    assert template.render() == "1 error, 2 warnings"
    for name in ("inbox.html", "overview.html"):  # every count of errors and warnings goes through it
        text = (Path(__file__).resolve().parent.parent / "kcp_sheets" / "desk" / "templates" / name).read_text()
        assert "}} errors" not in text and "}} warnings" not in text, name
