"""Writing the validated dataset into Neo4j: schema DDL, then a batched, incremental sync.

1. apply the derived DDL (idempotent); 2. read what this dataset wrote before; 3. plan the
difference (`sync_plan`); 4. write only that, in `UNWIND $rows` batches, one driver-managed
transaction each (transient errors are retried). Every written row is stamped with the dataset
name, version and the run id; `--prune` sweeps this dataset's leftovers and nothing else.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, QueryFailed
from loader.model.schema import Schema
from loader.neo4j import cypher_text as q
from loader.neo4j.ddl import schema_statements
from loader.neo4j.driver import open_driver
from loader.neo4j.maintenance import clear_database
from loader.neo4j.sync_plan import Counts, Plan, Snapshot, make_plan, own_label
from loader.neo4j.target import Target

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, rows done in this step, phase total)
MAX_BATCH = 100_000


@dataclass
class LoadResult:
    dataset: str
    version: str
    run_id: str
    uri: str
    dry_run: bool
    pruned: bool
    wiped: bool
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
    dataset: Dataset,
    schema: Schema,
    settings: Target,
    batch_size: int = 1000,
    prune: bool = False,
    dry_run: bool = False,
    wipe: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    if not 1 <= batch_size <= MAX_BATCH:
        raise ConfigError(f"batch size must be between 1 and {MAX_BATCH}, not {batch_size}")
    started = time.monotonic()
    run_id = uuid.uuid4().hex
    tick = progress or (lambda phase, done, total: None)
    base = schema.base_label
    with open_driver(settings) as driver:
        if wipe and not dry_run:
            clear_database(settings)
        snapshot = Snapshot() if wipe else _snapshot(driver, settings, dataset, base)
        plan = make_plan(dataset, base, snapshot, prune)
        result = LoadResult(
            dataset.name,
            dataset.version,
            run_id,
            settings.uri,
            dry_run,
            prune,
            wipe,
            plan.nodes,
            plan.relationships,
        )
        if not dry_run:
            _refuse_foreign_ids(driver, settings, dataset, plan, base)
            apply_schema(driver, settings, schema, tick)
            apply_plan(driver, settings, dataset, schema, plan, run_id, batch_size, tick)
    result.elapsed_s = time.monotonic() - started
    return result


def apply_schema(
    driver: Any, settings: Target, schema: Schema, tick: Progress | None = None
) -> None:
    """The derived DDL, each statement in a retried transaction: two loads starting together
    both create the same constraints and can deadlock on the label lock (a transient error)."""
    statements = schema_statements(schema)
    with driver.session(database=settings.database) as session:
        for statement in statements:
            session.execute_write(_run, statement, {})
            if tick:
                tick("schema", 1, len(statements))


def _snapshot(driver: Any, settings: Target, dataset: Dataset, base: str) -> Snapshot:
    from neo4j import RoutingControl

    snapshot = Snapshot()
    params = {"dataset": dataset.name}
    records, _, _ = driver.execute_query(
        q.existing_nodes(base), params, database_=settings.database, routing_=RoutingControl.READ
    )
    for record in records:
        snapshot.nodes[record["id"]] = (frozenset(record["labels"]), dict(record["props"]))
    records, _, _ = driver.execute_query(
        q.existing_relationships(base),
        params,
        database_=settings.database,
        routing_=RoutingControl.READ,
    )
    for record in records:
        snapshot.relationships[(record["start"], record["type"], record["end"])] = dict(
            record["props"]
        )
    return snapshot


def _refuse_foreign_ids(
    driver: Any, settings: Target, dataset: Dataset, plan: Plan, base: str
) -> None:
    """Stop before writing anything if another dataset or tool already owns one of our ids."""
    ids = [row.id for row in plan.node_upserts]
    if not ids:
        return
    records, _, _ = driver.execute_query(
        q.foreign_id_claims(base),
        {"ids": ids, "dataset": dataset.name},
        database_=settings.database,
    )
    if records:
        taken = ", ".join(repr(r["id"]) for r in records)
        raise QueryFailed(
            f"id {taken} already belongs to a node that dataset {dataset.name!r} "
            "did not write; nothing was changed"
        )


def apply_plan(
    driver: Any,
    settings: Target,
    dataset: Dataset,
    schema: Schema,
    plan: Plan,
    run_id: str,
    batch_size: int,
    tick: Progress,
) -> None:
    """Write a plan: stale relationships out, relabels, nodes, relationships, stale nodes."""
    base = schema.base_label
    stamp = {q.RUN_PROP: run_id}
    with driver.session(database=settings.database) as session:

        def write(
            query: str, rows: Sequence[Any], phase: str, total: int, key: str = "rows"
        ) -> None:
            for batch in _batches(rows, batch_size):
                session.execute_write(_run, query, {key: batch, "dataset": dataset.name})
                tick(phase, len(batch), total)

        stale_rels = [{"start": s, "type": t, "end": e} for s, t, e in plan.stale_relationships]
        for rel_type, rows in _group(stale_rels, lambda r: r["type"]).items():
            write(
                q.delete_relationships(base, rel_type),
                rows,
                "delete relationships",
                len(stale_rels),
            )
        if plan.relabel_ids:  # a node whose label changed is rewritten from scratch
            write(
                q.delete_own_relationships_of_nodes(base),
                plan.relabel_ids,
                "relabel",
                len(plan.relabel_ids),
                key="ids",
            )
            write(
                q.delete_nodes(base), plan.relabel_ids, "relabel", len(plan.relabel_ids), key="ids"
            )
        node_rows = [
            {
                "id": row.id,
                "label": row.label,
                "props": _typed(schema.node_properties(row.label), row.props) | stamp,
            }
            for row in plan.node_upserts
        ]
        for label, rows in _group(node_rows, lambda r: r["label"]).items():
            write(q.merge_nodes(label, base), rows, "nodes", len(node_rows))
        rel_rows = [
            {
                "start": row.start,
                "end": row.end,
                "group": (row.start_label, row.type, row.end_label),
                "props": _typed(schema.relationship_properties(row.type), row.props) | stamp,
            }
            for row in plan.rel_upserts
        ]
        for (start_label, rel_type, end_label), rows in _group(
            rel_rows, lambda r: r["group"]
        ).items():
            clean = [{k: v for k, v in r.items() if k != "group"} for r in rows]
            write(
                q.merge_relationships(start_label, rel_type, end_label),
                clean,
                "relationships",
                len(rel_rows),
            )
        if plan.stale_node_ids:
            write(
                q.delete_own_relationships_of_nodes(base),
                plan.stale_node_ids,
                "delete nodes",
                len(plan.stale_node_ids),
                key="ids",
            )
            write(
                q.delete_nodes(base),
                plan.stale_node_ids,
                "delete nodes",
                len(plan.stale_node_ids),
                key="ids",
            )
    count_kept(driver, settings, dataset.name, plan.stale_node_ids, plan.nodes, base)


def count_kept(
    driver: Any,
    settings: Target,
    name: str,
    stale_ids: list[str],
    nodes: dict[str, Counts],
    base: str,
) -> None:
    """Stale nodes that others still link to were kept: say so in the counts."""
    if not stale_ids:
        return
    records, _, _ = driver.execute_query(
        q.labels_of_own_nodes(base),
        {"ids": stale_ids, "dataset": name},
        database_=settings.database,
    )
    for record in records:
        label = own_label(record["labels"], base)
        counts = nodes.setdefault(label, Counts())
        counts.deleted -= 1
        counts.stale += 1
        log.warning("kept a stale %s node: another dataset or tool still links to it", label)


def _run(tx: Any, query: str, params: dict[str, Any]) -> None:
    tx.run(query, params).consume()


def _typed(specs: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """ISO date strings become Neo4j dates, so Cypher can compare and sort them."""
    out = dict(props)
    for key, value in props.items():
        spec = specs.get(key)
        if spec is not None and spec.type == "date" and isinstance(value, str):
            out[key] = date.fromisoformat(value)
    return out


def _group(
    rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def _batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
