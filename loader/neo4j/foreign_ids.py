"""Before a load writes: no node that another dataset or tool wrote may hold one of its ids.

Two datasets that claim one id would overwrite each other's node; the load stops before its
first write, naming the owner. A small dataset asks the id index about its own ids; a
streamed one asks how many foreign nodes there are (one seek under its id prefix when it
promises one) and compares them in memory when they are few.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loader.model.chunks import Chunks
from loader.model.errors import DataConflict
from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph

FOREIGN_IN_MEMORY = 200_000  # more foreign nodes than this are checked in the database instead


@dataclass(frozen=True)
class Owner:
    """The dataset being loaded: its base label and name, whether it is one chunk, and the
    prefix every id of it starts with (None: not promised)."""

    base: str
    name: str
    one_chunk: bool
    id_prefix: str | None


def refuse_foreign_ids(graph: Graph, chunks: Chunks, owner: Owner) -> None:
    """Stop before any write if a node this dataset did not write holds one of its ids.

    A small dataset asks the id index about its own ids; a streamed one asks how many nodes are
    foreign (under its id prefix: one seek) and, when there are few, compares against them in
    memory instead of asking chunk by chunk."""
    base, name = owner.base, owner.name
    params: dict[str, Any] = {"dataset": name}
    foreign = 0
    held: set[str] = set()
    if owner.id_prefix is not None:
        limit = {"prefix": owner.id_prefix, "limit": FOREIGN_IN_MEMORY + 1}
        held = {str(r["id"]) for r in graph.records(q.foreign_under_prefix(base), params | limit)}
        foreign = len(held)
        if not foreign:
            return
    elif not owner.one_chunk:
        records = graph.records(q.count_foreign_nodes(base), params)
        foreign = int(records[0]["n"])
        if not foreign:
            return
    taken: list[str] = []
    if 0 < foreign <= FOREIGN_IN_MEMORY:
        if not held:
            held = {str(r["id"]) for r in graph.records(q.foreign_nodes(base), params)}
        for source in chunks():
            taken.extend(entity_id for entity_id in source.parse().entities if entity_id in held)
    else:
        for source in chunks():
            records = graph.records(
                q.foreign_id_claims(base), {"ids": list(source.parse().entities), **params}
            )
            taken.extend(str(r["id"]) for r in records)
    if taken:
        shown = ", ".join(repr(t) for t in taken[:10])
        found = graph.records(q.owner_of(base), {"id": taken[0]})
        owner_name = found[0]["owner"] if found else None
        by = f"dataset {owner_name!r}" if owner_name else "no dataset (written by hand)"
        raise DataConflict(
            f"id {shown} already belongs to a node of {by}, not of {name!r}; nothing was changed"
        )
