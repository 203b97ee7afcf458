"""The Browser stylesheet without a server: captions that read on every fill, circles that hold
the layout graph's names as Browser fits them. tests/test_browser_e2e.py checks the same in
Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.model.contrast import contrast_ratio
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.browser_style import (
    caption_fits,
    rules,
)

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = "layout-five-pillars"
MAX_CUT = 4  # the layout graph's positionings of 19 to 24 characters (tests/test_browser_e2e.py)


def test_every_caption_of_the_stylesheet_reads_on_its_fill() -> None:
    """Every rule, the default node's and the relationship's included, reaches WCAG AA."""
    for selector, props in rules(load_schema()).items():
        ratio = contrast_ratio(props["color"], props["text-color-internal"])
        assert ratio >= 4.5, (selector, round(ratio, 2))


def test_layout_graph_names_fit_their_circles() -> None:
    """The nodes `layout-graph` draws, as the data holds them: the layout and its pillars are
    named in full, and at most MAX_CUT others are cut."""
    schema = load_schema()
    dataset = load_dataset(ROOT / "data", schema)
    pillars = {r.start for r in dataset.relations if r.type == "PILLAR_OF" and r.end == LAYOUT}
    drawn = {LAYOUT, *pillars} | {
        r.end
        for r in dataset.relations
        if r.start in pillars and dataset.label_of(r.end) != "County"
    }
    cut = []
    for node in sorted(drawn):
        entity = dataset.entities[node]
        style = schema.labels[entity.label].style
        if not caption_fits(entity.name, style.diameter, style.font_size):
            cut.append(node)
    assert not set(cut) & {LAYOUT, *pillars}
    assert len(cut) <= MAX_CUT, [dataset.entities[n].name for n in cut]
    assert {dataset.label_of(n) for n in cut} <= {"Target"}


@pytest.mark.parametrize(
    ("text", "diameter", "font_size", "fits"),
    [
        ("上海湾区科创中心", 90, 14, False),  # a pillar, cut by Browser in the old stylesheet
        ("上海湾区科创中心", 150, 14, True),  # and whole in this one
        ("上海湾区科创中心", 84, 10, True),  # 8 em and a space: 83.2px
        ("上海湾区科创中心", 83, 10, False),
        ("5G技术", 50, 10, True),
        ("ab", 10, 10, False),  # more characters than pi r^2 / size^2 = 0
    ],
)
def test_caption_fits_as_browser_measures(
    text: str, diameter: int, font_size: int, fits: bool
) -> None:
    assert caption_fits(text, diameter, font_size) is fits
