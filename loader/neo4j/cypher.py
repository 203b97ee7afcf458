"""Ad-hoc Cypher: run one parameterised query and return its rows as plain Python data.

Reads run in READ access mode, so the server itself refuses a write unless the caller asked for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from loader.neo4j import cypher_text as q
from loader.neo4j.driver import text_values
from loader.neo4j.graph import Graph
from loader.neo4j.read_only import check_read_only


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]


def run_cypher(
    graph: Graph,
    query: str,
    parameters: dict[str, Any] | None = None,
    *,
    write: bool = False,
    what: str = "the query",
) -> QueryResult:
    """Run one statement; without `write`, only once its plan shows it reads the graph only
    (`what` names it in the refusal). The READ access mode guards as well. The parameters'
    text values are blanked from any error (one could be a secret)."""
    params, secrets = parameters or {}, text_values(parameters)
    if not write:
        check_read_only(graph, query, params, what, secrets)
    records, _summary, keys = graph.execute(query, params, read=not write, secrets=secrets)
    columns = list(keys)
    return QueryResult(columns, [{k: to_plain(record[k]) for k in columns} for record in records])


def split_statements(text: str) -> list[str]:
    """Statements separated by `;`, as cypher-shell splits a file: not inside strings,
    backticked names or comments. Empty statements are dropped."""
    statements: list[str] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            i += 1
            while i < n and text[i] != ch:
                i += 2 if text[i] == "\\" and ch != "`" else 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 1
        elif ch == ";":
            statements.append(text[start:i])
            start = i + 1
        i += 1
    statements.append(text[start:])
    return [s.strip() for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    """False for a piece holding only whitespace and comments (e.g. after the last `;`)."""
    without_blocks = re.sub(r"/\*.*?\*/", " ", statement, flags=re.S)
    return any(
        line.strip() and not line.strip().startswith("//") for line in without_blocks.splitlines()
    )


def server_components(graph: Graph) -> tuple[str, str]:
    """(version, edition) of the server behind `graph`."""
    for record in graph.records(q.SERVER_COMPONENTS, read=True):
        if record["name"] == "Neo4j Kernel":
            return str(record["versions"][0]), str(record["edition"])
    return "unknown", "unknown"


def to_plain(value: Any) -> Any:
    """Nodes, relationships, paths, temporal and spatial values as JSON-ready data."""
    from neo4j import graph, spatial, time

    if isinstance(value, graph.Node):
        return {
            "element_id": value.element_id,
            "labels": sorted(value.labels),
            "properties": {k: to_plain(v) for k, v in value.items()},
        }
    if isinstance(value, graph.Relationship):
        return {
            "element_id": value.element_id,
            "type": value.type,
            "start": value.start_node.element_id if value.start_node else None,
            "end": value.end_node.element_id if value.end_node else None,
            "properties": {k: to_plain(v) for k, v in value.items()},
        }
    if isinstance(value, graph.Path):
        return {
            "nodes": [to_plain(n) for n in value.nodes],
            "relationships": [to_plain(r) for r in value.relationships],
        }
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, time.Date | time.DateTime | time.Time | time.Duration):
        return value.iso_format()
    if isinstance(value, spatial.Point):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes):
        return value.hex()
    return value
