"""Loading a dataset too large to hold in memory (China's 665k divisions): chunk by chunk.

`neo4j_store.load` diffs a whole in-memory dataset against a whole snapshot. Here the data
arrives as chunks from a source that can be read twice, and the snapshot is read one chunk at a
time, so the loader's memory is bounded by the chunk size plus 8 bytes per row (a hash of each
id, for the final sweep). The guarantees are those of `load`:

- an id that another dataset or tool owns stops the load before any write (a first, read-only
  pass over the ids);
- rows already as wanted are not written, so an unchanged reload is a no-op;
- with `prune`, this dataset's nodes and relationships that the data no longer has are deleted,
  and nothing anyone else wrote.

A relation's end must be in its own chunk or an earlier one (parents before children), and a
streamed row keeps its label: a node whose label changed is refused, not rewritten.
"""

from __future__ import annotations

import bisect
import hashlib
import queue
import threading
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, QueryFailed
from loader.model.schema import Schema
from loader.neo4j import cypher_text as q
from loader.neo4j.driver import open_driver
from loader.neo4j.store import (
    MAX_BATCH,
    LoadResult,
    Progress,
    apply_plan,
    apply_schema,
    count_kept,
)
from loader.neo4j.sync_plan import Counts, Snapshot, make_plan, own_label
from loader.neo4j.target import Target

Chunks = Callable[[], Iterable[Dataset]]  # each call reads the data again, chunk by chunk
FOREIGN_IN_MEMORY = 200_000  # more foreign nodes than this are checked in the database instead
SWEEP_PAGE = 10_000


def stream_load(
    chunks: Chunks,
    name: str,
    version: str,
    schema: Schema,
    settings: Target,
    label_of: Callable[[str], str],
    batch_size: int = 5000,
    prune: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Sync the streamed dataset `name` into Neo4j; `label_of` gives a relation end's label."""
    if not 1 <= batch_size <= MAX_BATCH:
        raise ConfigError(f"batch size must be between 1 and {MAX_BATCH}, not {batch_size}")
    started = time.monotonic()
    report = progress or (lambda phase, done, total: None)

    def tick(phase: str, done: int, total: int) -> None:
        report(phase, done, 0)  # a chunk's total is not the load's

    base = schema.base_label
    result = LoadResult(name, version, uuid.uuid4().hex, settings.uri, False, prune, False)
    params = {"dataset": name}
    with open_driver(settings) as driver:
        _refuse_foreign_ids(driver, settings, chunks, base, name)
        apply_schema(driver, settings, schema)
        records, _, _ = driver.execute_query(
            q.any_own_node(base), params, database_=settings.database
        )
        reload = bool(records)  # a first load has nothing to diff against or sweep
        seen = array("q")
        for chunk in _read_ahead(chunks()):
            snapshot = _chunk_snapshot(driver, settings, chunk, base) if reload else Snapshot()
            plan = make_plan(chunk, base, snapshot, prune, label_of)
            if plan.relabel_ids:
                raise QueryFailed(
                    f"node {plan.relabel_ids[0]!r} changed its label; a streamed load does not "
                    "relabel (delete the node, then load again)"
                )
            apply_plan(driver, settings, chunk, schema, plan, result.run_id, batch_size, tick)
            for total, part in (
                (result.nodes, plan.nodes),
                (result.relationships, plan.relationships),
            ):
                for key, counts in part.items():
                    total.setdefault(key, Counts()).add(counts)
            if reload:
                seen.extend(_hash(entity_id) for entity_id in chunk.entities)
        if reload:
            _sweep(driver, settings, base, name, array("q", sorted(seen)), prune, result)
    result.elapsed_s = time.monotonic() - started
    return result


def _refuse_foreign_ids(
    driver: Any, settings: Target, chunks: Chunks, base: str, name: str
) -> None:
    """Stop before any write if a node this dataset did not write holds one of its ids."""
    params = {"dataset": name}
    records, _, _ = driver.execute_query(
        q.count_foreign_nodes(base), params, database_=settings.database
    )
    foreign = int(records[0]["n"])
    if not foreign:
        return
    taken: list[str] = []
    if foreign <= FOREIGN_IN_MEMORY:
        records, _, _ = driver.execute_query(
            q.foreign_nodes(base), params, database_=settings.database
        )
        held = {str(r["id"]) for r in records}
        for chunk in chunks():
            taken.extend(entity_id for entity_id in chunk.entities if entity_id in held)
    else:
        for chunk in chunks():
            records, _, _ = driver.execute_query(
                q.foreign_id_claims(base),
                {"ids": list(chunk.entities), "dataset": name},
                database_=settings.database,
            )
            taken.extend(str(r["id"]) for r in records)
    if taken:
        shown = ", ".join(repr(t) for t in taken[:10])
        raise QueryFailed(
            f"id {shown} already belongs to a node that dataset {name!r} did not write; "
            "nothing was changed"
        )


def _chunk_snapshot(driver: Any, settings: Target, chunk: Dataset, base: str) -> Snapshot:
    from neo4j import RoutingControl

    snapshot = Snapshot()
    params = {"ids": list(chunk.entities), "dataset": chunk.name}
    read = {"database_": settings.database, "routing_": RoutingControl.READ}
    records, _, _ = driver.execute_query(q.own_nodes_among(base), params, **read)
    for record in records:
        snapshot.nodes[record["id"]] = (frozenset(record["labels"]), dict(record["props"]))
    records, _, _ = driver.execute_query(q.own_relationships_from(base), params, **read)
    for record in records:
        key = (record["start"], record["type"], record["end"])
        snapshot.relationships[key] = dict(record["props"])
    return snapshot


def _sweep(
    driver: Any,
    settings: Target,
    base: str,
    name: str,
    seen: Sequence[int],
    prune: bool,
    result: LoadResult,
) -> None:
    """This dataset's nodes the data no longer has: deleted with `prune` (with the relationships
    this dataset hung on them), else counted as stale. Pages through the id index."""
    after = ""
    while True:
        records, _, _ = driver.execute_query(
            q.own_node_page(base),
            {"dataset": name, "after": after, "page": SWEEP_PAGE},
            database_=settings.database,
        )
        if not records:
            return
        after = str(records[-1]["id"])
        gone = [r for r in records if not _contains(seen, _hash(str(r["id"])))]
        if not gone:
            continue
        ids = [str(r["id"]) for r in gone]
        labels = {str(r["id"]): own_label(r["labels"], base) for r in gone}
        if not prune:
            for node_id in ids:
                result.nodes.setdefault(labels[node_id], Counts()).stale += 1
            continue
        deleted_rels = driver.execute_query(
            q.delete_own_relationships_of_nodes(base),
            {"ids": ids, "dataset": name},
            database_=settings.database,
        ).records
        for record in deleted_rels:
            result.relationships.setdefault(record["type"], Counts()).deleted += record["deleted"]
        driver.execute_query(
            q.delete_nodes(base), {"ids": ids, "dataset": name}, database_=settings.database
        )
        for node_id in ids:
            result.nodes.setdefault(labels[node_id], Counts()).deleted += 1
        count_kept(driver, settings, name, ids, result.nodes, base)


def _read_ahead(chunks: Iterable[Dataset], depth: int = 2) -> Iterator[Dataset]:
    """The next chunks are read on a thread while the server writes this one (the driver waits
    on its socket without holding the GIL), so reading the source costs almost no wall time."""
    ahead: queue.Queue[Dataset | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: Dataset | BaseException | None) -> bool:
        while not stop.is_set():  # the consumer may have stopped early: never block forever
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not offer(chunk):
                    return
            offer(None)
        except BaseException as error:  # handed to the consumer, raised there
            offer(error)

    reader = threading.Thread(target=produce, name="kg-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _hash(entity_id: str) -> int:
    """64 bits of an id: a collision can only keep a stale node, never delete a wanted one."""
    digest = hashlib.blake2b(entity_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _contains(ordered: Sequence[int], value: int) -> bool:
    at = bisect.bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value
