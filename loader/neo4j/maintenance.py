"""Emptying a database: every node and relationship, and optionally every constraint and index.

Used by `kg load --wipe` and by the tests' clean-database fixture. Deletes run in batches so a
large graph does not need one huge transaction.
"""

from __future__ import annotations

from loader.neo4j.graph import Graph

# Relationships first, then nodes: a node with a million relationships (an RDF class or dataset
# node, say) would not fit one transaction's memory if DETACH DELETE took them all at once.
DELETE_BATCHES = (
    "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
)


def clear_database(graph: Graph, *, drop_schema: bool = True) -> None:
    for statement in DELETE_BATCHES:
        graph.run(statement)
    if not drop_schema:
        return
    for record in graph.run("SHOW CONSTRAINTS YIELD name RETURN name"):
        graph.run(f"DROP CONSTRAINT {_quoted(record['name'])} IF EXISTS")
    for record in graph.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
        graph.run(f"DROP INDEX {_quoted(record['name'])} IF EXISTS")


def _quoted(name: str) -> str:
    """A schema name from SHOW output as a Cypher identifier (names cannot be parameters)."""
    return "`" + name.replace("`", "``") + "`"
