"""`kg load` on the real server: counts, idempotence, incremental sync, prune, dry run, crashes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.properties import from_store
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.store import SyncOptions, load
from tests.graph_state import graph_state, schema_objects
from tests.project import DATA, SCHEMA_FILE, relabel_project_as_park

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")


def _load_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["load", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert isinstance(summary, dict)
    return summary


def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _drop_entity(data: Path, entity_id: str, file: str) -> None:
    path = data / "entities" / file
    blocks = path.read_text("utf-8").split("\n- ")
    kept = [b for b in blocks if f"id: {entity_id}\n" not in b]
    assert len(kept) == len(blocks) - 1
    path.write_text("\n- ".join(kept), "utf-8")
    facts = data / "facts" / "jinshan-layout-2020-12.yaml"
    lines = facts.read_text("utf-8").splitlines(keepends=True)
    facts.write_text("".join(line for line in lines if entity_id not in line), "utf-8")


def test_counts_after_load_equal_the_dataset(runner: CliRunner, neo4j_env: Graph) -> None:
    dataset = load_dataset(DATA, load_schema(SCHEMA_FILE))
    summary = _load_json(runner, str(DATA))
    assert summary["nodes_created"] == len(dataset.entities)
    assert summary["relationships_created"] == len(dataset.relations)
    by_label = run_cypher(
        neo4j_env,
        "MATCH (n:Entity) UNWIND labels(n) AS l WITH l WHERE l <> 'Entity' "
        "RETURN l AS label, count(*) AS n",
    ).rows
    assert {r["label"]: r["n"] for r in by_label} == dict(
        Counter(e.label for e in dataset.entities.values())
    )
    by_type = run_cypher(neo4j_env, "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n").rows
    assert {r["t"]: r["n"] for r in by_type} == dict(Counter(r.type for r in dataset.relations))
    [cited] = run_cypher(
        neo4j_env,
        "MATCH (:Road {id: 'yexin-road-new-section'})-[r:RELIEVES]->(:Road {id: 'g320'}) "
        "RETURN r.source AS source, r.sentence AS sentence, r.kg_dataset AS dataset",
    ).rows
    assert cited["source"] == "jinshan-layout-2020-12"
    assert cited["sentence"].startswith("叶新公路的完工通车")
    assert cited["dataset"] == dataset.name
    [event] = run_cypher(
        neo4j_env,
        "MATCH (e:Event {id: 'opening-2020-12-28-yexin-road'}) "
        "RETURN e.date = date('2020-12-28') AS typed",
    ).rows
    assert event["typed"] is True


def test_a_first_load_stores_every_property_as_the_data_says(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    """New rows go as column lists (batches by key set, shared values once): each node and
    relationship holds exactly its own properties, typed, and its dataset and digest."""
    schema = load_schema(SCHEMA_FILE)
    dataset = load_dataset(DATA, schema)
    _load_json(runner, str(DATA))
    bookkeeping = {"kg_dataset", "kg_hash"}
    nodes = neo4j_env.records("MATCH (n:Entity) RETURN n.id AS id, properties(n) AS props")
    assert len(nodes) == len(dataset.entities)
    for record in nodes:
        entity = dataset.entities[record["id"]]
        stored = dict(record["props"])
        assert stored.keys() == entity.properties.keys() | bookkeeping, entity.id
        assert stored["kg_dataset"] == dataset.name
        specs = schema.node_properties(entity.label)
        assert _typed(from_store(stored, specs)) == _typed(entity.properties), entity.id
    rels = neo4j_env.records(
        "MATCH (a)-[r]->(b) RETURN a.id AS start, type(r) AS type, b.id AS end, "
        "properties(r) AS props"
    )
    wanted = {(r.start, r.type, r.end): r.properties for r in dataset.relations}
    assert len(rels) == len(wanted)
    for record in rels:
        key = (record["start"], record["type"], record["end"])
        stored = dict(record["props"])
        assert stored.keys() == wanted[key].keys() | bookkeeping, key
        specs = schema.relationship_properties(record["type"])
        assert _typed(from_store(stored, specs)) == _typed(wanted[key]), key


def _typed(props: dict[str, Any]) -> dict[str, tuple[type, str]]:
    """Each value with its type and text: 1, 1.0 and True (or 0.0 and -0.0) differ here."""
    return {key: (type(value), repr(value)) for key, value in props.items()}


def test_second_load_is_a_no_op(runner: CliRunner, neo4j_env: Graph) -> None:
    _load_json(runner, str(DATA))
    before = graph_state(neo4j_env)
    summary = _load_json(runner, str(DATA))
    for section in ("nodes", "relationships"):
        for what in ("created", "updated", "deleted"):
            assert summary[f"{section}_{what}"] == 0
    assert summary["nodes_unchanged"] == len(before["nodes"])
    assert graph_state(neo4j_env) == before  # no row was written (only the load record)


def test_one_changed_relation_is_exactly_what_a_sync_applies(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    data = _copy_data(tmp_path)
    _load_json(runner, str(data))
    before = graph_state(neo4j_env)
    facts = data / "facts" / "jinshan-layout-2020-12.yaml"
    text = facts.read_text("utf-8")
    old = "to: g320, start_date: 2020-12-28,"
    assert text.count(old) == 1
    facts.write_text(
        text.replace(old, "to: g320, start_date: 2020-12-28, confidence: 0.7,"), "utf-8"
    )
    summary = _load_json(runner, str(data))
    assert summary["relationships_updated"] == 1
    assert summary["relationships_created"] == summary["relationships_deleted"] == 0
    assert summary["nodes_created"] == summary["nodes_updated"] == 0
    after = graph_state(neo4j_env)
    assert after["nodes"] == before["nodes"]
    changed = set(after["relationships"]) ^ set(before["relationships"])
    assert {(s, t, e) for s, t, e, _ in changed} == {("yexin-road-new-section", "RELIEVES", "g320")}
    assert len(changed) == 2  # the old and the new version of that one relationship


def test_moved_relation_with_prune(runner: CliRunner, neo4j_env: Graph, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    _load_json(runner, str(data))
    facts = data / "facts" / "jinshan-layout-2020-12.yaml"
    text = facts.read_text("utf-8")
    facts.write_text(
        text.replace("type: RELIEVES, to: g320,", "type: RELIEVES, to: zhufeng-road,"),
        "utf-8",
    )
    summary = _load_json(runner, str(data), "--prune", "--yes")
    assert summary["by_type"]["RELIEVES"] == {
        "created": 1,
        "updated": 0,
        "deleted": 1,
        "unchanged": 0,
        "stale": 0,
    }
    rows = run_cypher(neo4j_env, "MATCH (:Road)-[:RELIEVES]->(b) RETURN b.id AS id").rows
    assert rows == [{"id": "zhufeng-road"}]


def test_prune_sweeps_only_this_dataset(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    data = _copy_data(tmp_path)
    _load_json(runner, str(data))
    run_cypher(
        neo4j_env,
        "CREATE (f:Entity:Foreign {id: 'foreign-1', name: '外来'}) "
        "WITH f MATCH (j:Entity {id: 'jinshan'}), (l:Entity {id: 'huaping-jinshan-smart-park'}) "
        "CREATE (f)-[:MENTIONS]->(j), (f)-[:MENTIONS]->(l)",
        write=True,
    )
    # Drop two entities from the data: one nothing foreign links to, one a foreign node links to.
    _drop_entity(data, "hongxingyun-shanghai-branch", "parks_projects.yaml")
    _drop_entity(data, "huaping-jinshan-smart-park", "parks_projects.yaml")
    summary = _load_json(runner, str(data), "--prune", "--yes")
    assert summary["by_label"]["Project"]["deleted"] == 1
    assert summary["by_label"]["Park"]["stale"] == 1  # kept: the foreign node still links to it
    assert summary["relationships_deleted"] == 3  # two for 红星云上海分部, one for 华平
    ids = {r["id"] for r in run_cypher(neo4j_env, "MATCH (n) RETURN n.id AS id").rows}
    assert "hongxingyun-shanghai-branch" not in ids
    assert {"foreign-1", "huaping-jinshan-smart-park", "jinshan"} <= ids
    foreign = run_cypher(neo4j_env, "MATCH (:Foreign)-[r:MENTIONS]->(b) RETURN b.id AS id").rows
    assert sorted(r["id"] for r in foreign) == ["huaping-jinshan-smart-park", "jinshan"]


def test_dry_run_writes_nothing(runner: CliRunner, neo4j_env: Graph) -> None:
    summary = _load_json(runner, str(DATA), "--dry-run")
    assert summary["dry_run"] is True
    assert summary["nodes_created"] == len(load_dataset(DATA, load_schema(SCHEMA_FILE)).entities)
    assert graph_state(neo4j_env) == {"nodes": [], "relationships": []}
    assert schema_objects(neo4j_env) == 0
    table = runner.invoke(app, ["load", str(DATA), "--dry-run"])
    assert table.exit_code == 0 and "Dry run" in table.stdout


def test_wipe_needs_confirmation(runner: CliRunner, neo4j_env: Graph) -> None:
    run_cypher(neo4j_env, "CREATE (:Keep {id: 'keep'})", write=True)
    refused = runner.invoke(app, ["load", str(DATA), "--wipe"])
    assert refused.exit_code == 2  # a usage error: refused before anything is done
    assert "--yes" in refused.stderr
    assert run_cypher(neo4j_env, "MATCH (n) RETURN count(n) AS n").rows == [{"n": 1}]
    summary = _load_json(runner, str(DATA), "--wipe", "--yes")
    assert summary["wiped"] is True
    assert run_cypher(neo4j_env, "MATCH (n:Keep) RETURN count(n) AS n").rows == [{"n": 0}]


def test_invalid_data_writes_nothing(runner: CliRunner, neo4j_env: Graph, tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "entities" / "bad.yaml").write_text("- type: Planet\n  id: mars\n  name: 火星\n")
    result = runner.invoke(app, ["load", str(data)])
    assert result.exit_code == 2
    assert "bad.yaml:1: unknown label 'Planet'" in result.stderr
    assert result.stderr.count("\n") == 1
    assert graph_state(neo4j_env) == {"nodes": [], "relationships": []}
    assert schema_objects(neo4j_env) == 0


def test_foreign_id_is_a_clean_error_and_changes_nothing(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    run_cypher(neo4j_env, "CREATE (:Entity:Other {id: 'jinshan', name: '别人的金山'})", write=True)
    before = graph_state(neo4j_env)
    result = runner.invoke(app, ["load", str(DATA)])
    assert result.exit_code == 1
    assert "id 'jinshan' already belongs to a node" in result.stderr
    assert result.stderr.count("\n") == 1
    assert graph_state(neo4j_env) == before


def test_connection_errors_are_one_line(
    runner: CliRunner, neo4j_env: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-password")
    wrong = runner.invoke(app, ["load", str(DATA)])
    assert wrong.exit_code == 1 and "authentication failed" in wrong.stderr
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_env.target.password)
    missing = runner.invoke(app, ["load", str(DATA), "--database", "nosuch"])
    assert missing.exit_code == 1 and "database 'nosuch' does not exist" in missing.stderr
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    down = runner.invoke(app, ["load", str(DATA)])
    assert down.exit_code == 1 and "cannot reach Neo4j" in down.stderr
    for result in (wrong, missing, down):
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_batch_size_is_checked(runner: CliRunner, neo4j_env: Graph) -> None:
    result = runner.invoke(app, ["load", str(DATA), "--batch-size", "0"])
    assert result.exit_code != 0
    with pytest.raises(Exception, match="batch size"):
        schema = load_schema(SCHEMA_FILE)
        load(neo4j_env, load_dataset(DATA, schema), schema, SyncOptions(batch_size=10**9))


def test_killed_load_then_rerun_equals_uninterrupted(neo4j_env: Graph, tmp_path: Path) -> None:
    env = dict(os.environ)
    subprocess.run(
        [KG, "load", str(DATA), "--format", "json"], env=env, check=True, capture_output=True
    )
    reference = graph_state(neo4j_env)
    run_cypher(neo4j_env, "MATCH (n) DETACH DELETE n", write=True)
    total = len(reference["nodes"]) + len(reference["relationships"])
    proc = subprocess.Popen(
        [KG, "load", str(DATA), "--batch-size", "1", "--format", "json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    written = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            state = graph_state(neo4j_env)
            written = len(state["nodes"]) + len(state["relationships"])
            if written >= 20:
                break
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    partial = graph_state(neo4j_env)
    assert 0 < len(partial["nodes"]) + len(partial["relationships"]) < total, "not killed mid-load"
    subprocess.run(
        [KG, "load", str(DATA), "--format", "json"], env=env, check=True, capture_output=True
    )
    assert graph_state(neo4j_env) == reference


def test_a_dropped_entity_counts_alike_in_a_dry_run_a_kept_run_and_a_pruned_run(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """红星云上海分部 has one relationship out (PART_OF) and one in (HAS_PROJECT): the one out
    is found by the sweep, the one in by the chunk's plan; every mode counts both."""
    data = _copy_data(tmp_path)
    _load_json(runner, str(data))
    _drop_entity(data, "hongxingyun-shanghai-branch", "parks_projects.yaml")
    before = graph_state(neo4j_env)
    dry = _load_json(runner, str(data), "--prune", "--dry-run")
    assert (dry["nodes_deleted"], dry["relationships_deleted"]) == (1, 2)
    assert graph_state(neo4j_env) == before
    kept = _load_json(runner, str(data))
    assert (kept["nodes_stale"], kept["relationships_stale"]) == (1, 2)
    assert kept["nodes_deleted"] == kept["relationships_deleted"] == 0
    assert graph_state(neo4j_env) == before  # nothing else changed
    asked = runner.invoke(app, ["load", str(data), "--prune"])  # no terminal: refused, counted
    assert asked.exit_code == 2
    assert "--prune would delete 1 nodes and 2 relationships" in asked.stderr
    assert "confirm with --yes" in asked.stderr
    assert graph_state(neo4j_env) == before
    pruned = _load_json(runner, str(data), "--prune", "--yes")
    assert (pruned["nodes_deleted"], pruned["relationships_deleted"]) == (1, 2)
    assert pruned["nodes_stale"] == pruned["relationships_stale"] == 0
    ids = {r["id"] for r in run_cypher(neo4j_env, "MATCH (n) RETURN n.id AS id").rows}
    assert "hongxingyun-shanghai-branch" not in ids


def test_a_changed_label_rewrites_the_node_and_its_relationships(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    data = _copy_data(tmp_path)
    _load_json(runner, str(data))
    relabel_project_as_park(data)
    summary = _load_json(runner, str(data))
    assert summary["by_label"]["Park"]["updated"] == 1
    assert summary["by_type"]["HAS_PROJECT"]["created"] == 1
    rows = run_cypher(
        neo4j_env,
        "MATCH (c {id: 'jinshan'})-[:HAS_PROJECT]->(n {id: 'hongxingyun-shanghai-branch'}) "
        "RETURN labels(n) AS labels",
    ).rows
    assert [sorted(r["labels"]) for r in rows] == [["Entity", "Park"]]
    again = _load_json(runner, str(data))
    assert again["nodes_created"] == again["nodes_updated"] == again["relationships_created"] == 0


def test_a_changed_label_keeps_what_other_datasets_link_to_the_node(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """A node another dataset links to (a SAME_AS of the divisions' links, say) cannot be
    deleted and written again: its labels change in place, its own relationships are rewritten,
    and the foreign link stays."""
    data = _copy_data(tmp_path)
    _load_json(runner, str(data))
    link = (
        "MATCH (n {id: 'hongxingyun-shanghai-branch'}) "
        "CREATE (:Foreign {id: 'elsewhere'})-[:POINTS_AT {kg_dataset: 'other'}]->(n)"
    )
    run_cypher(neo4j_env, link, write=True)
    relabel_project_as_park(data)
    summary = _load_json(runner, str(data))
    assert summary["by_label"]["Park"]["updated"] == 1
    rows = run_cypher(
        neo4j_env,
        "MATCH (:Foreign)-[:POINTS_AT]->(n {id: 'hongxingyun-shanghai-branch'}) "
        "RETURN labels(n) AS labels",
    ).rows
    assert [sorted(r["labels"]) for r in rows] == [["Entity", "Park"]]
    again = _load_json(runner, str(data))
    assert again["nodes_created"] == again["nodes_updated"] == again["relationships_created"] == 0
