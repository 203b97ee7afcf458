"""The HTML view people open (`kg viz -o X.html`, report/layout.html): its data, its vendored
library, and the page itself in Debian's headless Chromium from a file:// URL: centred, no
scrollbars, every label readable and apart, search, filters and the citing sentences on click.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from loader.analysis.graph import layout_view, to_networkx
from loader.analysis.html_view import (
    json_for_script,
    render_html,
    script_safe,
    vendored_scripts,
    view_data,
)
from loader.analysis.layout import pillar_of
from loader.analysis.viz import write_picture
from loader.model.dataset import Dataset, Entity, Location, Relation
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from tests.browser_session import chromium
from tests.project import DATA, SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
VENDOR = resources.files("loader.analysis").joinpath("vendor")
SCHEMA = load_schema(SCHEMA_FILE)
DATASET = load_dataset(DATA, SCHEMA)
SHOWN = layout_view(DATASET, SCHEMA)  # what the page opens on
CARBON = "carbon-valley-green-bay"  # 上海碳谷绿湾产业园, a pillar
WINDOW = (1400, 1000)

# Each visible node's label box on screen, and the smallest label font there.
LABELS = """
const cy = window.kgView.cy;
const nodes = cy.nodes(':visible');
return {boxes: nodes.map((n) => { const b = n.renderedBoundingBox(
          {includeNodes: false, includeEdges: false, includeLabels: true});
          return [b.x1, b.y1, b.x2, b.y2]; }),
        font: Math.min(...nodes.map((n) => parseFloat(n.style('font-size')) * cy.zoom()))};
"""


def test_the_payload_holds_every_node_and_every_citing_sentence() -> None:
    data = view_data(DATASET, SCHEMA)
    graph = to_networkx(DATASET, SCHEMA)
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[CARBON]["name"] == "上海碳谷绿湾产业园"
    assert nodes[CARBON]["name_en"] and nodes[CARBON]["aliases"]
    shown = {(e["s"], e["type"], e["t"]): e for e in data["edges"]}
    assert len(shown) == len(data["edges"]) == graph.number_of_edges()
    titles = {
        e.id: e.properties["title"] for e in DATASET.entities.values() if e.label == "Document"
    }
    for relation in DATASET.relations:
        if relation.start in nodes and relation.end in nodes:
            edge = shown[relation.key]
            assert edge["sentence"] == relation.properties["sentence"] != ""
            assert edge["source"] == titles[relation.properties["source"]]
    assert {p["id"] for p in data["pillars"]} == {n for n, d in nodes.items() if d["emphasis"]}
    assert len(data["pillars"]) == 5
    assert {n["id"]: n["pillar"] for n in data["nodes"]} == pillar_of(graph, SCHEMA)


def test_data_and_scripts_cannot_end_their_script_element() -> None:
    hostile = {"name": "</script><script>alert(1)</script><!-- & >"}
    text = json_for_script(hostile)
    assert json.loads(text) == hostile
    assert "<" not in text and ">" not in text
    assert script_safe('a = "</SCRIPT>"; b = "<!--";') == 'a = "<\\/SCRIPT>"; b = "<\\!--";'


def test_the_vendored_files_are_the_ones_the_manifest_pins() -> None:
    manifest = json.loads(VENDOR.joinpath("manifest.json").read_text("utf-8"))
    assert [p["package"] for p in manifest["packages"]] == [
        "cytoscape",
        "layout-base",
        "cose-base",
        "cytoscape-fcose",
    ]
    readme = VENDOR.joinpath("README.md").read_text("utf-8")
    for package in manifest["packages"]:
        data = VENDOR.joinpath(package["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == package["sha256"], package["file"]
        assert package["integrity"].startswith("sha512-")
        assert package["license"] == "MIT"
        licence = VENDOR.joinpath(package["license_file"]).read_text("utf-8")
        assert "Permission is hereby granted, free of charge" in licence
        assert f"| {package['package']} | {package['version']} | MIT |" in readme


class _Loads(HTMLParser):
    """Every tag that could fetch something: src, href, and stylesheets or imports."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster") or tag == "link":
                self.loads.append((tag, f"{name}={value}"))


def test_the_page_is_one_self_contained_file(tmp_path: Path) -> None:
    page = write_picture(DATASET, SCHEMA, tmp_path / "view.html").path.read_text("utf-8")
    tags = _Loads()
    tags.feed(page)
    assert tags.loads == []
    assert tags.scripts == 3  # the library, the data, the page's script: no early end
    assert page.count("</script>") == 3
    assert script_safe(vendored_scripts()) in page
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style and "@import" not in style
    assert "<title>金山区“一谷一城一区一带一中心”知识图谱</title>" in page


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), WINDOW) as driver:
        yield driver


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_picture(DATASET, SCHEMA, tmp_path_factory.mktemp("view") / "layout.html").path


def _open(driver: WebDriver, path: Path) -> WebDriver:
    driver.get(path.as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return !!window.kgView.ready"))
    return driver


@pytest.fixture
def page(browser: WebDriver, page_file: Path) -> WebDriver:
    return _open(browser, page_file)


def _js(driver: WebDriver, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def _overlaps(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[i + 1 :], i + 1)
        if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
    ]


def test_it_opens_centred_and_fitted_with_no_scrollbars(page: WebDriver) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.save_screenshot(str(ARTIFACTS / "html-view.png"))
    facts = _js(
        page,
        """const d = document.documentElement, cy = window.kgView.cy;
        const b = cy.elements().renderedBoundingBox(), g = cy.container().getBoundingClientRect();
        return {sw: d.scrollWidth, cw: d.clientWidth, sh: d.scrollHeight, ch: d.clientHeight,
                box: [b.x1, b.y1, b.x2, b.y2], view: [g.width, g.height, g.top, g.bottom],
                nodes: cy.nodes(':visible').length, pillars: cy.nodes('.pillar').length,
                loads: performance.getEntriesByType('resource').map((r) => r.name)};""",
    )
    assert facts["sw"] <= facts["cw"] and facts["sh"] <= facts["ch"], facts
    assert facts["loads"] == []  # nothing fetched: the file is all there is
    drawn = layout_view(DATASET, SCHEMA)  # the layout as its source states it
    assert facts["nodes"] == len(drawn.entities) - sum(
        1 for e in drawn.entities.values() if e.label in SCHEMA.labels_with_role("context")
    )
    assert facts["pillars"] == 5  # drawn large and outlined
    x1, y1, x2, y2 = facts["box"]
    width, height, top, bottom = facts["view"]
    assert min(x1, y1) >= 0 and x2 <= width and y2 <= height  # all of it in view
    assert abs((x1 + x2) / 2 - width / 2) < 0.03 * width
    assert abs((y1 + y2) / 2 - height / 2) < 0.03 * height
    assert (x2 - x1) > 0.9 * width or (y2 - y1) > 0.9 * height  # fitted, not a corner
    window_height = _js(page, "return window.innerHeight")
    assert abs((top + bottom) / 2 - window_height / 2) < 0.03 * window_height


def test_every_label_is_shown_apart_and_readable(page: WebDriver) -> None:
    labels = _js(page, LABELS)
    assert len(labels["boxes"]) == len(view_data(SHOWN, SCHEMA)["nodes"])
    assert _overlaps(labels["boxes"]) == []
    assert labels["font"] >= 10  # px on screen, at the zoom the page opens with


def test_a_small_laptop_window_also_opens_fitted_with_labels_apart(
    browser: WebDriver, page_file: Path
) -> None:
    """The layout is placed for the window the page opens in; labels stay apart at any size
    (how large they are there: docs/pictures.md)."""
    browser.set_window_size(1366, 768)
    try:
        _open(browser, page_file)
        labels = _js(browser, LABELS)
        assert len(labels["boxes"]) == len(view_data(SHOWN, SCHEMA)["nodes"])
        assert _overlaps(labels["boxes"]) == []
        assert labels["font"] >= 8
        assert _js(
            browser,
            "const d = document.documentElement;"
            "return d.scrollWidth <= d.clientWidth && d.scrollHeight <= d.clientHeight",
        )
    finally:
        browser.set_window_size(*WINDOW)


def _search(driver: WebDriver, text: str) -> str:
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(text, Keys.ENTER)
    return str(driver.find_element(By.ID, "status").text)


def _selected(driver: WebDriver) -> list[str]:
    return list(_js(driver, "return window.kgView.cy.$('node:selected').map((n) => n.id())"))


@pytest.mark.parametrize(
    "query",
    [
        "上海碳谷绿湾产业园",  # the name
        "上海碳谷绿湾财产园",  # an alias (as a spun repost wrote it), in no other name
        "一谷",  # an alias; also a part of another entity's name, which comes after
        "碳谷绿湾",  # a part of the name
        "Shanghai Carbon Valley Green Bay Industrial Park",  # the English name
        "shanghai carbon valley",  # its start, in any case
    ],
    ids=["name", "spun-alias", "short-alias", "part", "english", "english-start"],
)
def test_search_finds_an_entity_by_name_alias_or_english_name(page: WebDriver, query: str) -> None:
    node = next(n for n in view_data(SHOWN, SCHEMA)["nodes"] if n["id"] == CARBON)
    assert query in (node["name"], *node["aliases"]) or node["name_en"].lower().startswith(
        query.lower()
    )
    _search(page, query)
    assert _selected(page) == [CARBON]
    assert page.find_element(By.CSS_SELECTOR, "#panel h2").text == "上海碳谷绿湾产业园"
    where = _js(
        page,
        """const cy = window.kgView.cy, p = cy.$id(arguments[0]).renderedPosition();
        return [p.x / cy.width(), p.y / cy.height(), cy.zoom()];""",
        CARBON,
    )
    assert abs(where[0] - 0.5) < 0.02 and abs(where[1] - 0.5) < 0.02  # centred on it


def test_search_says_when_nothing_matches(page: WebDriver) -> None:
    status = _search(page, "不存在的地方")
    assert "未找到" in status and "Not found" in status and "不存在的地方" in status
    assert _selected(page) == []


def test_a_label_filter_hides_that_labels_nodes(page: WebDriver) -> None:
    page.find_element(By.CSS_SELECTOR, "#legend input[value=Industry]").click()
    shown = _js(page, "return window.kgView.cy.nodes(':visible').map((n) => n.id())")
    industries = {
        n for n, d in to_networkx(SHOWN, SCHEMA).nodes(data=True) if d["label"] == "Industry"
    }
    assert industries and not industries & set(shown)
    assert len(shown) == len(view_data(SHOWN, SCHEMA)["nodes"]) - len(industries)


def test_the_pillar_filter_shows_only_that_pillars_members(page: WebDriver) -> None:
    Select(page.find_element(By.ID, "pillar")).select_by_value(CARBON)
    shown = set(_js(page, "return window.kgView.cy.nodes(':visible').map((n) => n.id())"))
    members = {n for n, p in pillar_of(to_networkx(SHOWN, SCHEMA), SCHEMA).items() if p == CARBON}
    assert CARBON in members and shown == members
    assert _overlaps(_js(page, LABELS)["boxes"]) == []


def _sentences(relations: list[Relation], node: str) -> set[str]:
    return {r.properties["sentence"] for r in relations if node in (r.start, r.end)}


def test_clicking_a_node_shows_its_citing_sentences(page: WebDriver) -> None:
    graph = page.find_element(By.ID, "graph")
    x, y, w, h = _js(
        page,
        """const cy = window.kgView.cy, p = cy.$id(arguments[0]).renderedPosition();
        return [p.x, p.y, cy.width(), cy.height()];""",
        CARBON,
    )
    ActionChains(page).move_to_element_with_offset(
        graph, int(x - w / 2), int(y - h / 2)
    ).click().perform()
    WebDriverWait(page, 10).until(lambda d: d.find_element(By.ID, "panel").is_displayed())
    assert page.find_element(By.CSS_SELECTOR, "#panel h2").text == "上海碳谷绿湾产业园"
    shown = [e.text for e in page.find_elements(By.CSS_SELECTOR, "#panel .sentence")]
    expected = _sentences(SHOWN.relations, CARBON)
    assert shown and {s.strip("“”") for s in shown} == expected
    sources = [e.text for e in page.find_elements(By.CSS_SELECTOR, "#panel .source")]
    assert any(s.startswith("来源 Source: ") for s in sources)


def test_clicking_a_line_shows_its_sentence_and_source(page: WebDriver) -> None:
    graph = page.find_element(By.ID, "graph")
    edges = view_data(SHOWN, SCHEMA)["edges"]
    edge = next(e for e in edges if e["s"] == CARBON or e["t"] == CARBON)
    x, y, w, h = _js(
        page,
        """const cy = window.kgView.cy, p = cy.$id(arguments[0]).renderedMidpoint();
        return [p.x, p.y, cy.width(), cy.height()];""",
        edge["id"],
    )
    ActionChains(page).move_to_element_with_offset(
        graph, int(x - w / 2), int(y - h / 2)
    ).click().perform()
    WebDriverWait(page, 10).until(lambda d: d.find_element(By.ID, "panel").is_displayed())
    picked = _js(page, "return window.kgView.cy.$('edge:selected').map((e) => e.id())")
    assert len(picked) == 1  # the line under the pointer (another may cross this one there)
    chosen = next(e for e in edges if e["id"] == picked[0])
    sentence = page.find_element(By.CSS_SELECTOR, "#panel .sentence").text
    assert sentence.strip("“”") == chosen["sentence"]
    assert chosen["source"] in page.find_element(By.CSS_SELECTOR, "#panel .source").text


def test_names_reach_the_page_as_text_never_as_markup(browser: WebDriver, tmp_path: Path) -> None:
    hostile = '</script><img src=x onerror="window.pwned=1"><b>粗</b>'
    d = Dataset("hostile", "1")
    here = Location("test", 0)
    for node_id, name in (("a", hostile), ("b", "乙镇")):
        d.entities[node_id] = Entity(node_id, "Town", {"id": node_id, "name": name}, here)
    d.relations.append(Relation("a", "LOCATED_IN", "b", {"source": "s", "sentence": hostile}, here))
    path = tmp_path / "hostile.html"
    path.write_text(render_html(d, SCHEMA), "utf-8")
    _open(browser, path)
    _search(browser, "onerror")
    assert browser.find_element(By.CSS_SELECTOR, "#panel h2").text == hostile
    assert _js(
        browser,
        "return [document.images.length, document.querySelectorAll('b').length,"
        " window.pwned === undefined]",
    ) == [0, 0, True]


def test_a_single_entity_is_drawn_in_the_middle(browser: WebDriver, tmp_path: Path) -> None:
    """One node has no shape to fit the window to: it is drawn, on screen, not lost at NaN."""
    d = Dataset("one", "1")
    d.entities["a"] = Entity("a", "Town", {"id": "a", "name": "甲镇"}, Location("test", 0))
    path = tmp_path / "one.html"
    path.write_text(render_html(d, SCHEMA), "utf-8")
    _open(browser, path)
    x, y, width, height = _js(
        browser,
        "const p = kgView.cy.nodes()[0].renderedPosition();"
        " return [p.x, p.y, kgView.cy.width(), kgView.cy.height()];",
    )
    assert 0 < x < width and 0 < y < height, (x, y, width, height)


def test_the_view_opens_on_the_layout_as_its_source_states_it() -> None:
    """The page holds the relations of the source that names the pillars (the 2020 article) and
    the entities they join; what later sources add is drawn with a picture's focus."""
    named = {r.properties["source"] for r in DATASET.relations if r.type == "PILLAR_OF"}
    assert named == {"jinshan-layout-2020-12"}
    assert {r.properties["source"] for r in SHOWN.relations} == named
    shown = {n["id"] for n in view_data(SHOWN, SCHEMA)["nodes"]}
    assert "carbon-valley-green-bay" in shown
    assert "donghu-international-innovation-centre" in DATASET.entities
    assert "donghu-international-innovation-centre" not in shown  # first named in 2023
