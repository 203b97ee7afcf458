"""Emptying a database: every node and relationship, and optionally every constraint and index.

Used by `kg load --wipe` and by the tests' clean-database fixture. Deletes run in batches so a
large graph does not need one huge transaction. A load's wipe keeps the leases: other loads'
(it waited for them to end, so they are gone or dead) and its own.
"""

from __future__ import annotations

from loader.neo4j.graph import Graph

# Relationships first, then nodes: a node with a million relationships (an RDF class or dataset
# node, say) would not fit one transaction's memory if DETACH DELETE took them all at once.
DELETE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
DELETE_NODES = (
    "MATCH (n) WHERE NOT any(l IN labels(n) WHERE l IN $keep) "
    "CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS"
)

# The constraints or indexes to drop: those on a label (or type) not kept.
SCHEMA_ITEMS = (
    "SHOW {kind} YIELD name, type, labelsOrTypes "
    "WHERE NOT any(l IN coalesce(labelsOrTypes, []) WHERE l IN $keep){also} RETURN name"
)
_NOT_LOOKUP = " AND type <> 'LOOKUP'"


def clear_database(graph: Graph, *, drop_schema: bool = True, keep: str | None = None) -> None:
    """Delete every relationship and every node, then, with `drop_schema`, every constraint
    and index; the nodes labelled `keep` stay, and so do the constraints and indexes on it."""
    kept = {"keep": [keep] if keep else []}
    graph.run(DELETE_RELATIONSHIPS)
    graph.run(DELETE_NODES, kept)
    if not drop_schema:
        return
    for record in graph.run(SCHEMA_ITEMS.format(kind="CONSTRAINTS", also=""), kept):
        graph.run(f"DROP CONSTRAINT {_quoted(record['name'])} IF EXISTS")
    for record in graph.run(SCHEMA_ITEMS.format(kind="INDEXES", also=_NOT_LOOKUP), kept):
        graph.run(f"DROP INDEX {_quoted(record['name'])} IF EXISTS")


def _quoted(name: str) -> str:
    """A schema name from SHOW output as a Cypher identifier (names cannot be parameters)."""
    return "`" + name.replace("`", "``") + "`"
