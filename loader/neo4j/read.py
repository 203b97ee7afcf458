"""Reading the graph back out of Neo4j into the in-memory model (for `--from neo4j`).

Only what the schema can describe comes back: nodes with the base label and a schema label,
relationships of schema types that carry their provenance. The loader's bookkeeping
properties are dropped and Neo4j dates become ISO text again.
"""

from __future__ import annotations

import logging
from typing import Any

from loader.model.dataset import Dataset, Entity, Location, Relation
from loader.model.schema import Schema
from loader.neo4j.cypher_text import (
    BOOKKEEPING,
    DATASET_PROP,
    VERSION_PROP,
    read_entities,
    read_relations,
)
from loader.neo4j.driver import open_driver
from loader.neo4j.sync_plan import comparable
from loader.neo4j.target import Target, masked_uri

log = logging.getLogger(__name__)


def read_dataset(settings: Target, schema: Schema) -> Dataset:
    from neo4j import RoutingControl

    where = Location(masked_uri(settings.uri), 0)
    with open_driver(settings) as driver:
        nodes, _, _ = driver.execute_query(
            read_entities(schema.base_label),
            database_=settings.database,
            routing_=RoutingControl.READ,
        )
        rels, _, _ = driver.execute_query(
            read_relations(schema.base_label),
            database_=settings.database,
            routing_=RoutingControl.READ,
        )
    dataset = Dataset("neo4j", "0")
    skipped = 0
    for record in nodes:
        labels = [name for name in record["labels"] if name in schema.labels]
        props: dict[str, Any] = dict(record["props"])
        if len(labels) != 1 or "id" not in props:
            skipped += 1
            continue
        dataset.name = str(props.get(DATASET_PROP, dataset.name))
        dataset.version = str(props.get(VERSION_PROP, dataset.version))
        clean = {k: v for k, v in comparable(props).items() if k not in BOOKKEEPING}
        dataset.entities[str(props["id"])] = Entity(str(props["id"]), labels[0], clean, where)
    for record in rels:
        props = {k: v for k, v in comparable(dict(record["props"])).items() if k not in BOOKKEEPING}
        start, rel_type, end = record["start"], record["type"], record["end"]
        if (
            rel_type not in schema.relationships
            or "source" not in props
            or start not in dataset.entities
            or end not in dataset.entities
        ):
            skipped += 1
            continue
        dataset.relations.append(Relation(start, rel_type, end, props, where))
    if skipped:
        log.warning("left out %d nodes or relationships the schema cannot describe", skipped)
    return dataset
