"""The favorites archive in a real Neo4j Browser: one drop of `favorites.zip` on Browser imports
every saved query into the folder `jinshan-kg`, titled, and one click on a favorite's Run button
runs it as it is (its example values are written in: no `:param` first)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from loader.neo4j.favorites import FOLDER, favorites_zip
from loader.neo4j.graph import Graph
from loader.neo4j.saved_queries import list_queries
from loader.neo4j.server import ManagedServer
from tests.browser_session import ARTIFACTS, chromium, open_connected, page_text
from tests.project import QUERIES

pytestmark = pytest.mark.neo4j

# What a person's drop does: a `drop` carrying one file, on Browser's drop zone (`.filedrop`).
DROP = """
const [data, name] = arguments;
const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
const transfer = new DataTransfer();
transfer.items.add(new File([bytes], name, {type: "application/zip"}));
const zone = document.querySelector(".filedrop");
for (const kind of ["dragenter", "dragover", "drop"]) {
  const event = {bubbles: true, cancelable: true, dataTransfer: transfer};
  zone.dispatchEvent(new DragEvent(kind, event));
}
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-favorites")) as driver:
        yield driver


def _run_favorite(driver: WebDriver, title: str) -> None:
    """Click the Run button of the favorite titled `title` (shown when the row is hovered)."""
    item = driver.find_element(By.CSS_SELECTOR, f'[data-testid="scriptTitle-{title}"]')
    row = item.find_element(By.XPATH, "./ancestor::*[@data-testid='savedScriptListItem']")
    ActionChains(driver).move_to_element(row).perform()
    row.find_element(By.CSS_SELECTOR, "[data-testid='savedScriptsButton-Run']").click()


def _wait_for_answer(driver: WebDriver, expected: str) -> None:
    """Wait for the query's answer, or for the error a favorite without its values would give."""

    def answered(d: WebDriver) -> bool:
        return expected in page_text(d) or "ParameterMissing" in page_text(d)

    WebDriverWait(driver, 60).until(answered)
    assert "ParameterMissing" not in page_text(driver)


def test_one_drop_imports_every_favorite_and_one_click_runs_it(
    browser: WebDriver, managed_server: ManagedServer, loaded: Graph
) -> None:
    queries = list_queries(QUERIES)
    archive = base64.b64encode(favorites_zip(queries)).decode("ascii")
    open_connected(browser, f"http://127.0.0.1:{managed_server.http_port}/browser/", loaded.target)
    browser.execute_script(DROP, archive, "favorites.zip")

    browser.find_element(By.CSS_SELECTOR, "[data-testid=navigationFavorites]").click()
    folder = f'[data-testid="expandFolder-{FOLDER}"]'
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, folder))
    browser.find_element(By.CSS_SELECTOR, folder).click()
    titles = {
        (e.get_attribute("data-testid") or "").removeprefix("scriptTitle-")
        for e in browser.find_elements(By.CSS_SELECTOR, "[data-testid^=scriptTitle-]")
    }
    assert {q.title for q in queries} <= titles  # every saved query, titled

    for name, expected in [
        ("layout-overview", "上海碳谷绿湾产业园"),
        ("who-focuses-on", "Started streaming"),  # takes an industry: its example is written in
    ]:
        query = next(q for q in queries if q.name == name)
        _run_favorite(browser, query.title)
        _wait_for_answer(browser, expected)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "browser-favorites.png"))
