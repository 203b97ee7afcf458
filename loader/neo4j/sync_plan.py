"""What a load must change: the difference between the dataset and what it wrote before.

Pure data in, pure data out (no Neo4j here), so the plan can be shown by `--dry-run`, tested
without a server, and applied by `apply`. Every row the loader writes carries a digest of what
it wrote (`kg_hash`); the database tells which of a chunk's rows are missing or hold another
digest (`Snapshot`), and only those are written, which makes an unchanged reload a read of
digests. Rows known to be new are created without a lookup.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loader.model.dataset import Dataset
from loader.neo4j.cypher_text import DATASET_PROP, HASH_PROP

RelKey = tuple[str, str, str]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    stale: int = 0  # no longer in the data, kept because --prune was not given (or still linked)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def add(self, other: Counts) -> None:
        for name, value in other.__dict__.items():
            setattr(self, name, getattr(self, name) + value)


def own_label(labels: frozenset[str] | list[str], base_label: str) -> str:
    """A node's label of the schema: the one beside the base label."""
    return next(iter(sorted(set(labels) - {base_label})), base_label)


@dataclass
class NodeRow:
    id: str
    label: str
    props: dict[str, Any]  # as written: the data's, the dataset's name and the digest
    new: bool = False  # known not to exist: created without a lookup


@dataclass
class RelRow:
    start: str
    type: str
    end: str
    start_label: str
    end_label: str
    props: dict[str, Any]
    new: bool = False

    @property
    def key(self) -> RelKey:
        return (self.start, self.type, self.end)


@dataclass
class Rows:
    """A chunk as the loader writes it: every row with its digest."""

    name: str
    nodes: list[NodeRow]
    relationships: list[RelRow]


@dataclass
class Snapshot:
    """What the database holds of one chunk, as far as the plan must know. A row named in
    neither dict is stored exactly as wanted. `all_new`: the database holds nothing of this
    dataset, so every row is new."""

    nodes: dict[str, frozenset[str] | None] = field(default_factory=dict)  # None: missing
    relationships: dict[RelKey, bool] = field(default_factory=dict)  # False: missing
    stale: list[RelKey] = field(default_factory=list)  # stored, starting here, not wanted
    all_new: bool = False


@dataclass
class Plan:
    node_upserts: list[NodeRow] = field(default_factory=list)
    relabel_ids: list[str] = field(default_factory=list)
    rel_upserts: list[RelRow] = field(default_factory=list)
    stale_relationships: list[RelKey] = field(default_factory=list)
    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)


def desired_node_props(props: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    """A row as written: its properties and its dataset's name. The version and the run are
    the load record's, so a new version of unchanged data rewrites nothing."""
    return {**props, DATASET_PROP: dataset.name}


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(kind: str, props: dict[str, Any]) -> int:
    """64 bits of a row's label or type and properties, in a canonical form (JSON, keys sorted:
    the encoder is made once, which halves the cost on 1.3M rows). An integer, which Neo4j
    stores inside the property record, where a hex string takes a record of its own."""
    text = _CANONICAL.encode([kind, props])
    value = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(value, "big", signed=True)


def row_digest(kind: str, props: dict[str, Any], dataset: str) -> int:
    """The digest a load stores on a row of `dataset` (what `wanted_rows` writes), for writers
    that hold no Dataset (the bulk importer's files)."""
    return digest(kind, {**props, DATASET_PROP: dataset})


def wanted_rows(dataset: Dataset, label_of: Callable[[str], str] | None = None) -> Rows:
    """The chunk's rows with their digests; `label_of` names the label of a relation's end
    outside the chunk. A relation given twice is written once, as given last."""
    label_at = label_of or dataset.label_of
    nodes = []
    for entity in dataset.entities.values():
        props = desired_node_props(entity.properties, dataset)
        props[HASH_PROP] = digest(entity.label, props)
        nodes.append(NodeRow(entity.id, entity.label, props))
    relationships: dict[RelKey, RelRow] = {}
    for relation in dataset.relations:
        props = desired_node_props(relation.properties, dataset)
        props[HASH_PROP] = digest(relation.type, props)
        relationships[relation.key] = RelRow(
            relation.start,
            relation.type,
            relation.end,
            start_label=label_at(relation.start),
            end_label=label_at(relation.end),
            props=props,
        )
    return Rows(dataset.name, nodes, list(relationships.values()))


def make_plan(rows: Rows, base_label: str, snapshot: Snapshot, prune: bool) -> Plan:
    if snapshot.all_new:
        return _all_new(rows)
    plan = Plan()
    for node in rows.nodes:
        counts = plan.nodes.setdefault(node.label, Counts())
        if snapshot.all_new or (node.id in snapshot.nodes and snapshot.nodes[node.id] is None):
            node.new = True
            counts.created += 1
        elif node.id not in snapshot.nodes:  # neither missing nor changed: stored as wanted
            counts.unchanged += 1
            continue
        else:
            if snapshot.nodes[node.id] != frozenset({base_label, node.label}):
                plan.relabel_ids.append(node.id)
            counts.updated += 1
        plan.node_upserts.append(node)
    relabeled = set(plan.relabel_ids)
    for rel in rows.relationships:
        counts = plan.relationships.setdefault(rel.type, Counts())
        exists = snapshot.relationships.get(rel.key)
        if rel.start in relabeled or rel.end in relabeled:
            counts.created += 1  # the relabel deletes the node's own relationships first
        elif snapshot.all_new or exists is False:
            rel.new = True
            counts.created += 1
        elif exists:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        plan.rel_upserts.append(rel)
    for key in snapshot.stale:
        counts = plan.relationships.setdefault(key[1], Counts())
        if prune:
            plan.stale_relationships.append(key)
            counts.deleted += 1
        else:
            counts.stale += 1
    return plan  # the nodes the data no longer has are the sweep's (apply.sweep)


def _all_new(rows: Rows) -> Plan:
    """The plan of a chunk the database holds nothing of: every row created, no lookup (one
    pass over the rows, where the general plan asks the snapshot about each)."""
    plan = Plan(node_upserts=rows.nodes, rel_upserts=rows.relationships)
    for node in rows.nodes:
        node.new = True
    for rel in rows.relationships:
        rel.new = True
    for label, n in Counter(node.label for node in rows.nodes).items():
        plan.nodes[label] = Counts(created=n)
    for rel_type, n in Counter(rel.type for rel in rows.relationships).items():
        plan.relationships[rel_type] = Counts(created=n)
    return plan
