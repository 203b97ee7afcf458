"""What the database holds of one chunk of a reload, as far as the plan must know.

The chunk's digests go to the server and only the rows that differ come back, each query in one
record: reading a reply per row is what made an unchanged reload of 665k divisions cost most of
a first load (the driver decodes records one by one).
"""

from __future__ import annotations

from typing import Any

from loader.neo4j import cypher_text as q
from loader.neo4j.sync_plan import Rows, Snapshot
from loader.neo4j.target import Target


def chunk_snapshot(driver: Any, target: Target, rows: Rows, base: str) -> Snapshot:
    """Which of the chunk's rows the database does not hold as wanted, and the relationships
    of this dataset that start there and are no longer wanted. The server compares digests,
    so an unchanged chunk costs three small replies."""
    from neo4j import RoutingControl

    read = {"database_": target.database, "routing_": RoutingControl.READ}
    name = {"dataset": rows.name}
    snapshot = Snapshot()
    node_rows = [{"id": n.id, "hash": n.props[q.HASH_PROP]} for n in rows.nodes]
    records, _, _ = driver.execute_query(q.changed_nodes(base), {"rows": node_rows, **name}, **read)
    for node_id, labels in records[0]["changed"]:
        snapshot.nodes[node_id] = None if labels is None else frozenset(labels)
    rel_rows = [
        {"start": r.start, "type": r.type, "end": r.end, "hash": r.props[q.HASH_PROP]}
        for r in rows.relationships
    ]
    records, _, _ = driver.execute_query(
        q.changed_relationships(base), {"rows": rel_rows, **name}, **read
    )
    for start, rel_type, end, exists in records[0]["changed"]:
        snapshot.relationships[(start, rel_type, end)] = bool(exists)
    # Stale ones: more of this dataset's relationships start here than the data has there.
    ids = [n.id for n in rows.nodes]
    here = set(ids)
    present = sum(
        1 for r in rows.relationships if r.start in here and snapshot.relationships.get(r.key, True)
    )
    records, _, _ = driver.execute_query(
        q.count_own_relationships_from(base), {"ids": ids, **name}, **read
    )
    if int(records[0]["n"]) > present:
        records, _, _ = driver.execute_query(
            q.own_relationships_from(base), {"ids": ids, **name}, **read
        )
        wanted = {r.key for r in rows.relationships}
        keys = {(str(s), str(t), str(e)) for s, t, e in records[0]["keys"]}
        snapshot.stale = sorted(keys - wanted)
    return snapshot
