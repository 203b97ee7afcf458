"""Writing one chunk's plan, and the final sweep: the write side of the load path.

Each batch is one driver-managed transaction (transient errors are retried), and the small
groups of rows of a step share one up to the batch size; every written row carries its
dataset's name and digest (the run is the load record's). Deletions touch only this dataset's
rows.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from loader.model.properties import PropertySpec, to_store
from loader.model.schema import Schema
from loader.neo4j import cypher_text as q
from loader.neo4j.columns import node_columns, relationship_columns
from loader.neo4j.ddl import index_statements, key_statements
from loader.neo4j.graph import Graph, run_each, run_in
from loader.neo4j.sync_plan import Counts, Plan, own_label

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, rows done in this step, phase total)
SWEEP_PAGE = 10_000
WRITERS = 2  # concurrent write transactions: measured in bench/ on the 2-core reference machine


INDEX_WAIT_S = 3600


def apply_schema(
    graph: Graph,
    schema: Schema,
    *,
    tick: Progress | None = None,
    keys: bool = True,
    indexes: bool = True,
) -> None:
    """The derived DDL (key constraints, secondary indexes or both), each statement in a
    retried transaction: two loads starting together both create the same constraints and can
    deadlock on the label lock (a transient error). New indexes are waited for, so a query
    right after a load finds them online."""
    statements = (key_statements(schema) if keys else []) + (
        index_statements(schema) if indexes else []
    )
    for statement in statements:
        graph.write(run_in, statement, {})
        if tick:
            tick("schema", 1, len(statements))
    if indexes:
        graph.run("CALL db.awaitIndexes($seconds)", {"seconds": INDEX_WAIT_S})


@dataclass(frozen=True)
class Batches:
    """How a load writes: the dataset whose rows it writes, the rows per transaction, and
    where progress goes."""

    dataset: str
    size: int
    tick: Progress


def apply_plan(graph: Graph, schema: Schema, plan: Plan, how: Batches) -> None:
    """Write a chunk's plan: stale relationships out, relabels, nodes, relationships. The
    batches of one step go to `WRITERS` sessions at once (a server writes two transactions
    faster than one); a step ends before the next starts, so a relationship's ends exist."""
    base = schema.base_label
    specs = _Specs(schema)
    with ThreadPoolExecutor(WRITERS, thread_name_prefix="kg-write") as pool:

        def send(jobs: list[Job], phase: str, total: int, *, at_once: bool = True) -> None:
            """The jobs, packed, each in a transaction of its own, `WRITERS` at once (or one
            after the other: relationships of several groups in one transaction would lock
            their shared ends in no one order)."""
            if not at_once:
                for statements, n in packed(jobs, how.size):
                    graph.write(run_each, statements)
                    how.tick(phase, n, total)
                return
            futures = {
                pool.submit(graph.write, run_each, statements): n
                for statements, n in packed(jobs, how.size)
            }
            try:
                for future in as_completed(futures):
                    future.result()
                    how.tick(phase, futures[future], total)
            finally:
                for future in futures:
                    future.cancel()  # after a failure, batches not yet started never start

        def write(
            query: str, rows: Sequence[Any], phase: str, total: int, key: str = "rows"
        ) -> None:
            send(_jobs(query, rows, how, key), phase, total)

        stale_rels = [{"start": s, "type": t, "end": e} for s, t, e in plan.stale_relationships]
        for rel_type, rows in _group(stale_rels, lambda r: r["type"]).items():
            write(
                q.delete_relationships(base, rel_type),
                rows,
                "delete relationships",
                len(stale_rels),
            )
        if plan.relabel_ids:  # a node whose label changed: its own relationships are rewritten
            write(
                q.delete_own_relationships_of_nodes(base),
                plan.relabel_ids,
                "relabel",
                len(plan.relabel_ids),
                key="ids",
            )
            # ... and its labels changed in place: what other datasets link to it stays linked
            relabeled = set(plan.relabel_ids)
            wanted = [n for n in plan.node_upserts if n.id in relabeled]
            for label, nodes in _group(wanted, lambda n: n.label).items():
                ids = [n.id for n in nodes]
                relabel = q.relabel_nodes(base, label, sorted(schema.labels))
                write(relabel, ids, "relabel", len(plan.relabel_ids), key="ids")
        node_groups: dict[tuple[str, bool], list[dict[str, Any]]] = {}
        for node in plan.node_upserts:
            apart = specs.of_label(node.label)
            props = node.props if apart is None else to_store(node.props, apart)
            # a new node's row is its properties (the id among them); a merge names its id
            row = props if node.new else {"id": node.id, "props": props}
            node_groups.setdefault((node.label, node.new), []).append(row)
        jobs: list[Job] = []
        for (label, new), rows in node_groups.items():
            if not new:
                jobs += _jobs(q.merge_nodes(label, base), rows, how)
                continue
            for batch in _batches(rows, how.size):
                c = node_columns(batch)
                jobs.append(
                    ([(q.create_node_columns(label, base, c.keys, c.shared), c.params)], c.size)
                )
        send(jobs, "nodes", len(plan.node_upserts))
        rel_groups: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = {}
        for rel in plan.rel_upserts:
            apart = specs.of_type(rel.type)
            props = rel.props if apart is None else to_store(rel.props, apart)
            rel_groups.setdefault((rel.start_label, rel.type, rel.end_label, rel.new), []).append(
                {"start": rel.start, "end": rel.end, "props": props}
            )
        small: list[Job] = []  # groups of one batch: packed, sent one after the other
        for (start_label, rel_type, end_label, new), rows in rel_groups.items():
            rows.sort(key=lambda r: r["end"])  # concurrent batches lock shared ends in one order
            if not new:
                jobs = _jobs(q.merge_relationships(start_label, rel_type, end_label), rows, how)
            else:
                jobs = []
                for batch in _batches(rows, how.size):
                    c = relationship_columns(batch)
                    query = q.create_relationship_columns(
                        start_label, rel_type, end_label, c.keys, c.shared
                    )
                    jobs.append(([(query, c.params)], c.size))
            if len(jobs) == 1:
                small += jobs
            else:  # a group's batches at once, as before: one group locks in one order
                send(jobs, "relationships", len(plan.rel_upserts))
        send(small, "relationships", len(plan.rel_upserts), at_once=False)


class _Specs:
    """The property specs of each label and type that stores a property apart (a date), looked
    up once per load, not once a row; None for the others, whose rows go as they are."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.labels: dict[str, dict[str, PropertySpec] | None] = {}
        self.types: dict[str, dict[str, PropertySpec] | None] = {}

    def of_label(self, label: str) -> dict[str, PropertySpec] | None:
        if label not in self.labels:
            self.labels[label] = _apart(self.schema.node_properties(label))
        return self.labels[label]

    def of_type(self, rel_type: str) -> dict[str, PropertySpec] | None:
        if rel_type not in self.types:
            self.types[rel_type] = _apart(self.schema.relationship_properties(rel_type))
        return self.types[rel_type]


def _apart(specs: dict[str, PropertySpec]) -> dict[str, PropertySpec] | None:
    """The specs of the properties stored apart, or None (a row per call to `to_store`, so
    only these are looked up)."""
    return {key: spec for key, spec in specs.items() if spec.stored_apart} or None


def count_kept(
    graph: Graph, dataset: str, stale_ids: list[str], nodes: dict[str, Counts], base: str
) -> None:
    """Stale nodes that others still link to were kept: say so in the counts."""
    if not stale_ids:
        return
    records = graph.records(q.labels_of_own_nodes(base), {"ids": stale_ids, "dataset": dataset})
    for record in records:
        label = own_label(record["labels"], base)
        counts = nodes.setdefault(label, Counts())
        counts.deleted -= 1
        counts.stale += 1
        log.warning("kept a stale %s node: another dataset or tool still links to it", label)


@dataclass(frozen=True)
class Sweep:
    """What the final sweep looks for and does: the dataset's nodes whose id hash is not in
    `seen` (sorted), deleted with `prune` (unless `dry_run`), else counted as stale."""

    base: str
    dataset: str
    seen: Sequence[int]
    prune: bool
    dry_run: bool


def sweep(
    graph: Graph, how: Sweep, nodes: dict[str, Counts], relationships: dict[str, Counts]
) -> None:
    """This dataset's nodes the data no longer has: deleted with `prune`, with the
    relationships this dataset hung on them, else counted as stale (in `nodes` and
    `relationships`). Pages through the id index. A dry run counts what a real run would
    delete."""
    base, name, prune, dry_run = how.base, how.dataset, how.prune, how.dry_run
    after = ""
    while True:
        records = graph.records(
            q.own_node_page(base), {"dataset": name, "after": after, "page": SWEEP_PAGE}
        )
        page = [str(i) for i in records[0]["ids"]]
        if not page:
            return
        after = page[-1]
        absent = [i for i in page if not contains_hash(how.seen, id_hash(i))]
        if not absent:
            continue
        gone = graph.records(q.labels_of_own_nodes(base), {"ids": absent, "dataset": name})
        ids = [str(r["id"]) for r in gone]
        params = {"ids": ids, "dataset": name}
        what = "deleted" if prune else "stale"
        for record in gone:
            counts = nodes.setdefault(own_label(record["labels"], base), Counts())
            setattr(counts, what, getattr(counts, what) + 1)
        if not prune or dry_run:
            # the relationships starting at these nodes were in no chunk's snapshot
            for record in graph.records(q.own_relationships_leaving(base), params):
                counts = relationships.setdefault(record["type"], Counts())
                setattr(counts, what, getattr(counts, what) + record["n"])
            continue
        deleted = graph.records(q.delete_own_relationships_of_nodes(base), params)
        for record in deleted:
            relationships.setdefault(record["type"], Counts()).deleted += record["deleted"]
        graph.execute(q.delete_nodes(base), params)
        count_kept(graph, name, ids, nodes, base)


def id_hash(entity_id: str) -> int:
    """64 bits of an id, for the sweep of the load that computed them (Python's own string
    hash: salted per process, so never stored; a tenth of a BLAKE2b's cost on 1.3M ids). A
    collision can only keep a stale node, never delete a wanted one."""
    return hash(entity_id)


def contains_hash(ordered: Sequence[int], value: int) -> bool:
    at = bisect.bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value


def _group(rows: Sequence[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


Job = tuple[list[tuple[str, dict[str, Any]]], int]  # statements of one transaction, their rows


def _jobs(query: str, rows: Sequence[Any], how: Batches, key: str = "rows") -> list[Job]:
    """`query` over the rows in batches of `how.size`, one statement each."""
    return [
        ([(query, {key: batch, "dataset": how.dataset})], len(batch))
        for batch in _batches(rows, how.size)
    ]


def packed(jobs: list[Job], size: int) -> Iterator[Job]:
    """Consecutive jobs joined into one transaction while their rows stay within `size`: the
    many small groups of a curated dataset (a label, a type, a shape) share their commits."""
    statements: list[tuple[str, dict[str, Any]]] = []
    rows = 0
    for more, n in jobs:
        if statements and rows + n > size:
            yield statements, rows
            statements, rows = [], 0
        statements += more
        rows += n
    if statements:
        yield statements, rows


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
