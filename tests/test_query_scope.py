"""Queries know their scope: with a sample of the divisions loaded, the curated queries give the
golden rows, the gazetteer queries seek through indexes, and `kg analyze`, `kg path` and
`kg viz` from Neo4j read the curated graph only, bounded."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.jobs.graph import GraphSource, run_analyze, run_path
from loader.model.errors import ConfigError
from loader.model.schema import load_schema
from loader.neo4j.connect import Connection
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.saved_queries import SavedQuery, get_query, list_queries, run_saved
from loader.neo4j.target import ConnectionOptions
from tests.project import QUERIES, SCHEMA_FILE, workspace
from tools.derived import golden_path, load_sample, query_inputs, query_rows, same_rows

SAVED = list_queries(QUERIES)
CURATED = [q.name for q in SAVED if q.scope == "curated"]
GAZETTEER = [q.name for q in SAVED if q.scope != "curated"]
SCANS = ("NodeByLabelScan", "AllNodesScan", "NodeIndexScan", "SubtractionNodeByLabelsScan")
SEEKS = (
    "NodeIndexSeek",
    "NodeUniqueIndexSeek",
    "NodeIndexSeekByRange",
    "NodeUniqueIndexSeekByRange",
)


@pytest.fixture(scope="module")
def with_divisions(loaded: Graph) -> Iterator[Graph]:
    """The curated graph with the divisions of the sample loaded and linked to it (as `make
    regen` loads them for the goldens)."""
    with Connection.to(loaded.target, workspace()) as connection:
        assert load_sample(workspace(), connection) >= 4
    yield loaded


def _golden(query: SavedQuery, graph: Graph) -> None:
    expected = json.loads(golden_path(query).read_text("utf-8"))
    assert expected["inputs"] == query_inputs(workspace(), query), "run `make regen`"
    assert expected["ordered"] == query.ordered
    rows = query_rows(graph, query)
    assert same_rows(query, rows, expected["rows"]), "rows differ: if meant, run `make regen`"


@pytest.mark.neo4j
@pytest.mark.parametrize("name", CURATED)
def test_curated_queries_ignore_the_divisions(name: str, with_divisions: Graph) -> None:
    """The golden rows of the curated graph alone (tests/test_queries.py), divisions loaded."""
    query = get_query(name, QUERIES)
    _golden(query, with_divisions)


@pytest.mark.neo4j
def test_the_divisions_are_there(with_divisions: Graph) -> None:
    """What the curated queries leave out is loaded: without the scope they would see it."""
    [row] = run_cypher(
        with_divisions,
        "MATCH (d:Division) WHERE d.name_en IS NULL "
        "RETURN count(d) AS unnamed, count { (:County)-[:SAME_AS]->(:Division) } AS linked",
    ).rows
    assert row["unnamed"] > 400 and row["linked"] >= 2


def _operators(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("children", []):
        yield from _operators(child)


@pytest.mark.neo4j
@pytest.mark.parametrize("name", GAZETTEER)
def test_gazetteer_queries_seek_through_indexes(name: str, with_divisions: Graph) -> None:
    query = get_query(name, QUERIES)
    division = load_schema(SCHEMA_FILE).label_for("gazetteer")
    params = {n: p.example for n, p in query.parameters.items()}
    plan = with_divisions.execute("EXPLAIN " + query.text, params, read=True).summary.plan
    assert plan is not None
    operators = list(_operators(plan))
    kinds = [op["operatorType"].split("@")[0] for op in operators]
    for op, kind in zip(operators, kinds, strict=True):
        details = str(op.get("args", {}).get("Details"))
        assert not (kind in SCANS and division in details), (name, kind, details)
    # Stricter than the label: no scan of any kind (a scan of every LOCATED_IN would be as bad).
    assert not [kind for kind in kinds if kind.endswith("Scan")], (name, kinds)
    assert any(kind in SEEKS for kind in kinds), (name, kinds)
    _golden(query, with_divisions)


@pytest.mark.neo4j
def test_gazetteer_query_rows(with_divisions: Graph) -> None:
    def run(name: str, **given: Any) -> list[dict[str, Any]]:
        return run_saved(with_divisions, get_query(name, QUERIES), given).rows

    towns = run("district-towns")
    assert len(towns) == 11 and all(r["district"] == "金山区" for r in towns)
    assert {"code": "310116102", "town": "枫泾镇"} in [
        {"code": r["code"], "town": r["town"]} for r in towns
    ]
    assert sum(r["villages"] for r in towns) == 244
    chain = run("place-chain", place="yaozhuang")
    assert [(r["level"], r["division"]) for r in chain] == [
        ("town", "姚庄镇"),
        ("county", "嘉善县"),
        ("city", "嘉兴市"),
        ("province", "浙江省"),
    ]
    assert {r["level"]: r["divisions"] for r in run("division-levels", prefix="3101")} == {
        "city": 1,
        "county": 1,
        "town": 11,
        "village": 244,
    }
    assert run("division-levels", prefix="99") == []


def test_scope_is_declared_validated_and_listed(runner: CliRunner, tmp_path: Path) -> None:
    assert {q.scope for q in SAVED} == {"curated", "gazetteer", "both"}
    listed = json.loads(runner.invoke(app, ["query", "list", "--format", "json"]).stdout)
    assert {e["name"]: e["scope"] for e in listed}["place-chain"] == "both"
    table = runner.invoke(app, ["query", "list", "--format", "csv"]).stdout.splitlines()
    assert table[0] == "name,title,scope,parameters"
    (tmp_path / "none.cypher").write_text("// None\n// no scope\nRETURN 1 AS one\n")
    (tmp_path / "odd.cypher").write_text("// Odd\n// @scope everything\nRETURN 1 AS one\n")
    (tmp_path / "twice.cypher").write_text(
        "// Twice\n// @scope both\n// @scope curated\nRETURN 1\n"
    )
    with pytest.raises(
        ConfigError, match=re.escape("must declare `// @scope curated|gazetteer|both`")
    ):
        get_query("none", tmp_path)
    with pytest.raises(ConfigError, match=r"odd\.cypher:2: @scope must be one of .* 'everything'"):
        get_query("odd", tmp_path)
    with pytest.raises(ConfigError, match=r"twice\.cypher:3: the scope is declared twice"):
        get_query("twice", tmp_path)
    bad = runner.invoke(app, ["query", "list", "--queries", str(tmp_path)])
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1, bad.stderr


@pytest.mark.neo4j
def test_analyze_path_and_viz_read_the_curated_graph_only(
    with_divisions: Graph,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("NEO4J_URI", with_divisions.target.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", with_divisions.target.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    ws = workspace()
    with Connection(ws, ConnectionOptions()) as connection:
        from_data = run_analyze(ws, connection, GraphSource("data")).analysis.as_dict()
        from_neo4j = run_analyze(ws, connection, GraphSource("neo4j")).analysis.as_dict()
        assert from_neo4j == from_data
        # 姚庄镇 names a curated town and its division; only the curated one is found, and no
        # path runs through the divisions (they would make 金山区 and 嘉善县 two steps apart).
        ends = ("金山区", "姚庄镇")
        assert run_path(ws, connection, GraphSource("neo4j"), ends) == run_path(
            ws, connection, GraphSource("data"), ends
        )
    picture = tmp_path / "graph.html"
    drawn = runner.invoke(app, ["viz", "--from", "neo4j", "-o", str(picture)])
    assert drawn.exit_code == 0, drawn.output
    assert "cn-310116" not in picture.read_text("utf-8")
    assert "阿里云华东智能算力中心" in picture.read_text("utf-8")
    monkeypatch.setattr("loader.neo4j.read.MAX_NODES", 100)
    for args in (
        ["analyze"],
        ["path", "金山区", "姚庄镇"],
        ["viz", "-o", str(tmp_path / "x.html")],
    ):
        refused = runner.invoke(app, [*args, "--from", "neo4j"])
        assert refused.exit_code == 2, (args, refused.output)
        assert "more than the 100 this command reads into memory" in refused.stderr
        assert refused.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]
