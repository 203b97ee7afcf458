"""What a load must change: the difference between the dataset and what it wrote before.

Pure data in, pure data out (no Neo4j here), so the plan can be shown by `--dry-run`, tested
without a server, and applied by `neo4j_store`. Rows that already hold the wanted properties are
left alone, which is what makes an unchanged reload a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loader.model.dataset import Dataset
from loader.neo4j.cypher_text import ANALYSIS_PROPS, DATASET_PROP, RUN_PROP, VERSION_PROP

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
    props: dict[str, Any]


@dataclass
class RelRow:
    start: str
    type: str
    end: str
    start_label: str
    end_label: str
    props: dict[str, Any]


@dataclass
class Snapshot:
    """What the database holds of this dataset: nodes by id, relationships by (start, type, end)."""

    nodes: dict[str, tuple[frozenset[str], dict[str, Any]]] = field(default_factory=dict)
    relationships: dict[RelKey, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Plan:
    node_upserts: list[NodeRow] = field(default_factory=list)
    relabel_ids: list[str] = field(default_factory=list)
    rel_upserts: list[RelRow] = field(default_factory=list)
    stale_relationships: list[RelKey] = field(default_factory=list)
    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)


def desired_node_props(props: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    return {**props, DATASET_PROP: dataset.name, VERSION_PROP: dataset.version}


def comparable(props: dict[str, Any]) -> dict[str, Any]:
    """Stored properties as the plan compares them: no run stamp, no analysis scores, temporal
    values as ISO text."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key == RUN_PROP or key in ANALYSIS_PROPS:
            continue
        out[key] = value.iso_format() if hasattr(value, "iso_format") else value
    return out


def make_plan(
    dataset: Dataset,
    base_label: str,
    snapshot: Snapshot,
    prune: bool,
    label_of: Callable[[str], str] | None = None,
) -> Plan:
    """`label_of` names the label of a relation's end outside `dataset` (a streamed chunk)."""
    label_at = label_of or dataset.label_of
    plan = Plan()
    for entity in dataset.entities.values():
        counts = plan.nodes.setdefault(entity.label, Counts())
        wanted = desired_node_props(entity.properties, dataset)
        existing = snapshot.nodes.get(entity.id)
        if existing is None:
            counts.created += 1
        elif existing[0] != frozenset({base_label, entity.label}):
            plan.relabel_ids.append(entity.id)
            counts.updated += 1
        elif comparable(existing[1]) != wanted:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        plan.node_upserts.append(NodeRow(entity.id, entity.label, wanted))
    relabeled = set(plan.relabel_ids)
    for relation in dataset.relations:
        counts = plan.relationships.setdefault(relation.type, Counts())
        wanted = desired_node_props(relation.properties, dataset)
        existing_rel = snapshot.relationships.get(relation.key)
        if existing_rel is None or relation.start in relabeled or relation.end in relabeled:
            counts.created += 1
        elif comparable(existing_rel) != wanted:
            counts.updated += 1
        else:
            counts.unchanged += 1
            continue
        plan.rel_upserts.append(
            RelRow(
                relation.start,
                relation.type,
                relation.end,
                label_at(relation.start),
                label_at(relation.end),
                wanted,
            )
        )
    wanted_keys = {relation.key for relation in dataset.relations}
    for key in snapshot.relationships:
        if key not in wanted_keys:
            counts = plan.relationships.setdefault(key[1], Counts())
            if prune:
                plan.stale_relationships.append(key)
                counts.deleted += 1
            else:
                counts.stale += 1
    return plan  # the nodes the data no longer has are the sweep's (apply.sweep)
