"""New rows sent as column lists: one list per property, not one map per row.

The server unpacks a list of maps key by key, row by row; parallel lists indexed in Cypher
(`UNWIND range(0, $rows - 1) AS i CREATE (n {id: $c0[i]})`) cost it less: on the 665,276
divisions, 20% less wall time and 15% less server CPU for the same nodes and relationships
(docs/benchmarks.md). A property whose value is the same in every row of a batch (the dataset,
a source) goes once, as a single value. A row without one of the batch's properties has null
in its column, and Cypher sets no property to null, so rows of any shape share one batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Columns:
    """One batch's rows: `keys` the property names in order, `shared` those sent once, and
    `params` the query's parameters (`rows`, `c0`… by key, `start`/`end` for relationships)."""

    keys: tuple[str, ...]
    shared: frozenset[str]
    params: dict[str, Any]

    @property
    def size(self) -> int:
        """The batch's rows (its `rows` parameter)."""
        return int(self.params["rows"])


def param(index: int) -> str:
    """The parameter that holds the column of the `index`th key."""
    return f"c{index}"


def node_columns(rows: Sequence[dict[str, Any]]) -> Columns:
    """New nodes (each row its property map) as one batch of columns."""
    return _columns(rows, {})


def relationship_columns(rows: Sequence[dict[str, Any]]) -> Columns:
    """New relationships (rows of start, end and props) as one batch of columns, in the rows'
    order (the writer's lock order)."""
    ends = {"start": [row["start"] for row in rows], "end": [row["end"] for row in rows]}
    return _columns([row["props"] for row in rows], ends)


def _columns(props: Sequence[dict[str, Any]], params: dict[str, Any]) -> Columns:
    keys = tuple(sorted({key for row in props for key in row}))
    shared = set()
    for index, key in enumerate(keys):
        column = [row.get(key) for row in props]
        if _same(column):
            shared.add(key)
            params[param(index)] = column[0]
        else:
            params[param(index)] = column
    params["rows"] = len(props)
    return Columns(keys, frozenset(shared), params)


def _same(column: list[Any]) -> bool:
    """Every value equal and of one type (1, 1.0 and True are equal in Python, not in Neo4j;
    nor are 0.0 and -0.0, told apart by their text)."""
    first = column[0]
    kind = type(first)
    if kind is float:
        return all(type(value) is float and repr(value) == repr(first) for value in column)
    return all(type(value) is kind and value == first for value in column)
