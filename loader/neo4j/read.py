"""The curated graph read back out of Neo4j into the in-memory model (analysis, paths, pictures).

Scoped to the curated graph: the gazetteer (the divisions `kg divisions import` loads) is left
out, and so are the identity links to it. Bounded: a graph of more than `MAX_NODES` nodes is
refused before anything is read, since the whole of it is held in memory. Read in pages
(`pages.GraphPages`), with the same rules for what the schema can describe.
"""

from __future__ import annotations

from loader.model.dataset import Dataset
from loader.model.errors import Hint, UsageError
from loader.model.schema import Schema
from loader.neo4j.graph import Graph
from loader.neo4j.pages import GraphPages

MAX_NODES = 50_000


def read_dataset(graph: Graph, schema: Schema, limit: int | None = None) -> Dataset:
    """The curated graph (no divisions) as a dataset; more than `limit` nodes (`MAX_NODES`
    unless given) is refused."""
    limit = MAX_NODES if limit is None else limit
    pages = GraphPages(graph, schema, curated_only=True)
    size = pages.count()
    if size > limit:
        raise UsageError(
            f"the curated graph in Neo4j has {size} nodes, more than the {limit} this command "
            "reads into memory",
            hint=Hint.STREAM_EXPORT,
        )
    dataset = Dataset("neo4j", "0")
    for entity in pages.entities():
        dataset.entities[entity.id] = entity
    dataset.name, dataset.version = pages.name, pages.version
    dataset.relations.extend(pages.relations())
    return dataset
