"""The review desk against WCAG 2.2 AA, as UK public bodies must meet it:
axe-core (the npm package, installed by .ci/run) run in headless Chromium on
every page and state the officer meets: the overview, a return with errors
and with problems dealt with, a decision sent without its note, the inbox,
the downloads, the settings, a step running and done, and a page not found.
Any violation fails, with its rule and the elements it names."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import CHROMEDRIVER, CHROMIUM, chromium

from kcp_sheets import steps

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("KCP_AXE", ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"))

if not (AXE.is_file() and Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    if os.environ.get("CI") or os.environ.get("KCP_REQUIRE_LIBREOFFICE"):
        pytest.fail(f"axe-core ({AXE}) and chromium are required here: .ci/run installs them", pytrace=False)
    pytest.skip("axe-core or chromium is not installed (.ci/run installs them)", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("axe") / "demo"
    steps.demo(folder)
    ll = subprocess.run(
        [sys.executable, "-m", "kcp_sheets", "returns", str(folder), "LL return 2004.xlsx"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    key = next(line.split()[0] for line in ll.splitlines() if "  warning " in line)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kcp_sheets",
            "dealt-with",
            str(folder),
            "LL return 2004.xlsx",
            key,
            "--note",
            "asked by phone",
        ],
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "kcp_sheets", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = server.stdout.readline().strip()
    yield address, folder
    server.send_signal(signal.SIGINT)
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def violations(driver: webdriver.Chrome) -> list[str]:
    """axe-core's findings on the page as it stands, one line each."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(RULES)}}}, resultTypes: ['violations']}})"
        ".then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '"
        " + v.nodes.map(n => n.target.join(' ')).slice(0, 4).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));"
    )
    return list(found)


def visit(driver: webdriver.Chrome, url: str) -> list[str]:
    driver.get(url)
    return violations(driver)


def test_every_page_of_the_desk_meets_wcag_2_2_aa(desk: tuple[str, Path], browser: webdriver.Chrome) -> None:
    address, _ = desk
    base = address.split("/?")[0]
    browser.get(address)
    found: dict[str, list[str]] = {}
    found["overview"] = violations(browser)
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "table.returns th a")}
    found["return with an error"] = visit(browser, next(h for t, h in links.items() if t.startswith("WB")))
    found["return with problems dealt with"] = visit(browser, next(h for t, h in links.items() if t.startswith("LL")))
    browser.find_element(By.CSS_SELECTOR, "input[name=decision][value=rejected]").click()
    browser.find_element(By.CSS_SELECTOR, ".decide button[type=submit]").click()  # sent without its note
    assert browser.find_element(
        By.CSS_SELECTOR, "input[name=decision][value=rejected]"
    ).is_selected()  # what was chosen is kept
    assert (
        browser.switch_to.active_element.get_attribute("id") == "note"
    )  # and the empty field is where the keyboard is
    found["decision sent without its note"] = violations(browser)
    for page in ("/inbox", "/downloads", "/settings", "/nothing-here"):
        found[page] = visit(browser, base + page)
    browser.get(base + "/")
    browser.find_element(By.CSS_SELECTOR, "form[action='/run/check'] button").click()
    found["a step running"] = violations(browser)
    deadline = time.monotonic() + 120
    while "Done." not in browser.find_element(By.TAG_NAME, "main").text and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "Done." in browser.find_element(By.TAG_NAME, "main").text  # followed to the end without reloading the page
    found["a step done"] = violations(browser)
    bad = {page: v for page, v in found.items() if v}
    assert not bad, json.dumps(bad, indent=1)


def test_the_job_page_follows_the_work_without_reloading(desk: tuple[str, Path], browser: webdriver.Chrome) -> None:
    address, _ = desk
    browser.get(address)  # the token, so the test stands alone
    browser.find_element(By.CSS_SELECTOR, "form[action='/run/check'] button").click()
    deadline = time.monotonic() + 30  # the click returns before the job page has loaded
    while not browser.find_elements(By.ID, "job-status") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not browser.find_elements(By.CSS_SELECTOR, "meta[http-equiv=refresh]")
    browser.execute_script("window.kcpSamePage = true;")  # gone if the page reloads
    deadline = time.monotonic() + 120
    while "Done." not in browser.find_element(By.TAG_NAME, "main").text and time.monotonic() < deadline:
        time.sleep(0.5)
    assert browser.execute_script("return window.kcpSamePage === true;")
    # the page follows its own job: no banner left behind saying it is still running
    assert "is running" not in browser.find_element(By.TAG_NAME, "body").text
