"""RDF out: the curated data (no server needed) or what Neo4j holds, in one format.

From Neo4j the graph is read a page at a time and written as it is read; a format rdflib
builds in memory (Turtle, JSON-LD, RDF/XML) is refused for a graph of more than
`IN_MEMORY_NODES` nodes, before anything is read or written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from rdflib import URIRef

from loader.divisions.about import DIVISIONS, links_about
from loader.jobs.graph import GraphSource, choose_source
from loader.model.about import About
from loader.model.dataset import Dataset
from loader.model.errors import UsageError
from loader.model.outputs import atomic_output, check_output
from loader.model.schema import Schema
from loader.model.workspace import Workspace
from loader.neo4j.connect import Connection
from loader.neo4j.pages import UNSTAMPED, GraphPages
from loader.rdf.describe import (
    Distribution,
    Tally,
    catalog_graph,
    description_quads,
    read_catalog,
)
from loader.rdf.export import (
    IN_MEMORY_NODES,
    STREAMED,
    ExportResult,
    GraphScope,
    Quad,
    about_of,
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
    base IRI (None: the configured one), whether the ontology and the source texts' mentions
    go with the graph, and the DCAT catalog (None: none) that lists the file written."""

    fmt: str | None = None
    base: str | None = None
    with_ontology: bool = True
    with_mentions: bool = False
    catalog: Path | None = None


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
    catalog = _catalog_checked(choice.catalog, output)
    old_catalog = read_catalog(catalog) if catalog is not None else None
    source = choose_source(  # with mentions, --data names the texts' folder too
        where.source,
        connection.options,
        data_given=where.data_given,
        data_used=choice.with_mentions,
    )
    described = Described()
    if source == "data":
        dataset = workspace.dataset
        described.abouts.append(about_of(dataset))
        quads = dataset_quads(dataset, schema, names, choice.with_ontology, described.tally)
    else:
        pages = _fits(GraphPages(connection.graph(), schema), fmt)
        known = known_abouts(workspace.about, schema.type_for("identity"))
        quads = neo4j_quads(pages, names, choice.with_ontology, known, described)
    if choice.with_mentions:  # the data was validated once, whichever the source
        quads = itertools.chain(quads, _source_mentions(workspace.dataset, schema, names))
    context = json_ld_context(schema, names)
    if output is None:
        assert stdout is not None
        count = write_export(quads, fmt, stdout, names, context)
        return ExportResult(fmt, count, None)
    with atomic_output(output) as handle:  # a failed export leaves no half-written file
        count = write_export(quads, fmt, handle, names, context)
    if catalog is not None:
        listed = catalog_graph(
            old_catalog,
            described.abouts,
            described.tally,
            names,
            Distribution.of(output, fmt, catalog),
        )
        with atomic_output(catalog) as handle:
            handle.write(listed.serialize(format="turtle", encoding="utf-8"))
    return ExportResult(fmt, count, str(output))


@dataclass
class Described:
    """The datasets an export described and what it counted for them, known once its quads
    have all been written (the catalog repeats them)."""

    abouts: list[About] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


def known_abouts(curated: About, identity: str) -> dict[str, About]:
    """The datasets whose description is known: the curated one (from dataset.yaml), the
    divisions and their links; any other found in Neo4j is described by its name."""
    return {
        curated.name: curated,
        DIVISIONS.name: DIVISIONS,
        links_about(curated, identity).name: links_about(curated, identity),
    }


def _catalog_checked(catalog: Path | None, output: Path | None) -> Path | None:
    if catalog is None:
        return None
    if output is None:
        raise UsageError("--catalog lists the file written: give it with -o/--output")
    catalog = check_output(catalog)
    if catalog.resolve() == output.resolve():
        raise UsageError("--catalog must name another file than the export")
    return catalog


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


def neo4j_quads(
    pages: GraphPages,
    names: Names,
    with_ontology: bool,
    known: dict[str, About] | None = None,
    described: Described | None = None,
) -> Iterator[Quad]:
    """The quads of what Neo4j holds, written as they are read. The descriptions of its
    datasets come last: which datasets there are, and their counts, are known once the nodes
    and relationships are read."""
    known = known or {}
    described = described if described is not None else Described()
    if with_ontology:
        yield from ontology_quads(pages.schema, names)
    tally = described.tally
    scope = GraphScope(UNSTAMPED, tally)  # nodes no load stamped (written by hand)
    yield from graph_quads(pages.entities(), pages.relations(), pages.schema, names, scope)
    for name in sorted({pages.name, *tally.triples}):
        about = known.get(name) or About(name, "0")
        recorded = pages.version_of(name)
        described.abouts.append(replace(about, version=recorded) if recorded else about)
    yield from description_quads(described.abouts, tally, names)


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
