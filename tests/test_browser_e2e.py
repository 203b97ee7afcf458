"""Neo4j Browser, end to end: Debian's headless Chromium against the managed test server.

Logs in with the test credentials (the server's post-connect command styles Browser), opens saved
queries through their deep links, runs them and checks the results on the page and the drawn
graph in its SVG: fills, sizes, caption colours and which captions Browser cut. Screenshots go to
tests/artifacts/.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from loader.model.schema import Schema, load_schema
from loader.neo4j.browser_style import caption_fits, rules, style_command
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.saved_queries import browser_link, get_query
from loader.neo4j.server import ManagedServer
from tests.browser_session import (
    ARTIFACTS,
    chromium,
    log_in,
    open_connected,
    page_text,
    run_editor,
    wait_for_text,
)
from tests.project import QUERIES, SCHEMA_FILE

pytestmark = pytest.mark.neo4j
LAYOUT = "layout-five-pillars"
POST_CONNECT_FRAME = ':style {"node":'
# The layout graph's captions Browser may cut: its positionings of 19 to 24 characters, which
# would need circles of 200px at 8px type (Browser breaks captions at spaces only).
MAX_CUT = 4
# What the layout-graph query draws, each node with its labels and properties.
LAYOUT_NODES = """
MATCH (layout:Layout {id: $layout})<-[pillar_of:PILLAR_OF]-(p:Pillar)
OPTIONAL MATCH (p)-[r]->(x) WHERE NOT x:County AND r.source = pillar_of.source
WITH layout, collect(DISTINCT p) + collect(DISTINCT x) AS drawn
UNWIND [layout] + drawn AS n
WITH DISTINCT n
RETURN labels(n) AS labels, properties(n) AS props
"""
# Each drawn node of the newest graph frame: its circle and its caption lines, as computed.
SVG_NODES = """
const svg = Array.from(document.querySelectorAll('svg')).find(s => s.querySelector('g.node'));
if (!svg) return [];
return Array.from(svg.querySelectorAll('g.node')).map(g => {
  const circle = g.querySelector('circle.b-outline');
  const lines = Array.from(g.querySelectorAll('text.caption'));
  return {
    fill: getComputedStyle(circle).fill,
    r: parseFloat(circle.getAttribute('r')),
    caption: lines.map(t => t.textContent.trim()).join(' ').trim(),
    text_fill: lines.length ? getComputedStyle(lines[0]).fill : null,
    font_size: lines.length ? lines[0].getAttribute('font-size') : null,
  };
});
"""
# The newest graph frame, full screen: climb from its SVG to the frame's Fullscreen button.
FULLSCREEN_GRAPH = """
const svg = Array.from(document.querySelectorAll('svg')).find(s => s.querySelector('g.node'));
let frame = svg;
while (frame && !frame.querySelector('[title=Fullscreen]')) frame = frame.parentElement;
frame.querySelector('[title=Fullscreen]').click();
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _rgb(colour: str) -> str:
    """#RRGGBB as the browser computes it, rgb(r, g, b)."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def _drawn_nodes(driver: WebDriver, expected: int) -> list[dict[str, Any]]:
    """The nodes of the newest graph frame, once all `expected` are drawn."""
    try:
        WebDriverWait(driver, 60).until(lambda d: len(d.execute_script(SVG_NODES)) == expected)
    except Exception:
        driver.save_screenshot(str(ARTIFACTS / "browser-failure.png"))
        raise
    nodes: list[dict[str, Any]] = driver.execute_script(SVG_NODES)
    return nodes


def _check_styled_layout_graph(driver: WebDriver, settings: Graph, schema: Schema) -> list[str]:
    """The layout graph is drawn in the project's style: each circle has its label's fill and
    size, each caption its colour and size; the pillars and the layout are named in full, and
    Browser cut only captions `caption_fits` expects it to cut. Returns the cut captions."""
    rows = run_cypher(settings, LAYOUT_NODES, {"layout": LAYOUT}).rows
    label_of = {
        schema.labels[label].style.colour: label
        for label in schema.labels
        if any(label in row["labels"] for row in rows)
    }
    by_fill = {_rgb(colour): label for colour, label in label_of.items()}
    expected: dict[str, Counter[str]] = {}
    for row in rows:
        (label,) = (lab for lab in row["labels"] if lab in schema.labels)
        caption = str(row["props"][schema.labels[label].style.caption])
        expected.setdefault(label, Counter())[caption] += 1
    drawn = _drawn_nodes(driver, len(rows))
    cut: list[str] = []
    for node in drawn:
        label = by_fill.get(node["fill"])
        assert label is not None, f"{node} has no label colour of the schema"
        style = schema.labels[label].style
        assert node["r"] == style.diameter / 2, (label, node)
        assert node["text_fill"] == _rgb(style.caption_colour), (label, node)
        assert node["font_size"] == f"{style.font_size}px", (label, node)
        caption = node["caption"]
        if caption.endswith("\u2026"):
            full = [c for c in expected[label] if c.startswith(caption[:-1])]
            assert full, f"{caption!r} starts no {label} caption"
            assert not caption_fits(full[0], style.diameter, style.font_size), full[0]
            cut.append(full[0])
            expected[label][full[0]] -= 1
        else:
            assert expected[label][caption] > 0, f"{caption!r} is no {label} caption"
            expected[label][caption] -= 1
    radii = [(node["r"], by_fill[node["fill"]]) for node in drawn]
    # The layout is the largest circle, its pillars the next largest.
    assert min(r for r, lab in radii if lab == "Layout") > max(
        r for r, lab in radii if lab != "Layout"
    )
    assert min(r for r, lab in radii if lab == "Pillar") > max(
        r for r, lab in radii if lab not in ("Layout", "Pillar")
    )
    layout_name = next(r["props"]["name"] for r in rows if r["props"]["id"] == LAYOUT)
    pillars = [r["props"]["name"] for r in rows if "Pillar" in r["labels"]]
    assert not {layout_name, *pillars} & set(cut), cut
    assert len(cut) <= MAX_CUT, cut
    return cut


def _stored_grass(driver: WebDriver) -> Any:
    """The stylesheet Browser keeps (in local storage), selector to properties."""
    return json.loads(driver.execute_script("return localStorage.getItem('neo4j.grass')") or "0")


def test_login_styles_browser_and_the_layout_graph_reads(
    browser: WebDriver, managed_server: ManagedServer, loaded: Graph
) -> None:
    """A fresh Browser (a new profile) is styled on login by the server's post-connect command,
    with no deep link and no drop of the .grass file."""
    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{managed_server.http_port}/browser/"
    browser.get(base)
    log_in(browser, loaded.target)
    # The frame of the post-connect command: `:style` with JSON (the deep link's is CSS).
    WebDriverWait(browser, 30).until(lambda d: POST_CONNECT_FRAME in page_text(d))
    assert "node.Pillar {" in browser.page_source  # the frame shows the stylesheet it applied
    assert "InvalidGrassError" not in browser.page_source
    schema = load_schema(SCHEMA_FILE)
    # Kept as the JSON of the command was: #RRGGBB, where the `:style` deep link gives rgb().
    WebDriverWait(browser, 30).until(lambda d: _stored_grass(d) == rules(schema))

    open_connected(browser, browser_link(get_query("layout-graph", QUERIES), base), loaded.target)
    run_editor(browser)
    wait_for_text(browser, "Pillar (5)", "PILLAR_OF (5)")
    cut = _check_styled_layout_graph(browser, loaded, schema)
    print(f"captions cut: {len(cut)}: {cut}")
    browser.execute_script(FULLSCREEN_GRAPH)
    time.sleep(1)
    browser.find_element(By.CSS_SELECTOR, "button[aria-label=zoom-to-fit]").click()
    time.sleep(1)
    browser.save_screenshot(str(ARTIFACTS / "browser-layout-graph.png"))
    for _ in range(2):
        browser.find_element(By.CSS_SELECTOR, "button[aria-label=zoom-in]").click()
    time.sleep(1)
    browser.save_screenshot(str(ARTIFACTS / "browser-layout-graph-zoomed.png"))
    assert (ARTIFACTS / "browser-layout-graph.png").stat().st_size > 10_000


def test_style_deep_link_and_saved_queries(
    browser: WebDriver, managed_server: ManagedServer, loaded: Graph
) -> None:
    """The `:style` deep link (`kg query style`), for servers without the post-connect command."""
    base = f"http://127.0.0.1:{managed_server.http_port}/browser/"
    style = urllib.parse.quote(style_command(load_schema(SCHEMA_FILE)), safe="")
    open_connected(browser, f"{base}?cmd=edit&arg={style}", loaded.target)
    # Browser runs the post-connect command on each page load: let it, then run the deep link.
    WebDriverWait(browser, 30).until(lambda d: POST_CONNECT_FRAME in page_text(d))
    run_editor(browser)
    as_css = {
        selector: {key: _rgb(v) if v.startswith("#") else v for key, v in props.items()}
        for selector, props in rules(load_schema(SCHEMA_FILE)).items()
    }
    WebDriverWait(browser, 30).until(lambda d: _stored_grass(d) == as_css)
    assert "InvalidGrassError" not in browser.page_source

    open_connected(
        browser, browser_link(get_query("layout-overview", QUERIES), base), loaded.target
    )
    run_editor(browser)
    wait_for_text(browser, "上海碳谷绿湾产业园", "上海湾区科创中心", "Started streaming 5 records")
    browser.save_screenshot(str(ARTIFACTS / "browser-layout-overview.png"))
