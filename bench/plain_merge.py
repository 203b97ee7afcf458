"""Contender: the plain batched loader a skilled user writes by hand, in its own process.

The schema's constraints and indexes first (the loader's own DDL), then 10,000 rows per
transaction: `UNWIND $rows AS r MERGE (n:Entity:<Label> {id: r.id}) SET n += r.props`, and
relationships by `MATCH (a:Entity {id: r.start}) MATCH (b:Entity {id: r.end})
MERGE (a)-[x:<TYPE>]->(b) SET x += r.props`. The same properties as the data; no run stamps,
no diff with what the database holds, no progress bar.

    .venv/bin/python bench/plain_merge.py LEVELS [WITHIN]
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.divisions import gazetteer as divisions  # noqa: E402
from loader.model.dataset import Dataset  # noqa: E402
from loader.model.schema import Schema  # noqa: E402
from loader.model.workspace import Workspace  # noqa: E402
from loader.neo4j.apply import apply_schema  # noqa: E402
from loader.neo4j.connect import resolve_target  # noqa: E402
from loader.neo4j.ddl import quoted  # noqa: E402
from loader.neo4j.graph import Graph  # noqa: E402
from loader.neo4j.target import ConnectionOptions, Target  # noqa: E402

BATCH = 10_000
Row = dict[str, Any]


def node_query(base: str, label: str) -> str:
    return (
        f"UNWIND $rows AS r MERGE (n:{quoted(base)}:{quoted(label)} {{id: r.id}}) SET n += r.props"
    )


def relationship_query(base: str, rel_type: str) -> str:
    return (
        f"UNWIND $rows AS r MATCH (a:{quoted(base)} {{id: r.start}}) "
        f"MATCH (b:{quoted(base)} {{id: r.end}}) "
        f"MERGE (a)-[x:{quoted(rel_type)}]->(b) SET x += r.props"
    )


def curated_batches(dataset: Dataset) -> Iterator[tuple[str, str, list[Row]]]:
    """("node" or "rel", label or type, rows): every label's nodes, then every type's."""
    by_label: dict[str, list[Row]] = {}
    for entity in dataset.entities.values():
        by_label.setdefault(entity.label, []).append({"id": entity.id, "props": entity.properties})
    by_type: dict[str, list[Row]] = {}
    for r in dataset.relations:
        by_type.setdefault(r.type, []).append(
            {"start": r.start, "end": r.end, "props": r.properties}
        )
    for label, rows in by_label.items():
        yield "node", label, rows
    for rel_type, rows in by_type.items():
        yield "rel", rel_type, rows


def division_batches(
    schema: Schema, tarball: Path, levels: list[str], within: list[str] | None
) -> Iterator[tuple[str, str, list[Row]]]:
    """Each batch of rows as nodes, then their links to the parents (written before them)."""
    division, located_in = schema.label_for("gazetteer"), schema.type_for("containment")
    order = list(divisions.LEVELS)
    rows = divisions.read_rows(tarball, levels, within)
    while batch := list(itertools.islice(rows, BATCH)):
        nodes = [
            {
                "id": divisions.division_id(d.code),
                "props": {"name": d.name, "code": d.code, "level": d.level},
            }
            for d in batch
        ]
        yield "node", division, nodes
        links = [
            {
                "start": divisions.division_id(d.code),
                "end": divisions.division_id(d.parent),
                "props": {"source": divisions.SOURCE_ID, "sentence": d.line},
            }
            for d in batch
            if d.parent and order[order.index(d.level) - 1] in levels
        ]
        if links:
            yield "rel", located_in, links


def write(
    settings: Target, schema: Schema, batches: Iterable[tuple[str, str, list[Row]]]
) -> dict[str, int]:
    counts = {"nodes": 0, "relationships": 0}
    with Graph.open(settings) as graph:  # the same DDL as kg load, then the user's own writes
        apply_schema(graph, schema)
        driver = graph.driver
        for kind, group, rows in batches:
            make = node_query if kind == "node" else relationship_query
            query = make(schema.base_label, group)
            for start in range(0, len(rows), BATCH):
                driver.execute_query(
                    query, {"rows": rows[start : start + BATCH]}, database_=settings.database
                )
            counts["nodes" if kind == "node" else "relationships"] += len(rows)
    return counts


def main(levels: list[str], within: list[str] | None) -> dict[str, float]:
    started = time.monotonic()
    workspace = Workspace.at(ROOT)
    schema, curated = workspace.schema, workspace.dataset
    settings = resolve_target(workspace, ConnectionOptions())
    tarball = divisions.fetch(workspace.cache)
    batches = itertools.chain(
        curated_batches(curated), division_batches(schema, tarball, levels, within)
    )
    counts = write(settings, schema, batches)
    return {**counts, "seconds": time.monotonic() - started}


if __name__ == "__main__":
    chosen = sys.argv[1].split(",")
    codes = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] else None
    print(json.dumps(main(chosen, codes)))
