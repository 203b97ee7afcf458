"""Test helper: the whole graph as comparable data (what a load wrote, property for property)."""

from __future__ import annotations

from typing import Any

from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph

# The graph, without the loader's bookkeeping nodes (the lease, the load records).
NODES = (
    "MATCH (n) WHERE NOT n:KgLoad AND NOT n:KgLease "
    "RETURN labels(n) AS labels, properties(n) AS props"
)
RELS = (
    "MATCH (a)-[r]->(b) RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS props"
)


def graph_state(settings: Graph) -> dict[str, Any]:
    def clean(props: dict[str, Any]) -> str:
        return repr(sorted(props.items()))

    nodes = sorted(
        (tuple(sorted(row["labels"])), clean(row["props"]))
        for row in run_cypher(settings, NODES).rows
    )
    rels = sorted(
        (row["start"], row["type"], row["end"], clean(row["props"]))
        for row in run_cypher(settings, RELS).rows
    )
    return {"nodes": nodes, "relationships": rels}


def schema_objects(settings: Graph) -> int:
    rows = run_cypher(
        settings, "SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*) AS n"
    ).rows
    return int(rows[0]["n"])
