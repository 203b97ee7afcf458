"""The graph read out of Neo4j page by page, for exports and analysis of any size.

Keyset paging on the id index (`WHERE n.id > $after ORDER BY n.id LIMIT $page`): entities in
id order, then the relationships that leave each page of start nodes, a page per round trip
(one record: a record per row costs the driver more than the server's work). Nothing but the
page in hand and the next one is held, so memory stays flat. Only what the schema can describe
comes back (a node with exactly one schema label and an id; a relationship of a schema type
with its source; the properties their specs declare, in canonical form: Neo4j dates as ISO
text); the loader's bookkeeping and the analysis scores are left on the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from loader.model.dataset import Entity, Location, Relation
from loader.model.errors import UsageError
from loader.model.properties import PropertySpec, from_store
from loader.model.schema import Schema
from loader.neo4j.cypher_text import (
    DATASET_PROP,
    DATASET_VERSIONS,
    count_nodes_of,
    entity_page,
    relation_page,
)
from loader.neo4j.graph import Graph
from loader.neo4j.target import masked_uri

log = logging.getLogger(__name__)

UNSTAMPED = "neo4j"  # the dataset of nodes no load stamped, and of an empty graph
PAGE = 5_000  # nodes per round trip
MAX_PAGE = 50_000


@dataclass
class GraphPages:
    """One reading of the graph; `curated_only` leaves the gazetteer (the divisions) out.

    `name` is the dataset of the curated nodes read (of any node if there is none) and
    `version` the version its last complete load recorded, known once `entities()` has run.
    """

    graph: Graph
    schema: Schema
    curated_only: bool = False
    page: int = PAGE
    name: str = UNSTAMPED
    version: str = "0"
    skipped: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.page <= MAX_PAGE:
            raise UsageError(f"the page size must be between 1 and {MAX_PAGE}, not {self.page}")
        self._where = Location(masked_uri(self.graph.target.uri), 0)
        self._gazetteer = self.schema.label_for("gazetteer")
        self._leave_out = self._gazetteer if self.curated_only else None
        self._stamped = False
        self._versions: dict[str, str] | None = None
        self._specs: dict[tuple[str, str], dict[str, PropertySpec]] = {}

    def count(self) -> int:
        """How many nodes of the base label the reading covers (from the count store)."""
        query = count_nodes_of(self.schema.base_label, self._leave_out)
        rows = self.graph.records(query, read=True)
        return int(rows[0]["n"]) if rows else 0

    def entities(self) -> Iterator[Entity]:
        """Every entity the schema can describe, in id order."""
        for rows in self._pages(entity_page(self.schema.base_label, self._leave_out), {}):
            for node_id, labels, props in rows:
                entity = self._entity(node_id, labels, props)
                if entity is not None:
                    yield entity
        if self.skipped:
            log.warning("left out %d nodes the schema cannot describe", self.skipped)

    def relations(self) -> Iterator[Relation]:
        """Every relationship between described entities, paged by its start node's id."""
        query = relation_page(self.schema.base_label, self._leave_out)
        params: dict[str, Any] = {
            "labels": sorted(self.schema.labels),
            "types": sorted(self.schema.relationships),
        }
        for rows in self._pages(query, params):
            for start, rel_type, end, stored in rows:
                props = from_store(stored, self._specs_of("type", rel_type))
                if "source" in props:
                    dataset = _dataset_of(stored)
                    yield Relation(start, rel_type, end, props, self._where, dataset=dataset)

    def _pages(self, query: str, params: dict[str, Any]) -> Iterator[list[Any]]:
        """The `rows` of one page after the other; a page's `last` id is where the next one
        starts. The next page is fetched while this one is used (the server works while the
        caller writes), so at most two pages are held."""

        def fetch(after: str) -> tuple[Any, list[Any]]:
            page = {**params, "after": after, "page": self.page}
            records = self.graph.records(query, page, read=True)
            return (records[0]["last"], records[0]["rows"]) if records else (None, [])

        with ThreadPoolExecutor(1) as ahead:
            last, rows = fetch("")
            while last is not None:
                coming = ahead.submit(fetch, str(last))
                try:
                    yield rows
                except GeneratorExit:  # the caller stopped: the page coming is not wanted
                    coming.cancel()
                    raise
                last, rows = coming.result()

    def _entity(self, node_id: Any, labels: list[str], props: dict[str, Any]) -> Entity | None:
        known = [name for name in labels if name in self.schema.labels]
        if len(known) != 1 or node_id is None:
            self.skipped += 1
            return None
        dataset = _dataset_of(props)
        if not self._stamped and dataset is not None:
            self.name = dataset
            self.version = self.version_of(self.name) or self.version
            self._stamped = known[0] != self._gazetteer  # a curated node's stamp wins
        clean = from_store(props, self._specs_of("label", known[0]))
        return Entity(str(node_id), known[0], clean, self._where, dataset=dataset)

    def version_of(self, dataset: str) -> str | None:
        """The version the dataset's last complete load recorded (asked once per reading)."""
        if self._versions is None:
            records = self.graph.records(DATASET_VERSIONS, read=True)
            self._versions = {str(r["dataset"]): str(r["version"]) for r in records}
        return self._versions.get(dataset)

    def _specs_of(self, kind: str, name: str) -> dict[str, PropertySpec]:
        """The properties a label or type declares, looked up once per reading."""
        key = (kind, name)
        if key not in self._specs:
            schema = self.schema
            found = schema.node_properties if kind == "label" else schema.relationship_properties
            self._specs[key] = found(name)
        return self._specs[key]


def _dataset_of(props: dict[str, Any]) -> str | None:
    """The dataset that loaded a node or relationship, as its bookkeeping property says."""
    value = props.get(DATASET_PROP)
    return str(value) if value is not None else None
