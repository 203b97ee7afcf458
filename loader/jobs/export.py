"""RDF out: the curated data (no server needed) or what Neo4j holds, in one format.

From Neo4j the graph is read a page at a time and written as it is read; a format rdflib
builds in memory (Turtle, JSON-LD, RDF/XML) is refused for a graph of more than
`IN_MEMORY_NODES` nodes, before anything is read or written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import URIRef

from loader.jobs.graph import GraphSource, choose_source
from loader.model.dataset import Dataset
from loader.model.errors import UsageError
from loader.model.outputs import atomic_output, check_output
from loader.model.schema import Schema
from loader.model.workspace import Workspace
from loader.neo4j.connect import Connection
from loader.neo4j.pages import GraphPages
from loader.rdf.export import (
    IN_MEMORY_NODES,
    STREAMED,
    ExportResult,
    Quad,
    dataset_meta_quads,
    dataset_quads,
    export_format,
    graph_quads,
    lexical_quads,
    ontology_quads,
    quoted_sentences,
    write_export,
)
from loader.rdf.ontology import json_ld_context
from loader.rdf.vocab import Names
from loader.text.extract import source_extractions


@dataclass(frozen=True)
class ExportChoice:
    """What `kg export rdf` writes: the format (None: from the file's name, else Turtle), the
    base IRI (None: the configured one), and whether the ontology and the source texts'
    mentions go with the graph."""

    fmt: str | None = None
    base: str | None = None
    with_ontology: bool = True
    with_mentions: bool = False


def run_export(
    workspace: Workspace,
    connection: Connection,
    where: GraphSource,
    choice: ExportChoice,
    *,
    output: Path | None = None,
    stdout: IO[bytes] | None = None,
) -> ExportResult:
    """Export to `output` (atomically), or to `stdout` when no file is given."""
    if output is not None:
        output = check_output(output)
    fmt = export_format(choice.fmt, output)
    names = Names.configured(choice.base)
    schema = workspace.schema
    source = choose_source(  # with mentions, --data names the texts' folder too
        where.source,
        connection.options,
        data_given=where.data_given,
        data_used=choice.with_mentions,
    )
    if source == "data":
        quads = dataset_quads(workspace.dataset, schema, names, choice.with_ontology)
    else:
        pages = _fits(GraphPages(connection.graph(), schema), fmt)
        quads = neo4j_quads(pages, names, choice.with_ontology)
    if choice.with_mentions:  # the data was validated once, whichever the source
        quads = itertools.chain(quads, _source_mentions(workspace.dataset, schema, names))
    context = json_ld_context(schema, names)
    if output is None:
        assert stdout is not None
        count = write_export(quads, fmt, stdout, names, context)
        return ExportResult(fmt, count, None)
    with atomic_output(output) as handle:  # a failed export leaves no half-written file
        count = write_export(quads, fmt, handle, names, context)
    return ExportResult(fmt, count, str(output))


def _fits(pages: GraphPages, fmt: str) -> GraphPages:
    """The reading, unless the format is built in memory and the graph is too large for it."""
    if fmt not in STREAMED:
        size = pages.count()
        if size > IN_MEMORY_NODES:
            raise UsageError(
                f"the graph in Neo4j has {size} nodes, too many for {fmt} (built in memory, "
                f"at most {IN_MEMORY_NODES}); use a streamed format: {', '.join(STREAMED)}"
            )
    return pages


def neo4j_quads(pages: GraphPages, names: Names, with_ontology: bool) -> Iterator[Quad]:
    """The quads of what Neo4j holds, written as they are read. The dataset's own three come
    last: its name is known once the nodes are read."""
    if with_ontology:
        yield from ontology_quads(pages.schema, names)
    yield from graph_quads(pages.entities(), pages.relations(), pages.schema, names)
    yield from dataset_meta_quads(names, pages.name, pages.version)


def _source_mentions(dataset: Dataset, schema: Schema, names: Names) -> Iterator[Quad]:
    """The lexical graph of every source text of the curated data, and each relation's
    statement and each claim linked to the sentences it quotes."""
    quoting: dict[str, list[tuple[URIRef, str]]] = {}
    for relation in sorted(dataset.relations, key=lambda r: r.key):
        statement = names.statement(relation.start, relation.type, relation.end)
        said = (statement, str(relation.properties.get("sentence", "")))
        quoting.setdefault(str(relation.properties["source"]), []).append(said)
    claims = set(schema.labels_with_role("claim"))
    for entity in sorted(dataset.entities.values(), key=lambda e: e.id):
        if entity.label in claims and entity.properties.get("sources"):
            said = (names.entity(entity.id), str(entity.properties.get("sentence", "")))
            quoting.setdefault(str(entity.properties["sources"][0]), []).append(said)
    for extraction in source_extractions(dataset, schema):
        yield from lexical_quads(extraction, schema, names)
        yield from quoted_sentences(extraction, quoting.get(extraction.document, []), names)
