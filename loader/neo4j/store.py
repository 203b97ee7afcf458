"""The one load path: a dataset synced into Neo4j chunk by chunk, whatever its size.

A curated dataset held in memory is one chunk (`load`); China's 665k divisions arrive as chunks
of their source (`sync`), each known by a key and a digest of its raw bytes before it is parsed
(`SourceChunk`). Each load leaves a record (`load_record`): when every chunk has the digest the
dataset's last complete load recorded, the reload is done without parsing anything. Otherwise,
for each chunk: ask what this dataset holds of its rows (`snapshot`, digests compared on the
server, made ready ahead by `pipeline`), plan the difference (`sync_plan`), write only that
(`apply`); a chunk unchanged at the source is only read for its ids (the sweep needs them).
Memory is bounded by the chunk size plus 8 bytes per row (a hash of each id, for the final
sweep) and the digests of the groups of ten lines, the last load's and this one's (about 9 MB
for the 665k divisions). The guarantees:

- an id that another dataset or tool owns stops the load before any write (one seek under the
  dataset's id prefix, or a read-only pass over the ids);
- rows already as wanted are not written, so an unchanged reload writes nothing but its record;
- with `prune`, this dataset's nodes and relationships the data no longer has are deleted, and
  nothing anyone else wrote; a load killed between batches is completed by the next run.

A relation comes in the chunk of its start node; its end must be in that chunk or an earlier
one (parents before children). A node whose label changed is relabelled in place, its own
relationships rewritten (what other datasets link to it stays), when the dataset is one chunk,
under the database-wide lease; a streamed load refuses it.
"""

from __future__ import annotations

import logging
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from typing import Any

from loader.model.chunks import Chunks, Rest, SourceChunk, in_memory
from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, DataConflict, LoadLost
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
from loader.neo4j.foreign_ids import Owner, refuse_foreign_ids
from loader.neo4j.graph import Graph
from loader.neo4j.lease import LeasePolicy, leased
from loader.neo4j.load_record import (
    LastLoad,
    finish_record,
    last_load,
    other_writer,
    start_record,
)
from loader.neo4j.maintenance import clear_database
from loader.neo4j.pipeline import prepared
from loader.neo4j.sync_plan import Counts, make_plan
from loader.neo4j.target import masked_uri

MAX_BATCH = 100_000
log = logging.getLogger(__name__)


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
    command: str | None = None  # the command the load record names as the dataset's writer
    # Checked once the lease is held: the command other than this load's that keeps the
    # dataset is still `keeper` (what the user was asked about), else nothing is written.
    check_keeper: bool = False
    keeper: str | None = None


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
    chunks_skipped: int = 0  # unchanged at the source: no row built, digested or compared
    phases_s: dict[str, float] = field(default_factory=dict)  # a bulk import's steps, timed
    migrated: bool = False  # the dataset's per-row run stamps moved to the load record

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
            "chunks_skipped": self.chunks_skipped,
            "migrated": self.migrated,
            "phases_s": {k: round(v, 3) for k, v in self.phases_s.items()},
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
        lambda: in_memory([dataset]),
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
    id_prefix: str | None = None,
    rows_total: int | None = None,
) -> LoadResult:
    """Sync dataset `name`, read from `chunks`, into Neo4j; `label_of` gives a relation end's
    label when the end is outside the chunk; `id_prefix`, when given, starts every id of the
    dataset (the foreign-id check is then one seek on the id index). A dry run reads and plans
    but writes nothing; a real load holds the dataset's lease throughout and leaves a load
    record."""
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
            alone = wipe or prune  # a load that deletes: no other load while it runs
            lease = leased(graph, name, result.run_id, options.lease, alone=alone)
            held = stack.enter_context(lease)
        if options.check_keeper and held:
            _still_kept_by(graph, base, name, options)
        if wipe and held:
            clear_database(graph, keep=q.LEASE_LABEL)  # the leases and their constraint stay
            held.renew()
        records = graph.records(q.any_own_node(base), {"dataset": name})
        reload = bool(records) and not wipe  # a first load has nothing to diff or sweep
        last = last_load(graph, name) if reload else LastLoad()
        result.migrated = reload and last.run is None and _stamped(graph, base, name)
        if result.migrated:
            log.warning(
                "%s was loaded by an older kg (a run stamp on every row): %s the stamps to a "
                "load record, rewriting every row once",
                name,
                "a real load would move" if dry_run else "this load moves",
            )
        trusted = last.trusted_chunks() if reload and not result.migrated else {}
        left = _unchanged(last)  # what the last load left, as an unchanged reload counts it
        if trusted and _present(left) != _held(graph, base, name):
            log.warning(
                "%s: the graph no longer holds what its last load left (deleted by hand?); "
                "every row is compared",
                name,
            )
            trusted = {}  # no chunk is skipped: the missing rows are written again
        # nothing to parse, write or sweep (unless stale rows kept before are now to be pruned)
        if trusted and not (prune and last.left_stale()) and _digests(chunks()) == trusted:
            result.nodes.update(left["nodes"])
            result.relationships.update(left["relationships"])
            result.chunks_skipped = len(trusted)
            if held:
                apply_schema(graph, schema, tick=tick)  # the schema may have new indexes
                start_record(graph, result.run_id, name, version, options.command)
                groups = last.trusted_groups()
                finish_record(graph, result.run_id, name, _sections(result), trusted, groups=groups)
            result.elapsed_s = time.monotonic() - started
            return result
        if not wipe:  # a wipe leaves nothing foreign (a dry run pretends it did)
            refuse_foreign_ids(graph, chunks, Owner(base, name, one_chunk, id_prefix))
        if held:
            held.renew()  # the phases before the first chunk may be long
        if not dry_run:  # a first load builds the secondary indexes after its rows, once
            apply_schema(graph, schema, tick=tick, indexes=reload)
        recorded: list[bool] = []

        def begin() -> None:
            """The load record, started before the first write (a record with no end is a
            load stopped half-way); not before a relabel's wait for the database."""
            if not recorded:
                start_record(graph, result.run_id, name, version, options.command)
                recorded.append(True)

        seen = array("q")
        kept_links = 0  # stale relationships kept on nodes the data still has
        batches = Batches(name, options.batch_size, tick)
        source = _Skipping(chunks(), trusted, last.trusted_groups() if trusted else {})
        reported = 0  # source rows shown as done: those read and written (or found unchanged)
        ready = stack.enter_context(  # closed on any failure: its threads stop at once
            closing(prepared(graph, source, label_of=label_of, base=base, reload=reload))
        )
        for chunk, rows, snapshot in ready:
            if chunk.name != name:  # its rows would be stamped with another dataset's name
                raise ConfigError(f"a chunk of {name!r} names its dataset {chunk.name!r}")
            if id_prefix is not None:
                _check_prefix(chunk, id_prefix)
            plan = make_plan(rows, base, snapshot, prune)
            if plan.relabel_ids and not one_chunk:
                raise DataConflict(
                    f"node {plan.relabel_ids[0]!r} changed its label; a streamed load does not "
                    "relabel (delete the node, then load again)"
                )
            if plan.relabel_ids and held:
                held.exclude_others("a load that relabels nodes")
            if not dry_run:
                begin()
                apply_plan(graph, schema, plan, batches)
            kept_links += sum(c.stale for c in plan.relationships.values())
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
            if source.rows_read > reported:  # a streamed source's rows: "rows" with its total
                report("rows", source.rows_read - reported, rows_total or 0)
                reported = source.rows_read
        if source.rows_read > reported:
            report("rows", source.rows_read - reported, rows_total or 0)
        source.counted_into(result)
        if not dry_run:
            begin()  # before the sweep, the unstamping and the end of the record
        if reload:
            seen.extend(source.seen)
            how = Sweep(base, name, array("q", sorted(seen)), prune, dry_run)
            sweep(graph, how, result.nodes, result.relationships)
        elif not dry_run:
            apply_schema(graph, schema, tick=tick, keys=False)
        if result.migrated and not dry_run:  # rows the data no longer has kept their stamps
            graph.run(q.unstamp_nodes(base), {"dataset": name})
            graph.run(q.UNSTAMP_RELATIONSHIPS, {"dataset": name})
        if held:
            _verify(graph, base, name, result)
            sections = _sections(result)
            finish_record(
                graph,
                result.run_id,
                name,
                sections,
                source.digests,
                groups=source.groups,
                stale_links=kept_links,
            )
    result.elapsed_s = time.monotonic() - started
    return result


def _still_kept_by(graph: Graph, base: str, name: str, options: SyncOptions) -> None:
    """Refuse when another command loaded the dataset after the user was asked (or was not
    asked, as none kept it): the consent given was for what the graph held then."""
    now = other_writer(graph, base, name, options.command or "")
    if now != options.keeper:
        raise DataConflict(
            f"dataset {name} changed hands while this load waited for it: kept by "
            f"{now or 'no other command'} now, by {options.keeper or 'no other command'} when "
            "checked; nothing was changed: run it again"
        )


def _verify(graph: Graph, base: str, name: str, result: LoadResult) -> None:
    """The nodes the load reports present, per label, are what the database holds for the
    dataset: a load never reports what another writer deleted or took over while it ran (its
    record stays incomplete, so the next load compares every row)."""
    verify_nodes(graph, base, name, _present({"nodes": result.nodes}))


def verify_nodes(graph: Graph, base: str, name: str, reported: dict[str, int]) -> None:
    """`LoadLost` unless the database holds, per label, the nodes of the dataset reported."""
    held = _held(graph, base, name)
    for label in sorted(set(held) | set(reported)):
        if held.get(label, 0) != reported.get(label, 0):
            raise LoadLost(
                f"the load of {name} left {reported.get(label, 0)} {label} nodes but the graph "
                f"holds {held.get(label, 0)} of them: another writer changed the database while "
                "it ran; load again"
            )


def _held(graph: Graph, base: str, name: str) -> dict[str, int]:
    """How many nodes of the dataset each label holds, counted by the database."""
    records = graph.records(q.own_nodes_by_label(base), {"dataset": name, "base": base})
    return {str(r["label"]): int(r["n"]) for r in records if int(r["n"])}


def _present(sections: dict[str, dict[str, Counts]]) -> dict[str, int]:
    """The nodes per label a load's counts say are there: created, updated, unchanged, or
    kept though stale."""
    present = {
        label: c.created + c.updated + c.unchanged + c.stale
        for label, c in sections["nodes"].items()
    }
    return {label: n for label, n in present.items() if n}


def _sections(result: LoadResult) -> dict[str, dict[str, Counts]]:
    return {"nodes": result.nodes, "relationships": result.relationships}


def _unchanged(last: LastLoad) -> dict[str, dict[str, Counts]]:
    """What the last load left, counted unchanged (its stale rows stay stale): the counts of
    a reload that found every chunk unchanged."""
    return {
        section: {
            key: Counts(unchanged=was.created + was.updated + was.unchanged, stale=was.stale)
            for key, was in last.counts.get(section, {}).items()
        }
        for section in ("nodes", "relationships")
    }


def _stamped(graph: Graph, base: str, name: str) -> bool:
    return bool(graph.records(q.stamped_node(base), {"dataset": name}))


def _check_prefix(chunk: Dataset, prefix: str) -> None:
    for entity_id in chunk.entities:
        if not entity_id.startswith(prefix):
            raise DataConflict(f"id {entity_id!r} does not start with {prefix!r}, as promised")


def _digests(sources: Iterable[SourceChunk]) -> dict[str, str] | None:
    """The key and source digest of every chunk, read without parsing any; None when a chunk
    has no digest (it can only be compared row by row)."""
    digests: dict[str, str] = {}
    for source in sources:
        if source.digest is None:
            return None
        digests[source.key] = source.digest
    return digests


class _Skipping:
    """The chunks of a load, parsed; those whose source digest the last complete load recorded
    are counted unchanged and not handed on (their ids still go to the sweep). Of a changed
    chunk whose source digests its groups of lines, only the groups whose digests differ from
    the last complete load's are handed on; the others are counted unchanged."""

    def __init__(
        self,
        sources: Iterable[SourceChunk],
        trusted: dict[str, str],
        trusted_groups: dict[str, tuple[str, ...]],
    ) -> None:
        self.sources = sources
        self.trusted = trusted
        self.trusted_groups = trusted_groups
        self.digests: dict[str, str] = {}
        self.groups: dict[str, tuple[str, ...]] = {}
        self.seen = array("q")
        # counted apart from the result: this runs on the reader thread
        self.chunks = 0
        self.rows_read = 0  # source rows of the chunks read so far
        self.nodes: dict[str, Counts] = {}
        self.relationships: dict[str, Counts] = {}

    def __iter__(self) -> Iterator[Dataset]:
        for source in self.sources:
            self.rows_read += source.rows
            if source.digest is None:
                yield source.parse()
                continue
            self.digests[source.key] = source.digest
            if source.groups:
                self.groups[source.key] = source.groups
            known = self.trusted.get(source.key) == source.digest
            self.chunks += known
            changed = frozenset() if known else self._changed_groups(source)
            if changed is None:
                yield source.parse()
                continue
            if source.split is None:  # unchanged, and only whole: counted from its rows
                self._unchanged(_rest_of(source.parse()))
                continue
            chunk, rest = source.split(changed)
            self._unchanged(rest)
            if chunk.entities:
                yield chunk

    def _changed_groups(self, source: SourceChunk) -> frozenset[int] | None:
        """The numbers of the chunk's groups whose digests differ from the trusted ones; None
        when there are none to compare with (every row is then compared)."""
        before = self.trusted_groups.get(source.key)
        if source.split is None or not before or len(before) != len(source.groups):
            return None
        pairs = zip(source.groups, before, strict=True)
        return frozenset(i for i, (now, was) in enumerate(pairs) if now != was)

    def _unchanged(self, rest: Rest) -> None:
        for label, n in rest.nodes.items():
            self.nodes.setdefault(label, Counts()).unchanged += n
        for rel_type, n in rest.relationships.items():
            self.relationships.setdefault(rel_type, Counts()).unchanged += n
        self.seen.extend(id_hash(entity_id) for entity_id in rest.ids)

    def counted_into(self, result: LoadResult) -> None:
        """The unchanged rows counted (on the reader thread), added to the load's counts."""
        result.chunks_skipped += self.chunks
        for into, part in ((result.nodes, self.nodes), (result.relationships, self.relationships)):
            for key, counts in part.items():
                into.setdefault(key, Counts()).add(counts)


def _rest_of(chunk: Dataset) -> Rest:
    nodes: dict[str, int] = {}
    relationships: dict[str, int] = {}
    for entity in chunk.entities.values():
        nodes[entity.label] = nodes.get(entity.label, 0) + 1
    for relation in chunk.relations:
        relationships[relation.type] = relationships.get(relation.type, 0) + 1
    return Rest(list(chunk.entities), nodes, relationships)
