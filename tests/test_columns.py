"""New rows as column lists: one list per key (null where a row lacks it), shared values sent
once, types kept; small groups packed into shared transactions."""

from __future__ import annotations

from datetime import date

from loader.neo4j import cypher_text as q
from loader.neo4j.apply import Job, packed
from loader.neo4j.columns import node_columns, relationship_columns


def test_rows_of_any_shape_share_a_batch_with_null_where_a_key_is_missing() -> None:
    rows = [
        {"id": "a", "name": "甲", "kg_dataset": "d"},
        {"id": "b", "kg_dataset": "d"},
        {"id": "c", "name": "丙", "kg_dataset": "d"},
    ]
    batch = node_columns(rows)
    assert (batch.keys, batch.size) == (("id", "kg_dataset", "name"), 3)
    assert batch.params == {"c0": ["a", "b", "c"], "c1": "d", "c2": ["甲", None, "丙"], "rows": 3}
    assert batch.shared == {"kg_dataset"}
    assert node_columns(rows[1:2]).params == {"c0": "b", "c1": "d", "rows": 1}  # all shared


def test_a_value_is_shared_only_when_equal_and_of_one_type() -> None:
    """1, 1.0 and True are equal in Python; Neo4j stores an integer, a float and a boolean."""
    batch = node_columns([{"id": "a", "x": 1}, {"id": "b", "x": True}, {"id": "c", "x": 1.0}])
    assert batch.params["c1"] == [1, True, 1.0]
    assert [type(v) for v in batch.params["c1"]] == [int, bool, float]
    assert batch.shared == frozenset()
    dated = node_columns(
        [{"id": "a", "d": date(2020, 12, 28)}, {"id": "b", "d": date(2020, 12, 28)}]
    )
    assert dated.keys == ("d", "id")
    assert dated.params["c0"] == date(2020, 12, 28)
    signed = node_columns([{"id": "a", "x": 0.0}, {"id": "b", "x": -0.0}])
    assert [repr(v) for v in signed.params["c1"]] == ["0.0", "-0.0"]  # equal, yet not the same


def test_relationships_keep_their_order_and_ends() -> None:
    rows = [
        {"start": "s2", "end": "e1", "props": {"kg_hash": 2, "source": "x"}},
        {"start": "s1", "end": "e2", "props": {"kg_hash": 1, "source": "x", "note": "n"}},
    ]
    assert relationship_columns(rows).params == {
        "start": ["s2", "s1"],
        "end": ["e1", "e2"],
        "c0": [2, 1],
        "c1": [None, "n"],
        "c2": "x",
        "rows": 2,
    }


def test_the_query_indexes_only_the_columns_that_vary() -> None:
    query = q.create_node_columns(
        "Park", "Entity", ("id", "kg_dataset", "weird`key"), {"kg_dataset"}
    )
    assert query == (
        "UNWIND range(0, $rows - 1) AS i CREATE (n:`Entity`:`Park` "
        "{`id`: $c0[i], `kg_dataset`: $c1, `weird``key`: $c2[i]})"
    )


def test_small_jobs_share_a_transaction_up_to_the_batch_size() -> None:
    jobs: list[Job] = [([("a", {})], 3), ([("b", {})], 4), ([("c", {})], 5), ([("d", {})], 20)]
    assert list(packed(jobs, 10)) == [
        ([("a", {}), ("b", {})], 7),
        ([("c", {})], 5),
        ([("d", {})], 20),  # a batch of its own, never split
    ]
    assert list(packed([], 10)) == []
