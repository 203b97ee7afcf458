"""SHACL validation of an RDF file against the shapes derived from the schema (pySHACL).

Returns a small report: whether the data conforms and one readable line per violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from loader.model.schema import Schema
from loader.rdf.importer import parse_rdf
from loader.rdf.ontology import shapes_graph
from loader.rdf.vocab import SH, Names


@dataclass
class ShaclReport:
    conforms: bool
    violations: list[str] = field(default_factory=list)


def validate_rdf(path: Path, schema: Schema, names: Names, fmt: str | None = None) -> ShaclReport:
    store = parse_rdf(path, fmt)
    data = Graph()
    for s, p, o, _g in store.quads((None, None, None, None)):
        data.add((s, p, o))
    return validate_graph(data, schema, names)


def validate_graph(data: Graph, schema: Schema, names: Names) -> ShaclReport:
    from pyshacl import validate

    conforms, results, _text = validate(
        data,
        shacl_graph=shapes_graph(schema, names),
        inference="none",
        advanced=False,
        allow_warnings=False,
    )
    lines: list[str] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        where = _short(str(focus), names)
        line = f"{where}: {message}" + (f" (path {_short(str(path), names)})" if path else "")
        if value is not None:
            line += f" [value: {value}]"
        lines.append(line)
    return ShaclReport(bool(conforms), sorted(lines))


def _short(iri: str, names: Names) -> str:
    for prefix, short in ((names.base + "id/", "kg:"), (str(names.ontology), "kgo:")):
        if iri.startswith(prefix):
            return short + iri[len(prefix) :]
    return iri
