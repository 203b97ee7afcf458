"""The OWL ontology and the SHACL shapes, both derived from the schema (never written by hand).

Ontology: a class per label (under the base class), an object property per relationship type
with `schema:domainIncludes`/`rangeIncludes` for the allowed pairs, a datatype property per
typed property; `rdfs:label`s in Chinese and English; alignments to schema.org, Wikidata, SKOS,
PROV-O and Dublin Core, all from the schema's `rdf:` entries. Shapes: what `kg validate` checks,
restated for RDF data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from loader.model.properties import PropertySpec
from loader.model.schema import Schema
from loader.rdf.vocab import (
    DOCUMENT_LISTS,
    PREFIXES,
    SCHEMA,
    SH,
    Names,
    Predicate,
    property_predicates,
    term,
)

XSD_TYPES = {
    "string": XSD.string,
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "boolean": XSD.boolean,
    "date": XSD.date,
    "list[string]": XSD.string,
}

# A relation's citation, checked as such on its statement: one source document, one sentence.
CITATION = ("source", "sentence")


def ontology_triples(schema: Schema, names: Names) -> Iterator[tuple[URIRef, URIRef, object]]:
    kgo = names.ontology
    onto = URIRef(str(kgo).rstrip("#"))
    yield onto, RDF.type, OWL.Ontology
    yield onto, RDFS.label, Literal(f"{schema.name} ontology", lang="en")
    yield (
        onto,
        RDFS.comment,
        Literal(f"Derived from {schema.path.name} by loader/ontology.py.", lang="en"),
    )
    base = names.cls(schema.base_label)
    yield base, RDF.type, OWL.Class
    yield base, RDFS.label, Literal("实体", lang="zh")
    yield base, RDFS.label, Literal("entity", lang="en")
    for label, spec in schema.labels.items():
        cls = names.cls(label)
        yield cls, RDF.type, OWL.Class
        yield cls, RDFS.subClassOf, base
        yield cls, RDFS.label, Literal(spec.zh, lang="zh")
        yield cls, RDFS.label, Literal(label, lang="en")
        if spec.description:
            yield cls, RDFS.comment, Literal(spec.description, lang="en")
        for relation, aligned in spec.rdf:
            yield cls, term(relation), term(aligned)
    for rel_type, rel_spec in schema.relationships.items():
        prop = names.relation(rel_type)
        yield prop, RDF.type, OWL.ObjectProperty
        yield prop, RDFS.label, Literal(rel_spec.zh, lang="zh")
        yield prop, RDFS.label, Literal(rel_type.lower().replace("_", " "), lang="en")
        yield prop, RDFS.comment, Literal(rel_spec.description, lang="en")
        yield prop, RDFS.domain, base
        yield prop, RDFS.range, base
        for start in sorted({a for a, _ in rel_spec.pairs}):
            yield prop, SCHEMA.domainIncludes, names.cls(start)
        for end in sorted({b for _, b in rel_spec.pairs}):
            yield prop, SCHEMA.rangeIncludes, names.cls(end)
        for relation, aligned in rel_spec.rdf:
            yield prop, term(relation), term(aligned)
    seen: set[URIRef] = set()
    for prop_spec in schema.declared_properties():
        if prop_spec.rdf.predicate:  # a well-known predicate, defined in its own vocabulary
            continue
        prop = names.prop(prop_spec.name)
        if prop in seen:
            continue
        seen.add(prop)
        label = Literal(prop_spec.name, lang="en")
        if prop_spec.name in DOCUMENT_LISTS:  # ids of source documents: links to them
            yield prop, RDF.type, OWL.ObjectProperty
            yield prop, RDFS.label, label
            yield prop, RDFS.range, names.cls(schema.label_for("document"))
        else:
            yield prop, RDF.type, OWL.DatatypeProperty
            yield prop, RDFS.label, label
            yield prop, RDFS.range, XSD_TYPES[prop_spec.type]
        if prop_spec.description:
            yield prop, RDFS.comment, Literal(prop_spec.description, lang="en")


def ontology_graph(schema: Schema, names: Names) -> Graph:
    graph = Graph()
    bind_prefixes(graph, names)
    for triple in ontology_triples(schema, names):
        graph.add(triple)  # type: ignore[arg-type]
    return graph


def bind_prefixes(graph: Graph, names: Names) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("kgo", names.ontology)
    graph.bind("kg", names.base + "id/")


def shapes_graph(schema: Schema, names: Names) -> Graph:
    """SHACL shapes: required values, datatypes, allowed values, allowed relationship pairs."""
    g = Graph()
    bind_prefixes(g, names)
    shapes = URIRef(names.base + "shapes#")
    document = names.cls(schema.label_for("document"))
    predicates = property_predicates(schema, names)

    def node_shape(name: str) -> URIRef:
        return URIRef(f"{shapes}{name}Shape")

    def prop_shape(shape: URIRef, path: URIRef, message: str, **constraints: object) -> None:
        node = BNode()
        g.add((shape, SH.property, node))
        g.add((node, SH.path, path))
        g.add((node, SH.message, Literal(message, lang="en")))
        for key, value in constraints.items():
            if key == "in_":
                items: list[Node] = [Literal(v) for v in value]  # type: ignore[attr-defined]
                head = BNode()
                Collection(g, head, items)
                g.add((node, SH["in"], head))
            elif key == "or_":
                alternatives: list[Node] = []
                for cls in value:  # type: ignore[attr-defined]
                    alt = BNode()
                    g.add((alt, SH["class"], cls))
                    alternatives.append(alt)
                head = BNode()
                Collection(g, head, alternatives)
                g.add((node, SH["or"], head))
            elif key == "languageIn":
                head = BNode()
                langs: list[Node] = [Literal(v) for v in value]  # type: ignore[attr-defined]
                Collection(g, head, langs)
                g.add((node, SH.languageIn, head))
            else:
                g.add(
                    (
                        node,
                        SH[key],
                        value if isinstance(value, URIRef | Literal) else Literal(value),
                    )
                )

    for label in schema.labels:
        shape = node_shape(label)
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, SH.targetClass, names.cls(label)))
        specs = schema.node_properties(label)
        shared = _shared(specs, predicates)
        for spec in specs.values():
            path, message, constraints = _property_constraints(
                spec, predicates[spec.name], owner=label, document=document, shared=shared
            )
            prop_shape(shape, path, message, **constraints)
        for rel_type, rel in schema.relationships.items():
            targets = sorted(b for a, b in rel.pairs if a == label)
            path = names.relation(rel_type)
            if targets:
                prop_shape(
                    shape,
                    path,
                    f"{rel_type} from a {label} must reach a " + " or ".join(targets),
                    or_=[names.cls(t) for t in targets],
                )
            else:
                prop_shape(shape, path, f"{rel_type} is not allowed from a {label}", maxCount=0)
    statement = node_shape("Statement")
    g.add((statement, RDF.type, SH.NodeShape))
    g.add((statement, SH.targetClass, RDF.Statement))
    prop_shape(
        statement,
        predicates["source"].iri,
        "a relation cites exactly one source document",
        minCount=1,
        maxCount=1,
        **{"class": document},
    )
    prop_shape(
        statement,
        predicates["sentence"].iri,
        "a relation cites exactly one sentence",
        minCount=1,
        maxCount=1,
        datatype=RDF.langString,
    )
    for rel_name in ("subject", "predicate", "object"):
        prop_shape(
            statement,
            RDF[rel_name],
            f"a statement names exactly one {rel_name}",
            minCount=1,
            maxCount=1,
            nodeKind=SH.IRI,
        )
    shared = _shared(schema.provenance, predicates)
    for spec in schema.provenance.values():
        if spec.name not in CITATION:
            path, message, constraints = _property_constraints(
                spec, predicates[spec.name], owner="relation", document=document, shared=shared
            )
            prop_shape(statement, path, message, **constraints)
    return g


def _shared(specs: dict[str, PropertySpec], predicates: dict[str, Predicate]) -> set[str]:
    """The properties whose predicate another one also writes (`rdfs:label` @zh and @en): how
    many values and in which language cannot be told from the predicate alone."""
    uses = Counter(
        iri for name in specs for iri in {predicates[name].iri, *predicates[name].copies}
    )
    return {name for name in specs if uses[predicates[name].iri] > 1}


def _property_constraints(
    spec: PropertySpec,
    predicate: Predicate,
    *,
    owner: str,
    document: URIRef,
    shared: set[str],
) -> tuple[URIRef, str, dict[str, object]]:
    """The property shape of one property of `owner` (a label, or "relation"): its path, its
    message and its constraints."""
    if spec.name in DOCUMENT_LISTS:
        return predicate.iri, f"{owner} {spec.name} must be Documents", {"class": document}
    path, language = predicate.iri, predicate.lang
    constraints: dict[str, object] = {}
    if spec.required:
        constraints["minCount"] = 1
    if spec.type != "list[string]":
        constraints["maxCount"] = 1
    if language:
        constraints["languageIn"] = [language]
    elif predicate.namespace:  # an identifier: an IRI in its namespace
        constraints["nodeKind"] = SH.IRI
        constraints["pattern"] = "^" + re.escape(predicate.namespace)
    else:
        constraints["datatype"] = XSD_TYPES[spec.type]
    if spec.values:
        constraints["in_"] = list(spec.values)
    if spec.pattern and not language and not predicate.namespace:
        constraints["pattern"] = spec.pattern
    if spec.minimum is not None:
        constraints["minInclusive"] = Literal(spec.minimum, datatype=XSD.decimal)
    if spec.maximum is not None:
        constraints["maxInclusive"] = Literal(spec.maximum, datatype=XSD.decimal)
    if spec.name in shared:  # one predicate, two languages: count and type elsewhere
        constraints = {"minCount": 1} if spec.required else {}
    message = f"{owner}.{spec.name}: " + ("required, " if spec.required else "") + spec.type
    return path, message, constraints


def json_ld_context(schema: Schema, names: Names) -> dict[str, object]:
    """A readable JSON-LD @context: prefixes, a term per class, relation and property."""
    context: dict[str, object] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    context["kgo"] = str(names.ontology)
    context["kg"] = names.base + "id/"
    for label in [schema.base_label, *schema.labels]:
        context[label] = f"kgo:{label}"
    for rel_type in schema.relationships:
        term = names.relation(rel_type).split("#")[-1]
        context[term] = {"@id": f"kgo:{term}", "@type": "@id"}
    for spec in schema.declared_properties():
        if spec.rdf.predicate:
            continue
        term = names.prop(spec.name).split("#")[-1]
        entry: dict[str, str] = {"@id": f"kgo:{term}"}
        if spec.name in DOCUMENT_LISTS:
            entry["@type"] = "@id"
        elif spec.rdf.lang:
            entry["@language"] = spec.rdf.lang
        elif spec.type not in ("string", "list[string]"):
            entry["@type"] = f"xsd:{XSD_TYPES[spec.type].split('#')[-1]}"
        context[term] = entry
    context["prefLabel"] = {"@id": "skos:prefLabel", "@language": "zh"}
    context["altLabel"] = {"@id": "skos:altLabel", "@language": "zh"}
    context["identifier"] = "dcterms:identifier"
    context["wasDerivedFrom"] = {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    return {"@context": context}
