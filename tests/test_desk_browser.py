"""The review desk driven in a real browser (Debian's headless Chromium), as
the officer uses it: one desk started with `kcp-sheets serve` and one browser
for the whole module, to stay quick on a shared machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import CHROMEDRIVER, CHROMIUM, chromium
from desk_returns import IMG, SCRIPT, hostile_email, hostile_return

from kcp_sheets.fill import fill_workbook
from kcp_sheets.folder import OUTBOX, init_folder
from kcp_sheets.generate import generate
from kcp_sheets.settings import load_review
from kcp_sheets.workbooks import planned_workbooks

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    if os.environ.get("CI") or os.environ.get("KCP_REQUIRE_LIBREOFFICE"):
        pytest.fail(
            "chromium and chromium-driver are required here: apt-get install chromium chromium-driver", pytrace=False
        )
    pytest.skip("chromium and chromium-driver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as seen  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = init_folder(tmp_path_factory.mktemp("desk-browser") / "review")
    generate(load_review(folder))
    return folder


@pytest.fixture(scope="module")
def address(folder: Path) -> Iterator[str]:
    """`kcp-sheets serve` as the officer starts it; Ctrl-C stops it cleanly at the end."""
    server = subprocess.Popen(
        [sys.executable, "-m", "kcp_sheets", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = server.stdout.readline().strip()
    assert line.startswith("http://127.0.0.1:") and "/?token=" in line, line + server.stderr.read()
    yield line
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=20) == 0
    said = server.stderr.read()
    assert "Traceback" not in said and "The desk has stopped." in said


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def wait_for(driver: webdriver.Chrome, text: str, timeout: float = 30) -> None:
    WebDriverWait(driver, timeout).until(seen.text_to_be_present_in_element((By.TAG_NAME, "main"), text))


def base(address: str) -> str:
    return address.split("/?")[0]


def add_to_inbox(driver: webdriver.Chrome, address: str, path: Path) -> None:
    driver.get(base(address) + "/inbox")
    driver.find_element(By.ID, "returns").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "#upload button").click()
    wait_for(driver, "1 file added")


def test_upload_a_return_see_its_problems_consolidate_and_download_the_plan(
    address: str, browser: webdriver.Chrome, folder: Path, tmp_path: Path
) -> None:
    browser.get(address)
    assert browser.current_url == base(address) + "/"  # the token is swapped for a session at once
    review = load_review(folder)
    plan = next(p for p in planned_workbooks(review) if p.cluster == "LL")
    tracker = plan.spec.main_table().key
    first = str(plan.content.rows[tracker][0]["id"])
    workbook = fill_workbook(
        plan,
        folder / OUTBOX / plan.file_name,
        tmp_path / "LL return.xlsx",
        {tracker: {first: {"coordinator_score": 7}}},
    )
    add_to_inbox(browser, address, workbook)
    browser.find_element(By.LINK_TEXT, "Learning and leisure progress tracker 2004").click()
    wait_for(browser, "What to ask the sender")
    assert "7 is outside the scale 5 to 1." in browser.find_element(By.TAG_NAME, "main").text
    assert first in browser.find_element(By.CSS_SELECTOR, ".problems .error").text
    browser.find_element(By.CSS_SELECTOR, "input[name=decision][value=accepted]").click()
    browser.find_element(By.ID, "note").send_keys("The co-ordinator meant 5; agreed by telephone.")
    browser.find_element(By.XPATH, "//button[text()='Record the decision']").click()
    wait_for(browser, "Accepted.")
    assert "accepted" in browser.find_element(By.CSS_SELECTOR, ".facts").text
    browser.find_element(By.LINK_TEXT, "The review").click()
    row = browser.find_element(
        By.XPATH, "//table[contains(@class, 'returns')]//tr[th/a[text()='LL Learning and leisure']]"
    )
    assert "accepted" in row.text
    browser.find_element(By.XPATH, "//button[text()='Consolidate into the plan']").click()
    wait_for(browser, "Done.")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.find_element(By.PARTIAL_LINK_TEXT, "Improvement Action Plan.xlsx").click()
    saved = downloads / "2004 Improvement Action Plan.xlsx"
    for _ in range(100):
        if saved.is_file() and saved.stat().st_size:
            break
        time.sleep(0.1)
    assert saved.read_bytes() == (folder / "output" / saved.name).read_bytes()
    import openpyxl

    cells = [
        str(c.value)
        for ws in openpyxl.load_workbook(saved, read_only=True)
        for r in ws.iter_rows()
        for c in r
        if c.value
    ]
    assert any(
        "accepted: The co-ordinator meant 5; agreed by telephone." in c for c in cells
    )  # the plan used the accepted return


def test_markup_in_a_return_is_shown_as_text_and_runs_nothing(
    address: str, browser: webdriver.Chrome, folder: Path, tmp_path: Path
) -> None:
    browser.get(address)
    review = load_review(folder)
    mail = hostile_email(hostile_return(review, "ET", tmp_path / "et.xlsx"), tmp_path / "ET return.eml")
    add_to_inbox(browser, address, mail)
    browser.find_element(By.LINK_TEXT, "Environment and transport progress tracker 2004").click()
    wait_for(browser, "What to ask the sender")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert SCRIPT in page and IMG in page and "<img src=y onerror=window.pwned=4>.xlsx" in page
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main script, main b") == []
    browser.get(base(address) + "/")
    assert '"<b onmouseover=window.pwned=3>Eve</b>" <eve@example.net>' in browser.find_element(By.TAG_NAME, "main").text
    assert browser.execute_script("return window.pwned === undefined")


def test_no_token_a_forged_form_and_a_path_outside_are_refused(
    address: str, browser: webdriver.Chrome, folder: Path
) -> None:
    browser.get(address)
    browser.get(base(address) + "/files/outbox/%2e%2e/review.yaml")
    assert "There is nothing at this address." in browser.page_source and "review_title" not in browser.page_source
    browser.get(base(address) + "/")
    before = sorted(p.name for p in (folder / "output").iterdir())
    browser.execute_script(
        "var f = document.createElement('form'); f.method = 'post'; f.action = '/run/check';"
        "var i = document.createElement('input'); i.name = 'csrf'; i.value = 'forged'; f.appendChild(i);"
        "document.body.appendChild(f); f.submit();"
    )
    WebDriverWait(browser, 10).until(seen.title_contains("Refused"))
    assert sorted(p.name for p in (folder / "output").iterdir()) == before
    browser.delete_all_cookies()
    browser.get(base(address) + "/settings")
    assert browser.title.startswith("Refused") and "token" in browser.page_source
    browser.get(base(address) + "/?token=not-the-token")
    assert browser.title.startswith("Refused")
