"""Neo4j Browser, end to end: Debian's headless Chromium against the managed test server.

Logs in with the test credentials, applies the stylesheet, opens saved queries through their
deep links, runs them and checks the results on the page. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from loader.model.schema import load_schema
from loader.neo4j.browser_style import style_command
from loader.neo4j.saved_queries import browser_link, get_query
from loader.neo4j.server import ManagedServer
from loader.neo4j.target import Target

pytestmark = pytest.mark.neo4j
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1600,1100",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _run_editor(driver: WebDriver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-testid=editor-Run]")
    )
    driver.find_elements(By.CSS_SELECTOR, "button[data-testid=editor-Run]")[0].click()


def _wait_for_text(driver: WebDriver, *texts: str) -> None:
    try:
        WebDriverWait(driver, 60).until(lambda d: all(t in d.page_source for t in texts))
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "browser-failure.png"))
        raise


def _open(driver: WebDriver, url: str, settings: Target) -> None:
    """Load a Browser URL and make sure it is connected (it may come back logged out)."""
    driver.get(url)
    WebDriverWait(driver, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-testid=editor-Run]")
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        forms = [
            e
            for e in driver.find_elements(By.CSS_SELECTOR, "input[data-testid=password]")
            if e.is_displayed()
        ]
        if forms:  # Browser may prefill the last user name: replace, never append
            username = driver.find_element(By.CSS_SELECTOR, "input[data-testid=username]")
            username.clear()
            username.send_keys(settings.username)
            forms[0].clear()
            forms[0].send_keys(settings.password)
            driver.find_element(By.CSS_SELECTOR, "button[data-testid=connect]").click()
            _wait_for_text(driver, "You are connected as user")
            return
        if "You are connected as user" in driver.page_source or "neo4j$" in driver.page_source:
            return
        time.sleep(0.5)


def test_login_run_saved_queries_and_styled_graph(
    browser: WebDriver, managed_server: ManagedServer, loaded: Target
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{managed_server.http_port}/browser/"
    style = urllib.parse.quote(style_command(load_schema()), safe="")
    browser.get(f"{base}?cmd=edit&arg={style}")
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "input[data-testid=password]")
    )
    browser.find_element(By.CSS_SELECTOR, "input[data-testid=username]").send_keys(loaded.username)
    browser.find_element(By.CSS_SELECTOR, "input[data-testid=password]").send_keys(loaded.password)
    browser.find_element(By.CSS_SELECTOR, "button[data-testid=connect]").click()
    _wait_for_text(browser, "You are connected as user")
    _run_editor(browser)
    _wait_for_text(browser, "node.Pillar {")
    assert "InvalidGrassError" not in browser.page_source

    _open(browser, browser_link(get_query("layout-overview"), base), loaded)
    _run_editor(browser)
    _wait_for_text(browser, "上海碳谷绿湾产业园", "上海湾区科创中心", "Started streaming 5 records")
    browser.save_screenshot(str(ARTIFACTS / "browser-layout-overview.png"))

    _open(browser, browser_link(get_query("layout-graph"), base), loaded)
    _run_editor(browser)
    _wait_for_text(browser, "Pillar (5)", "PILLAR_OF (5)")
    browser.save_screenshot(str(ARTIFACTS / "browser-layout-graph.png"))
    assert (ARTIFACTS / "browser-layout-graph.png").stat().st_size > 10_000
