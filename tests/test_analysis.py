"""Analytics, paths and pictures: hand-computed metrics, data == Neo4j, write-back, CJK glyphs.
The HTML view has its own file, tests/test_html_view.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.analysis.graph import analyze, shortest_paths
from loader.cli.app import app
from loader.jobs.graph import GraphSource, run_analyze
from loader.model.dataset import Dataset, Entity, Location, Relation
from loader.model.errors import ConfigError
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.connect import Connection
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.target import ConnectionOptions
from tests.project import SCHEMA_FILE, workspace

ROOT = Path(__file__).resolve().parent.parent
HERE = Location("test", 0)
SCHEMA = load_schema(SCHEMA_FILE)


def _tiny() -> Dataset:
    """A -> B <- C, D -> B (a star on B), plus a road joining two towns."""
    d = Dataset("tiny", "1")
    for node_id, label, name in [
        ("a", "County", "甲区"),
        ("b", "Town", "乙镇"),
        ("c", "Town", "丙镇"),
        ("d", "Town", "丁镇"),
        ("r", "Road", "测试公路"),
        ("t1", "Town", "东镇"),
        ("t2", "Town", "西镇"),
    ]:
        d.entities[node_id] = Entity(
            node_id, label, {"id": node_id, "name": name, "name_en": node_id.upper()}, HERE
        )
    for start, rel, end in [
        ("a", "LOCATED_IN", "b"),
        ("c", "LOCATED_IN", "b"),
        ("d", "LOCATED_IN", "b"),
        ("r", "CONNECTS_TO", "t1"),
        ("r", "CONNECTS_TO", "t2"),
    ]:
        d.relations.append(
            Relation(start, rel, end, {"source": "s", "sentence": f"{start}{end}"}, HERE)
        )
    return d


def test_metrics_equal_hand_computed_values() -> None:
    result = analyze(_tiny(), SCHEMA)
    scores = {s.id: s for s in result.nodes}
    assert {k: s.degree for k, s in scores.items()} == {
        "a": 1,
        "b": 3,
        "c": 1,
        "d": 1,
        "r": 2,
        "t1": 1,
        "t2": 1,
    }
    # Betweenness: b is on the only path of each of the 3 pairs of its leaves, r on 1 pair.
    n = 7  # normalised by (n-1)(n-2)/2 pairs over the whole graph
    assert scores["b"].betweenness == pytest.approx(3 / ((n - 1) * (n - 2) / 2), abs=1e-6)
    assert scores["r"].betweenness == pytest.approx(1 / ((n - 1) * (n - 2) / 2), abs=1e-6)
    assert scores["a"].betweenness == 0
    # PageRank sums to 1 and the hub outranks its symmetric leaves (the closed form is below).
    total = sum(s.pagerank for s in result.nodes)
    assert total == pytest.approx(1.0, abs=1e-5)
    assert scores["b"].pagerank > scores["a"].pagerank == pytest.approx(scores["c"].pagerank)
    # The transport subgraph is r with its two towns: r lies on the one pair's only path.
    assert scores["r"].transport_betweenness == pytest.approx(1.0)
    assert scores["a"].transport_betweenness is None
    assert (scores["r"].transport_degree, scores["t1"].transport_degree) == (2, 1)
    # PageRank of the path t1 - r - t2: r = 0.15/3 + 0.85 * 2 * t, t = 0.15/3 + 0.85 * r / 2
    # => r = 0.05 + 1.7 (0.05 + 0.425 r)  =>  r = 0.135 / 0.2775
    assert scores["r"].transport_pagerank == pytest.approx(0.135 / 0.2775, abs=1e-5)
    assert scores["a"].transport_pagerank is None
    assert result.articulation_points == ["b", "r"]
    assert result.bridges == [("a", "b"), ("b", "c"), ("b", "d"), ("r", "t1"), ("r", "t2")]
    assert result.components == [["a", "b", "c", "d"], ["r", "t1", "t2"]]
    assert result.health["small_components"] == []


def test_pagerank_of_a_star_matches_the_closed_form() -> None:
    d = _tiny()
    d.relations = d.relations[:3]
    for node in ("r", "t1", "t2"):
        del d.entities[node]
    scores = {s.id: s.pagerank for s in analyze(d, SCHEMA).nodes}
    # Leaves x, hub y; the hub dangles and spreads evenly: x = .15/4 + .85*y/4,
    # y = .15/4 + .85*(3x + y/4) with 3x + y = 1  =>  y = .8875/1.6375, x = (1 - y)/3.
    y = 0.8875 / 1.6375
    assert scores["b"] == pytest.approx(y, abs=1e-5)
    assert scores["a"] == pytest.approx((1 - y) / 3, abs=1e-5)


def test_communities_are_stable() -> None:
    first = analyze(load_dataset(ROOT / "data", load_schema(SCHEMA_FILE)), SCHEMA).communities
    assert (
        first == analyze(load_dataset(ROOT / "data", load_schema(SCHEMA_FILE)), SCHEMA).communities
    )
    assert len(first) > 3


def test_paths_by_any_name() -> None:
    data = load_dataset(ROOT / "data", load_schema(SCHEMA_FILE))
    for a, b in (("叶新公路", "姚庄镇"), ("Yexin Road", "姚庄"), ("墨枫公路", "yaozhuang")):
        paths = shortest_paths(data, SCHEMA, a, b)
        assert paths and all(len(p) == len(paths[0]) for p in paths)
        assert paths[0][-1].end == "yaozhuang"
        assert all(step.sentence for path in paths for step in path)
    with pytest.raises(ConfigError, match="no entity is called"):
        shortest_paths(data, SCHEMA, "火星", "金山区")


def test_path_and_analyze_cli() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["path", "枫泾", "姚庄", "--format", "json"])
    assert result.exit_code == 0, result.output
    [step] = json.loads(result.stdout)
    assert (step["from"], step["relationship"], step["to"]) == ("枫泾镇", "CONNECTS_TO", "姚庄镇")
    assert "30分钟缩短为3分钟" in step["sentence"]
    report = runner.invoke(app, ["analyze", "--format", "json"])
    document = json.loads(report.stdout)
    assert {
        "nodes",
        "communities",
        "components",
        "articulation_points",
        "bridges",
        "health",
    } <= set(document)
    table = runner.invoke(app, ["analyze", "--top", "3"])
    assert "Top 3 by pagerank" in table.stdout and "金山区" in table.stdout
    missing = runner.invoke(app, ["path", "金山区", "火星"])
    assert missing.exit_code == 1 and "no entity is called '火星'" in missing.stderr


@pytest.mark.neo4j
def test_same_results_from_data_and_neo4j_and_write_back(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    assert runner.invoke(app, ["load", "--format", "json"]).exit_code == 0
    ws = workspace()
    with Connection(ws, ConnectionOptions()) as connection:
        from_data = run_analyze(ws, connection, GraphSource("data")).analysis.as_dict()
        from_neo4j = run_analyze(ws, connection, GraphSource("neo4j")).analysis.as_dict()
    assert from_neo4j == from_data
    written = runner.invoke(app, ["analyze", "--write-back"])
    assert written.exit_code == 0, written.output
    rows = run_cypher(
        neo4j_env,
        "MATCH (n:Entity {id: 'jinshan'}) RETURN n.pagerank AS pr, n.community AS c, n.degree AS d",
    ).rows
    jinshan = next(s for s in from_data["nodes"] if s["id"] == "jinshan")
    assert rows == [{"pr": jinshan["pagerank"], "c": jinshan["community"], "d": jinshan["degree"]}]
    again = json.loads(
        runner.invoke(app, ["load", "--format", "json"]).stdout
    )  # scores are not changes
    assert again["nodes_updated"] == again["nodes_created"] == 0
    assert run_cypher(
        neo4j_env, "MATCH (n:Entity {id: 'jinshan'}) RETURN n.pagerank AS pr"
    ).rows == [{"pr": jinshan["pagerank"]}]


def test_viz_cli_writes_each_kind(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("g.html", "g.png", "g.svg"):
        result = runner.invoke(app, ["viz", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 10_000
    svg = (tmp_path / "g.svg").read_text("utf-8")
    assert "<svg" in svg
    bad = runner.invoke(app, ["viz", "-o", str(tmp_path / "g.gif")])
    assert bad.exit_code == 1 and "use a .html, .png or .svg" in bad.stderr
