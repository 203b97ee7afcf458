"""The Browser stylesheet without a server: captions that read on every fill, circles that hold
the layout graph's names as Browser fits them, and the post-connect command the managed server
hands Browser. tests/test_browser_e2e.py checks the same in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loader.model.contrast import AA_NORMAL_TEXT, contrast_ratio
from loader.model.errors import ConfigError
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.browser_style import (
    caption_fits,
    grass,
    login_style,
    post_connect_command,
    rules,
    style_command,
)
from loader.neo4j.server import ManagedServer
from loader.neo4j.server_conf import conf_text
from tests.project import SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = "layout-five-pillars"
MAX_CUT = 4  # the layout graph's positionings of 19 to 24 characters (tests/test_browser_e2e.py)


def test_every_caption_of_the_stylesheet_reads_on_its_fill() -> None:
    """Every rule, the default node's and the relationship's included, reaches WCAG AA."""
    for selector, props in rules(load_schema(SCHEMA_FILE)).items():
        ratio = contrast_ratio(props["color"], props["text-color-internal"])
        assert ratio >= AA_NORMAL_TEXT, (selector, round(ratio, 2))


def test_layout_graph_names_fit_their_circles() -> None:
    """The nodes `layout-graph` draws, as the data holds them: the layout and its pillars are
    named in full, and at most MAX_CUT others are cut."""
    schema = load_schema(SCHEMA_FILE)
    dataset = load_dataset(ROOT / "data", schema)
    named = {
        r.start: r.properties["source"]
        for r in dataset.relations
        if r.type == "PILLAR_OF" and r.end == LAYOUT
    }
    pillars = set(named)
    drawn = {LAYOUT, *pillars} | {
        r.end
        for r in dataset.relations
        if r.start in pillars
        and dataset.label_of(r.end) != "County"
        and r.properties["source"] == named[r.start]
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


def test_post_connect_command_is_the_stylesheet_on_one_line() -> None:
    """Browser splits `browser.post_connect_cmd` at `;` and runs each part as `:part`: the
    command is one `style` with JSON, no `;`, no line break, the same rules as the .grass."""
    schema = load_schema(SCHEMA_FILE)
    command = post_connect_command(schema)
    assert command.startswith("style {")
    assert ";" not in command and "\n" not in command
    assert json.loads(command.removeprefix("style ")) == rules(schema)
    assert "node.Pillar {\n" in grass(schema) and "node.Pillar {\n" in style_command(schema)
    assert command.isascii() and "'" not in command and "\\" not in command
    conf = conf_text(7687, 7474, post_connect_cmd=command)
    assert f"browser.post_connect_cmd={command}\n" in conf
    assert "post_connect_cmd" not in conf_text(7687, 7474)


@pytest.mark.parametrize("value", ["style {}\nserver.bolt.listen_address=0.0.0.0", "style 简称"])
def test_a_conf_value_is_one_line_of_ascii(value: str) -> None:
    """neo4j.conf is Java properties read as ISO-8859-1: a line break would add a setting, and
    anything beyond ASCII would reach Browser garbled; both are refused."""
    with pytest.raises(ConfigError, match="printable ASCII on one line"):
        conf_text(7687, 7474, post_connect_cmd=value)
    assert "browser.post_connect_cmd=a\\\\b\n" in conf_text(7687, 7474, post_connect_cmd="a\\b")


def test_a_server_without_a_schema_starts_unstyled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No schema, no stylesheet: the managed server still gets its neo4j.conf, with a warning."""
    missing = login_style(lambda: load_schema(tmp_path / "schema.yaml"))
    assert missing is None
    assert "Browser will not be styled on login" in caplog.text
    home = tmp_path / "home"
    assert "post_connect_cmd" not in ManagedServer(home, bolt_port=7687, http_port=7474).conf_text()
    styled = ManagedServer(home, style=lambda: login_style(lambda: load_schema(SCHEMA_FILE)))
    assert login_style(lambda: load_schema(SCHEMA_FILE)) == post_connect_command(
        load_schema(SCHEMA_FILE)
    )
    assert "browser.post_connect_cmd=style {" in styled.conf_text()
