"""Hostile values round-trip verbatim or are refused cleanly (a first part of issue 10's corpus)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.text_rules import name_problem
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    "O'Brien's \"park\"",
    "`Entity`) DETACH DELETE n //",
    "}) DETACH DELETE n //",
    "$name {id: 'x'}",
    "line one\nline two\r\nthree",
    "金山🚄区 \uff3c(^o^)\uff0f",
    "\\u0000 not a NUL, a backslash",
    "<script>alert(1)</script>",
    "a" * 1000,
]


@pytest.mark.neo4j
def test_hostile_names_round_trip_through_load(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    # A name holds no control character (newlines included), so a description carries those.
    entities = [
        {"type": "Park", "id": f"hostile-{i}", "name": value, "aliases": [value + "#"]}
        if name_problem(value) is None
        else {"type": "Park", "id": f"hostile-{i}", "name": f"hostile {i}"}
        for i, value in enumerate(HOSTILE)
    ]
    for entity, value in zip(entities, HOSTILE, strict=True):
        entity["description"] = value
    (data / "entities" / "hostile.yaml").write_text(
        yaml.safe_dump(entities, allow_unicode=True), "utf-8"
    )
    loaded = runner.invoke(app, ["load", str(data), "--format", "json"])
    assert loaded.exit_code == 0, loaded.output
    rows = run_cypher(
        neo4j_env,
        "MATCH (n:Park) WHERE n.id STARTS WITH 'hostile-' "
        "RETURN n.id AS id, n.description AS description, n.name AS name, n.aliases AS aliases",
    ).rows
    got = {r["id"]: r for r in rows}
    for i, value in enumerate(HOSTILE):
        assert got[f"hostile-{i}"]["description"] == value
        if name_problem(value) is None:
            assert (got[f"hostile-{i}"]["name"], got[f"hostile-{i}"]["aliases"]) == (
                value,
                [value + "#"],
            )
    assert run_cypher(neo4j_env, "MATCH (n:Entity) RETURN count(n) AS n").rows[0]["n"] > 150


@pytest.mark.neo4j
def test_a_name_too_long_to_index_is_refused_before_writing(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    huge = [{"type": "Park", "id": "huge", "name": "a" * 100_000}]
    (data / "entities" / "huge.yaml").write_text(yaml.safe_dump(huge), "utf-8")
    result = runner.invoke(app, ["load", str(data)])
    assert result.exit_code == 2
    assert "longer than 1000 characters (100000)" in result.stderr
    assert run_cypher(neo4j_env, "MATCH (n) RETURN count(n) AS n").rows == [{"n": 0}]


@pytest.mark.neo4j
@pytest.mark.parametrize("value", HOSTILE[:8])
def test_hostile_parameters_stay_values(runner: CliRunner, neo4j_env: Graph, value: str) -> None:
    run_cypher(neo4j_env, "CREATE (:Canary {id: 'canary'})", write=True)
    result = runner.invoke(
        app, ["cypher", "RETURN $v AS v", "-p", f"v={value}", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"v": value}]
    assert run_cypher(neo4j_env, "MATCH (n:Canary) RETURN count(n) AS n").rows == [{"n": 1}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", "x`) DETACH DELETE n //", "does not match"),
        ("id", "", "non-empty string"),
        ("type", "Park`:Admin", "unknown label"),
        ("name", ["not", "a", "string"], "expected a string"),
    ],
)
def test_hostile_fields_are_refused(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    entity: dict[str, object] = {"type": "Park", "id": "fine-id", "name": "好名字"}
    entity[field] = value
    (data / "entities" / "bad.yaml").write_text(
        yaml.safe_dump([entity], allow_unicode=True), "utf-8"
    )
    result = CliRunner().invoke(app, ["validate", str(data)])
    assert result.exit_code == 2
    assert message in result.stdout
