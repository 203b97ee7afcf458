"""What the database holds of one chunk of a reload, as far as the plan must know.

The chunk's digests go to the server and only the rows that differ come back, in one record:
reading a reply per row is what made an unchanged reload of 665k divisions cost most of a first
load (the driver decodes records one by one). A node and the relationships the data starts there
are checked together (one index seek, one expansion).
"""

from __future__ import annotations

from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph
from loader.neo4j.sync_plan import RelRow, Rows, Snapshot


def chunk_snapshot(graph: Graph, rows: Rows, base: str) -> Snapshot:
    """Which of the chunk's rows the database does not hold as wanted, and the relationships
    of this dataset that start there and are no longer wanted."""
    name = {"dataset": rows.name}
    starting: dict[str, list[RelRow]] = {n.id: [] for n in rows.nodes}
    for rel in rows.relationships:  # each starts in its chunk (`pipeline` checks)
        starting[rel.start].append(rel)
    node_rows = [
        {
            "id": n.id,
            "hash": n.props[q.HASH_PROP],
            "rels": [[r.type, r.end, r.props[q.HASH_PROP]] for r in starting[n.id]],
        }
        for n in rows.nodes
    ]
    records = graph.records(q.changed_rows(base), {"rows": node_rows, **name}, read=True)
    snapshot = Snapshot()
    for node_id, labels, same, held in records[0]["changed"]:
        if labels is None:
            snapshot.nodes[node_id] = None
        elif not same:
            snapshot.nodes[node_id] = frozenset(labels)
        stored = {(str(t), str(e)): h for t, e, h in held}
        wanted = set()
        for rel in starting[node_id]:
            wanted.add((rel.type, rel.end))
            digest = stored.get((rel.type, rel.end), ...)
            if digest is ...:
                snapshot.relationships[rel.key] = False
            elif digest != rel.props[q.HASH_PROP]:
                snapshot.relationships[rel.key] = True
        snapshot.stale.extend((node_id, t, e) for t, e in sorted(set(stored) - wanted))
    return snapshot
