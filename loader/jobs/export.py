"""RDF out: the curated data (no server needed) or what Neo4j holds, in one format."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from loader.jobs.graph import choose_source, read_graph
from loader.model.errors import ConfigError
from loader.model.outputs import checked_output
from loader.model.schema import Schema, load_schema
from loader.model.validation import load_dataset
from loader.neo4j.target import ConnectionOptions
from loader.rdf.export import (
    FORMATS,
    ExportResult,
    Quad,
    dataset_quads,
    lexical_quads,
    write_export,
)
from loader.rdf.ontology import json_ld_context
from loader.rdf.vocab import Names
from loader.text.extract import Matcher, extract, surface_forms


def run_export(
    options: ConnectionOptions,
    fmt: str,
    source: str | None = None,
    output: Path | None = None,
    data: Path | None = None,
    base: str | None = None,
    with_ontology: bool = True,
    stdout: IO[bytes] | None = None,
    with_mentions: bool = False,
    allow_outside: bool = False,
) -> ExportResult:
    """Export in one RDF format to `output`, or to `stdout` when no file is given."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown RDF format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if output is not None:
        output = checked_output(output, allow_outside)
    names = Names.configured(base)
    schema = load_schema()
    source = choose_source(source, data, options, data_used=with_mentions)  # --data: mentions
    dataset = read_graph(source, data if source == "data" else None, schema, options)
    quads = dataset_quads(dataset, schema, names, with_ontology)
    if with_mentions:
        quads = itertools.chain(quads, _source_mentions(data, schema, names))
    context = json_ld_context(schema, names)
    if output is None:
        assert stdout is not None
        count = write_export(quads, fmt, stdout, names, context)
        return ExportResult(fmt, count, None)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:  # a failed export leaves no half-written file behind
        with partial.open("wb") as handle:
            count = write_export(quads, fmt, handle, names, context)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(fmt, count, str(output))


def _source_mentions(data: Path | None, schema: Schema, names: Names) -> Iterator[Quad]:
    """The lexical graph of every source text of the curated data."""
    dataset = load_dataset(data, schema)
    matcher = Matcher(surface_forms(dataset, schema))
    for source in sorted(dataset.sources.values(), key=lambda s: s.id):
        yield from lexical_quads(extract(source.text, dataset, source.id, matcher), schema, names)
