"""Driving Neo4j Browser in Debian's headless Chromium: one place for the browser's flags, the
login, and waiting for the page, shared by the Browser tests."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from loader.neo4j.target import Target

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@contextmanager
def chromium(profile: Path, window: tuple[int, int] = (1600, 1100)) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile and nothing reaching out to the network, quit
    when done (the Browser tests, the HTML view's tests and its bench all use this one)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={window[0]},{window[1]}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def run_editor(driver: WebDriver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-testid=editor-Run]")
    )
    driver.find_elements(By.CSS_SELECTOR, "button[data-testid=editor-Run]")[0].click()


def wait_for_text(driver: WebDriver, *texts: str) -> None:
    try:
        WebDriverWait(driver, 60).until(lambda d: all(t in d.page_source for t in texts))
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "browser-failure.png"))
        raise


def open_connected(driver: WebDriver, url: str, settings: Target) -> None:
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
            wait_for_text(driver, "You are connected as user")
            return
        if "You are connected as user" in driver.page_source or "neo4j$" in driver.page_source:
            return
        time.sleep(0.5)


def page_text(driver: WebDriver) -> str:
    text: str = driver.execute_script("return document.body.innerText")
    return text


def log_in(driver: WebDriver, settings: Target) -> None:
    WebDriverWait(driver, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "input[data-testid=password]")
    )
    driver.find_element(By.CSS_SELECTOR, "input[data-testid=username]").send_keys(settings.username)
    driver.find_element(By.CSS_SELECTOR, "input[data-testid=password]").send_keys(settings.password)
    driver.find_element(By.CSS_SELECTOR, "button[data-testid=connect]").click()
    wait_for_text(driver, "You are connected as user")
