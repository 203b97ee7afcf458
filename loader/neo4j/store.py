"""The one load path: a dataset synced into Neo4j chunk by chunk, whatever its size.

A curated dataset held in memory is one chunk (`load`); China's 665k divisions arrive as chunks
from a source read twice (`sync`). For each chunk: ask what this dataset holds of its rows
(`snapshot`, digests compared on the server, made ready ahead by `pipeline`), plan the
difference (`sync_plan`), write only that (`apply`). Memory is bounded by the chunk size plus
8 bytes per row (a hash of each id, for the final sweep). The guarantees:

- an id that another dataset or tool owns stops the load before any write (a first, read-only
  pass over the ids);
- rows already as wanted are not written, so an unchanged reload writes nothing;
- with `prune`, this dataset's nodes and relationships the data no longer has are deleted, and
  nothing anyone else wrote; a load killed between batches is completed by the next run.

A relation comes in the chunk of its start node; its end must be in that chunk or an earlier
one (parents before children). A node whose label changed is rewritten when the dataset is one
chunk, and refused in a streamed load.
"""

from __future__ import annotations

import time
import uuid
from array import array
from collections.abc import Callable, Iterable
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from typing import Any

from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, DataConflict
from loader.model.schema import Schema
from loader.neo4j import cypher_text as q
from loader.neo4j.apply import (
    Batches,
    Progress,
    Sweep,
    apply_plan,
    apply_schema,
    id_hash,
    sweep,
)
from loader.neo4j.graph import Graph
from loader.neo4j.lease import LeasePolicy, leased
from loader.neo4j.maintenance import clear_database
from loader.neo4j.pipeline import prepared
from loader.neo4j.sync_plan import Counts, make_plan
from loader.neo4j.target import masked_uri

Chunks = Callable[[], Iterable[Dataset]]  # each call reads the data again, chunk by chunk
MAX_BATCH = 100_000
FOREIGN_IN_MEMORY = 200_000  # more foreign nodes than this are checked in the database instead


@dataclass(frozen=True)
class SyncOptions:
    """How a load syncs: rows per transaction, whether it deletes what the data no longer has
    (`prune`), writes nothing (`dry_run`) or empties the database first (`wipe`), where its
    progress goes and how it waits for another load of the dataset."""

    batch_size: int = 1000
    prune: bool = False
    dry_run: bool = False
    wipe: bool = False
    progress: Progress | None = None
    lease: LeasePolicy = field(default_factory=LeasePolicy)


@dataclass
class LoadResult:
    dataset: str
    version: str
    run_id: str
    uri: str
    dry_run: bool = False
    pruned: bool = False
    wiped: bool = False
    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def total(self, section: str, what: str) -> int:
        groups = self.nodes if section == "nodes" else self.relationships
        return sum(getattr(c, what) for c in groups.values())

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "version": self.version,
            "run_id": self.run_id,
            "uri": self.uri,
            "dry_run": self.dry_run,
            "pruned": self.pruned,
            "wiped": self.wiped,
            "elapsed_s": round(self.elapsed_s, 3),
        }
        for section in ("nodes", "relationships"):
            for what in ("created", "updated", "deleted", "unchanged", "stale"):
                out[f"{section}_{what}"] = self.total(section, what)
        out["by_label"] = {k: v.as_dict() for k, v in sorted(self.nodes.items())}
        out["by_type"] = {k: v.as_dict() for k, v in sorted(self.relationships.items())}
        return out


def load(
    graph: Graph, dataset: Dataset, schema: Schema, options: SyncOptions | None = None
) -> LoadResult:
    """A dataset held in memory: the load path with the whole dataset as its one chunk."""
    return sync(
        graph,
        lambda: [dataset],
        name=dataset.name,
        version=dataset.version,
        schema=schema,
        label_of=dataset.label_of,
        options=options or SyncOptions(),
        one_chunk=True,
    )


def sync(
    graph: Graph,
    chunks: Chunks,
    *,
    name: str,
    version: str,
    schema: Schema,
    label_of: Callable[[str], str],
    options: SyncOptions,
    one_chunk: bool = False,
) -> LoadResult:
    """Sync dataset `name`, read from `chunks`, into Neo4j; `label_of` gives a relation end's
    label when the end is outside the chunk. A dry run reads and plans but writes nothing; a
    real load holds the dataset's lease throughout."""
    if not 1 <= options.batch_size <= MAX_BATCH:
        raise ConfigError(f"batch size must be between 1 and {MAX_BATCH}, not {options.batch_size}")
    started = time.monotonic()
    report = options.progress or (lambda phase, done, total: None)
    dry_run, wipe, prune = options.dry_run, options.wipe, options.prune

    def tick(phase: str, done: int, total: int) -> None:
        report(phase, done, total if one_chunk else 0)  # a chunk's total is not the load's

    base = schema.base_label
    result = LoadResult(
        name,
        version,
        uuid.uuid4().hex,
        masked_uri(graph.target.uri),
        dry_run=dry_run,
        pruned=prune,
        wiped=wipe,
    )
    with ExitStack() as stack:
        held = None
        if not dry_run:
            held = stack.enter_context(leased(graph, name, result.run_id, options.lease))
        if wipe and held:
            clear_database(graph)
            held.restore()  # the wipe took the lease with everything else
        if not wipe:  # a wipe leaves nothing foreign (a dry run pretends it did)
            _refuse_foreign_ids(graph, chunks, base=base, name=name, one_chunk=one_chunk)
        records = graph.records(q.any_own_node(base), {"dataset": name})
        reload = bool(records) and not wipe  # a first load has nothing to diff or sweep
        if not dry_run:  # a first load builds the secondary indexes after its rows, once
            apply_schema(graph, schema, tick=tick, indexes=reload)
        seen = array("q")
        batches = Batches(name, result.run_id, options.batch_size, tick)
        ready = stack.enter_context(  # closed on any failure: its threads stop at once
            closing(prepared(graph, chunks(), label_of=label_of, base=base, reload=reload))
        )
        for chunk, rows, snapshot in ready:
            plan = make_plan(rows, base, snapshot, prune)
            if plan.relabel_ids and not one_chunk:
                raise DataConflict(
                    f"node {plan.relabel_ids[0]!r} changed its label; a streamed load does not "
                    "relabel (delete the node, then load again)"
                )
            if not dry_run:
                apply_plan(graph, schema, plan, batches)
            for total, part in (
                (result.nodes, plan.nodes),
                (result.relationships, plan.relationships),
            ):
                for key, counts in part.items():
                    total.setdefault(key, Counts()).add(counts)
            if reload:
                seen.extend(id_hash(entity_id) for entity_id in chunk.entities)
            if held:
                held.renew()
        if reload:
            how = Sweep(base, name, array("q", sorted(seen)), prune, dry_run)
            sweep(graph, how, result.nodes, result.relationships)
        elif not dry_run:
            apply_schema(graph, schema, tick=tick, keys=False)
    result.elapsed_s = time.monotonic() - started
    return result


def _refuse_foreign_ids(
    graph: Graph, chunks: Chunks, *, base: str, name: str, one_chunk: bool
) -> None:
    """Stop before any write if a node this dataset did not write holds one of its ids.

    A small dataset asks the id index about its own ids; a streamed one, when few nodes are
    foreign, compares against them in memory instead of asking chunk by chunk."""
    params = {"dataset": name}
    foreign = 0
    if not one_chunk:
        records = graph.records(q.count_foreign_nodes(base), params)
        foreign = int(records[0]["n"])
        if not foreign:
            return
    taken: list[str] = []
    if 0 < foreign <= FOREIGN_IN_MEMORY:
        records = graph.records(q.foreign_nodes(base), params)
        held = {str(r["id"]) for r in records}
        for chunk in chunks():
            taken.extend(entity_id for entity_id in chunk.entities if entity_id in held)
    else:
        for chunk in chunks():
            records = graph.records(
                q.foreign_id_claims(base), {"ids": list(chunk.entities), "dataset": name}
            )
            taken.extend(str(r["id"]) for r in records)
    if taken:
        shown = ", ".join(repr(t) for t in taken[:10])
        raise DataConflict(
            f"id {shown} already belongs to a node that dataset {name!r} did not write; "
            "nothing was changed"
        )
