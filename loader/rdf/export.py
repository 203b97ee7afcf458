"""The graph as RDF: quads generated one at a time, written by rdflib or streamed.

Entities and the ontology go in the default graph; each relation goes, with its citation (an
`rdf:Statement` carrying the source document, the sentence and the relation's properties), in
the named graph of its source document. N-Triples, N-Quads and TriG are streamed line by line
(`stream`), never held in memory; the other formats are built with rdflib's serializers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from rdflib import Dataset as RdfDataset
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from loader.model.about import About
from loader.model.dataset import Dataset, Entity, Relation
from loader.model.errors import ConfigError, Hint
from loader.model.outputs import write_all
from loader.model.schema import Schema
from loader.rdf.describe import Tally, description_quads
from loader.rdf.ontology import bind_prefixes, ontology_triples
from loader.rdf.stream import Quad, stream_quads
from loader.rdf.vocab import (
    DOCUMENT_LISTS,
    Names,
    Predicate,
    property_literals,
    property_predicates,
)
from loader.text.extract import Extraction

__all__ = ("Quad",)

FORMATS = {  # --format -> (rdflib serializer, file extension, keeps named graphs)
    "turtle": ("turtle", "ttl", False),
    "json-ld": ("json-ld", "jsonld", True),
    "n-triples": ("nt", "nt", False),
    "rdf-xml": ("xml", "rdf", False),
    "trig": ("trig", "trig", True),
    "n-quads": ("nquads", "nq", True),
}
STREAMED = ("n-triples", "n-quads", "trig")
IN_MEMORY_NODES = 50_000  # the other formats are built in memory: larger graphs are refused
# Terms written for every entity or relation, looked up once (a namespace lookup is slow).
# A dataset is a prov:Collection that prov:hadMember each entity (PROV-O has no inverse term).
_TYPE, _STATEMENT, _HAD_MEMBER = RDF.type, RDF.Statement, PROV.hadMember
_SUBJECT, _PREDICATE, _OBJECT = RDF.subject, RDF.predicate, RDF.object
ALIASES = {  # short and rdflib-style names -> the --format name
    "ttl": "turtle",
    "jsonld": "json-ld",
    "json": "json-ld",
    "nt": "n-triples",
    "ntriples": "n-triples",
    "xml": "rdf-xml",
    "rdf": "rdf-xml",
    "rdfxml": "rdf-xml",
    "nq": "n-quads",
    "nquads": "n-quads",
}
EXTENSIONS = {ext: fmt for fmt, (_s, ext, _g) in FORMATS.items()} | {
    "json": "json-ld",
    "xml": "rdf-xml",
    "owl": "rdf-xml",
}


@dataclass(frozen=True)
class ExportResult:
    format: str
    triples: int
    path: str | None


def dataset_quads(
    dataset: Dataset,
    schema: Schema,
    names: Names,
    with_ontology: bool = True,
    tally: Tally | None = None,
) -> Iterator[Quad]:
    """Every quad of the export, in a stable order: the ontology, the entities and relations,
    then the dataset's description (its counts are known once they are written)."""
    if with_ontology:
        yield from ontology_quads(schema, names)
    tally = tally if tally is not None else Tally()
    yield from graph_quads(
        sorted(dataset.entities.values(), key=lambda e: e.id),
        sorted(dataset.relations, key=lambda r: r.key),
        schema,
        names,
        GraphScope(dataset.name, tally),
    )
    yield from description_quads([about_of(dataset)], tally, names)


def about_of(dataset: Dataset) -> About:
    """What the dataset declares about itself, or its name and version alone."""
    return dataset.about or About(dataset.name, dataset.version)


def ontology_quads(schema: Schema, names: Names) -> Iterator[Quad]:
    for s, p, o in ontology_triples(schema, names):
        yield s, p, o, None


@dataclass
class GraphScope:
    """The dataset of an entity or relation that names none (the curated one), and the tally
    of what each dataset's entities and relations wrote."""

    default: str
    tally: Tally


def graph_quads(
    entities: Iterable[Entity],
    relations: Iterable[Relation],
    schema: Schema,
    names: Names,
    scope: GraphScope,
) -> Iterator[Quad]:
    """The quads of entities and relations as they come (a page at a time from Neo4j), each
    entity a member of its dataset, each triple counted for it."""
    predicates = property_predicates(schema, names)
    triples, members = scope.tally.triples, scope.tally.entities
    for entity in entities:
        dataset = entity.dataset or scope.default
        quads = list(_entity_quads(entity, schema, names, predicates, _dataset(names, dataset)))
        triples[dataset] += len(quads)
        members[dataset] += 1
        yield from quads
    for relation in relations:
        dataset = relation.dataset or scope.default
        quads = list(_relation_quads(relation, schema, names, predicates))
        triples[dataset] += len(quads)
        yield from quads


def _entity_quads(
    entity: Entity,
    schema: Schema,
    names: Names,
    predicates: dict[str, Predicate],
    dataset: URIRef,
) -> Iterator[Quad]:
    iri = names.entity(entity.id)
    yield iri, _TYPE, _class(names, entity.label), None
    yield dataset, _HAD_MEMBER, iri, None
    specs = schema.node_properties(entity.label)
    for key, value in sorted(entity.properties.items()):
        if key in DOCUMENT_LISTS:  # ids of Documents: their IRIs
            for source in value:
                yield iri, predicates[key].iri, _document(names, source), None
            continue
        for predicate, literal in property_literals(predicates[key], specs[key], value):
            yield iri, predicate, literal, None


def _relation_quads(
    relation: Relation, schema: Schema, names: Names, predicates: dict[str, Predicate]
) -> Iterator[Quad]:
    props = relation.properties
    graph = _graph(names, props["source"])
    start, end = names.entity(relation.start), names.entity(relation.end)
    predicate = _relation(names, relation.type)
    yield start, predicate, end, graph
    statement = names.statement(relation.start, relation.type, relation.end)
    yield statement, _TYPE, _STATEMENT, graph
    yield statement, _SUBJECT, start, graph
    yield statement, _PREDICATE, predicate, graph
    yield statement, _OBJECT, end, graph
    yield statement, predicates["source"].iri, _document(names, props["source"]), graph
    specs = schema.relationship_properties(relation.type)
    for key, value in sorted(props.items()):
        if key == "source":
            continue
        if key in DOCUMENT_LISTS:
            for source in value:
                yield statement, predicates[key].iri, _document(names, source), graph
            continue
        for pred, literal in property_literals(predicates[key], specs[key], value):
            yield statement, pred, literal, graph


# The IRIs every entity or relation repeats, minted once (an export writes millions of them).
@lru_cache(maxsize=1024)
def _class(names: Names, label: str) -> URIRef:
    return names.cls(label)


@lru_cache(maxsize=64)
def _dataset(names: Names, name: str) -> URIRef:
    return names.dataset(name)


@lru_cache(maxsize=1024)
def _relation(names: Names, rel_type: str) -> URIRef:
    return names.relation(rel_type)


@lru_cache(maxsize=4096)
def _graph(names: Names, source: str) -> URIRef:
    return names.graph(source)


@lru_cache(maxsize=4096)
def _document(names: Names, source: str) -> URIRef:
    return names.entity(source)


def rdf_format(name: str) -> str:
    """The format a user names, by its name or a short one (`ttl`, `nt`, `jsonld` …)."""
    key = name.strip().lower()
    fmt = key if key in FORMATS else ALIASES.get(key)
    if fmt is None:
        known = ", ".join([*FORMATS, *ALIASES])
        raise ConfigError(f"unknown RDF format {name[:40]!r}; use one of: {known}")
    return fmt


def format_of(path: Path) -> str | None:
    """The format a file name's extension says (.ttl .nt .nq .trig .jsonld .rdf .xml …)."""
    return EXTENSIONS.get(path.suffix.lower().lstrip("."))


def export_format(name: str | None, output: Path | None) -> str:
    """--format when given, else the output file's extension, else Turtle (on stdout)."""
    if name:
        return rdf_format(name)
    if output is None:
        return "turtle"
    fmt = format_of(output)
    if fmt is None:
        raise ConfigError(
            f"cannot tell the RDF format of {output.name} from its extension "
            "(.ttl .nt .nq .trig .jsonld .rdf .xml)",
            hint=Hint.RDF_FORMAT,
        )
    return fmt


def write_export(
    quads: Iterator[Quad],
    fmt: str,
    out: IO[bytes],
    names: Names,
    context: dict[str, Any] | None = None,
) -> int:
    """Serialise to `out`; returns the number of triples (or quads) written."""
    fmt = rdf_format(fmt)
    if fmt in STREAMED:
        return stream_quads(quads, out, fmt)
    serializer, _ext, keeps_graphs = FORMATS[fmt]
    store: Graph
    if keeps_graphs:
        rdf_dataset = RdfDataset(default_union=False)
        bind_prefixes(rdf_dataset, names)
        for s, p, o, g in quads:
            target = rdf_dataset.graph(g) if g is not None else rdf_dataset.default_graph
            target.add((s, p, o))
        count = sum(1 for _ in rdf_dataset.quads((None, None, None, None)))
        store = rdf_dataset
    else:
        store = Graph()
        bind_prefixes(store, names)
        for s, p, o, _g in quads:
            store.add((s, p, o))
        count = len(store)
    if fmt == "json-ld":
        text = store.serialize(
            format=serializer, context=context["@context"] if context else {}, auto_compact=True
        )
        document = _default_graph_on_top(json.loads(text))
        write_all(out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
    else:
        write_all(out, store.serialize(format=serializer, encoding="utf-8"))
    return count


def _default_graph_on_top(document: Any) -> Any:
    """rdflib writes a dataset's default graph as `{"@graph": [...]}` inside the top `@graph`:
    a graph object without `@id`, which JSON-LD (and so Jena and Oxigraph) reads as a named
    graph with a blank-node name; only rdflib reads it back as the default graph. Its nodes go
    into the top `@graph` itself, where every JSON-LD reader sees the default graph."""
    if not isinstance(document, dict) or not isinstance(document.get("@graph"), list):
        return document
    top: list[Any] = []
    for item in document["@graph"]:
        if isinstance(item, dict) and set(item) == {"@graph"}:
            top.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
        else:
            top.append(item)
    return {**document, "@graph": top}


def lexical_quads(extraction: Extraction, schema: Schema, names: Names) -> Iterator[Quad]:
    """The lexical graph of one document: its sentences and the mentions in them."""
    sentence_class = names.cls(schema.lexical["sentence_label"])
    mentions = names.relation(schema.lexical["mentions"])
    doc = names.entity(extraction.document)
    graph = names.graph(extraction.document)
    kgo = names.ontology
    for item in extraction.sentences:
        sentence = names.sentence(extraction.document, item.sentence.index)
        yield sentence, RDF.type, sentence_class, graph
        yield sentence, DCTERMS.isPartOf, doc, graph
        yield sentence, kgo["index"], Literal(str(item.sentence.index), datatype=XSD.integer), graph
        yield sentence, kgo["text"], Literal(item.sentence.text, lang="zh"), graph
        yield sentence, kgo["start"], Literal(str(item.sentence.start), datatype=XSD.integer), graph
        yield sentence, kgo["end"], Literal(str(item.sentence.end), datatype=XSD.integer), graph
        for m in item.mentions:
            mention = URIRef(f"{names.base}mention/{extraction.document}/{m.start}")
            yield sentence, mentions, names.entity(m.entity_id), graph
            yield mention, RDF.type, kgo["Mention"], graph
            yield mention, kgo["inSentence"], sentence, graph
            yield mention, kgo["refersTo"], names.entity(m.entity_id), graph
            yield mention, kgo["surface"], Literal(m.surface, lang="zh"), graph
            yield mention, kgo["start"], Literal(str(m.start), datatype=XSD.integer), graph
            yield mention, kgo["end"], Literal(str(m.end), datatype=XSD.integer), graph


def quoted_sentences(
    extraction: Extraction, quoting: Iterable[tuple[URIRef, str]], names: Names
) -> Iterator[Quad]:
    """`prov:wasQuotedFrom` from each statement (or claim) of this document to the sentences
    of the lexical graph its `sentence` is quoted from: the one that holds it, or each one a
    quote spanning several overlaps. A sentence not found verbatim in the text is not linked."""
    spans = [
        (item.sentence.start, item.sentence.end, item.sentence.index)
        for item in extraction.sentences
    ]
    graph = names.graph(extraction.document)
    for statement, quoted in quoting:
        at = extraction.text.find(quoted) if quoted else -1
        if at < 0:
            continue
        end = at + len(quoted)
        for start, stop, index in spans:
            if start < end and at < stop:
                yield (
                    statement,
                    PROV.wasQuotedFrom,
                    names.sentence(extraction.document, index),
                    graph,
                )
