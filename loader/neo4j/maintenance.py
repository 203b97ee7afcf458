"""Emptying a database: every node and relationship, and optionally every constraint and index.

Used by `kg load --wipe` and by the tests' clean-database fixture. Deletes run in batches so a
large graph does not need one huge transaction. A load's wipe keeps the leases: other loads'
(it waited for them to end, so they are gone or dead) and its own.
"""

from __future__ import annotations

from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph


def clear_database(graph: Graph, *, drop_schema: bool = True, keep: str | None = None) -> None:
    """Delete every relationship and every node, then, with `drop_schema`, every constraint
    and index; the nodes labelled `keep` stay, and so do the constraints and indexes on it."""
    kept = {"keep": [keep] if keep else []}
    # relationships first, then nodes: a node with a million relationships (an RDF class or
    # dataset node, say) would not fit one transaction's memory if DETACH DELETE took them all
    graph.run(q.DELETE_RELATIONSHIPS)
    graph.run(q.DELETE_NODES, kept)
    if not drop_schema:
        return
    for record in graph.run(q.CONSTRAINTS_NOT_KEPT, kept):
        graph.run(f"DROP CONSTRAINT {_quoted(record['name'])} IF EXISTS")
    for record in graph.run(q.INDEXES_NOT_KEPT, kept):
        graph.run(f"DROP INDEX {_quoted(record['name'])} IF EXISTS")


def _quoted(name: str) -> str:
    """A schema name from SHOW output as a Cypher identifier (names cannot be parameters)."""
    return "`" + name.replace("`", "``") + "`"
