"""New rows as column lists: grouped by their keys, shared values sent once, types kept."""

from __future__ import annotations

from datetime import date

from loader.neo4j import cypher_text as q
from loader.neo4j.columns import node_columns, relationship_columns


def test_rows_with_other_keys_go_in_batches_of_their_own() -> None:
    rows = [
        {"id": "a", "name": "甲", "kg_dataset": "d"},
        {"id": "b", "kg_dataset": "d"},
        {"id": "c", "name": "丙", "kg_dataset": "d"},
    ]
    named, bare = node_columns(rows)
    assert (named.keys, named.size, named.params["rows"]) == (("id", "kg_dataset", "name"), 2, 2)
    assert named.params == {"c0": ["a", "c"], "c1": "d", "c2": ["甲", "丙"], "rows": 2}
    assert named.shared == {"kg_dataset"}
    assert bare.params == {"c0": "b", "c1": "d", "rows": 1}  # one row: every value is shared


def test_a_value_is_shared_only_when_equal_and_of_one_type() -> None:
    """1, 1.0 and True are equal in Python; Neo4j stores an integer, a float and a boolean."""
    rows = [{"id": "a", "x": 1}, {"id": "b", "x": True}, {"id": "c", "x": 1.0}]
    [batch] = node_columns(rows)
    assert batch.params["c1"] == [1, True, 1.0]
    assert [type(v) for v in batch.params["c1"]] == [int, bool, float]
    assert batch.shared == frozenset()
    days = [{"id": "a", "d": date(2020, 12, 28)}, {"id": "b", "d": date(2020, 12, 28)}]
    [dated] = node_columns(days)
    assert dated.keys == ("d", "id")
    assert dated.params["c0"] == date(2020, 12, 28)


def test_relationships_keep_their_order_and_ends() -> None:
    rows = [
        {"start": "s2", "end": "e1", "props": {"kg_hash": 2, "source": "x"}},
        {"start": "s1", "end": "e2", "props": {"kg_hash": 1, "source": "x"}},
    ]
    [batch] = relationship_columns(rows)
    assert batch.params == {
        "start": ["s2", "s1"],
        "end": ["e1", "e2"],
        "c0": [2, 1],
        "c1": "x",
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
