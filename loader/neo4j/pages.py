"""The graph read out of Neo4j page by page, for exports and analysis of any size.

Keyset paging on the id index (`WHERE n.id > $after ORDER BY n.id LIMIT $page`): entities in
id order, then the relationships that leave each page of start nodes, a page per round trip
(one record: a record per row costs the driver more than the server's work). Nothing but the
page in hand and the next one is held, so memory stays flat. Only what the schema can describe
comes back (a node with exactly one schema label and an id; a relationship of a schema type
with its source); the loader's bookkeeping properties are dropped and Neo4j dates become ISO
text again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from loader.model.dataset import Entity, Location, Relation
from loader.model.errors import UsageError
from loader.model.schema import Schema
from loader.neo4j.cypher_text import (
    BOOKKEEPING,
    DATASET_PROP,
    VERSION_PROP,
    count_nodes_of,
    entity_page,
    relation_page,
)
from loader.neo4j.driver import open_driver
from loader.neo4j.sync_plan import comparable
from loader.neo4j.target import Target, masked_uri

log = logging.getLogger(__name__)

PAGE = 5_000  # nodes per round trip
MAX_PAGE = 50_000


@dataclass
class GraphPages:
    """One reading of the graph; `curated_only` leaves the gazetteer (the divisions) out.

    `name` and `version` are the dataset stamp of the curated nodes read (of any node if there
    is none), known once `entities()` has run.
    """

    settings: Target
    schema: Schema
    curated_only: bool = False
    page: int = PAGE
    name: str = "neo4j"
    version: str = "0"
    skipped: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.page <= MAX_PAGE:
            raise UsageError(f"the page size must be between 1 and {MAX_PAGE}, not {self.page}")
        self._where = Location(masked_uri(self.settings.uri), 0)
        self._gazetteer = self.schema.label_for("gazetteer")
        self._leave_out = self._gazetteer if self.curated_only else None
        self._stamped = False

    def count(self) -> int:
        """How many nodes of the base label the reading covers (from the count store)."""
        rows = self._query(count_nodes_of(self.schema.base_label, self._leave_out), {})
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
                props = {k: v for k, v in comparable(stored).items() if k not in BOOKKEEPING}
                if "source" in props:
                    yield Relation(start, rel_type, end, props, self._where)

    def _pages(self, query: str, params: dict[str, Any]) -> Iterator[list[Any]]:
        """The `rows` of one page after the other, over one driver; a page's `last` id is
        where the next one starts. The next page is fetched while this one is used (the
        server works while the caller writes), so at most two pages are held."""
        from neo4j import Driver, RoutingControl

        def fetch(driver: Driver, after: str) -> tuple[Any, list[Any]]:
            records, _, _ = driver.execute_query(
                query,
                {**params, "after": after, "page": self.page},
                database_=self.settings.database,
                routing_=RoutingControl.READ,
            )
            return (records[0]["last"], records[0]["rows"]) if records else (None, [])

        with open_driver(self.settings) as driver, ThreadPoolExecutor(1) as ahead:
            last, rows = fetch(driver, "")
            while last is not None:
                coming = ahead.submit(fetch, driver, str(last))
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
        if not self._stamped and DATASET_PROP in props:
            self.name = str(props[DATASET_PROP])
            self.version = str(props.get(VERSION_PROP, self.version))
            self._stamped = known[0] != self._gazetteer  # a curated node's stamp wins
        clean = {k: v for k, v in comparable(props).items() if k not in BOOKKEEPING}
        return Entity(str(node_id), known[0], clean, self._where)

    def _query(self, query: str, params: dict[str, Any]) -> list[Any]:
        with open_driver(self.settings) as driver:
            records, _, _ = driver.execute_query(query, params, database_=self.settings.database)
        return list(records)
