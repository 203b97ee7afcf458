"""The IRI policy and the vocabulary the RDF export speaks.

Entities are `<base>id/<id>` (ids are stable ASCII, so IRIs never mix raw and percent-encoded
Chinese); classes and properties live in `<base>ontology#`; each source document's facts go in
the named graph `<base>graph/<source-id>`; each relation's citation is an `rdf:Statement` at
`<base>statement/<hash>`. The base is configurable (`--base` or `KG_RDF_BASE`). Each property's
predicate and language come from its `rdf:` entry in the schema, and its values are written
here: typed literals in canonical form, language-tagged strings, or IRIs for identifiers.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

from loader.model.properties import PropertySpec
from loader.model.schema import Schema
from loader.model.schema_annotations import VOCABULARIES, expand

DEFAULT_BASE = "https://example.org/jinshan-kg/"
# Properties whose values are ids of source documents: written as the documents' IRIs.
DOCUMENT_LISTS = frozenset({"sources", "corroborated_by"})
PREFIXES = {prefix: Namespace(iri) for prefix, iri in VOCABULARIES.items()}
SCHEMA = PREFIXES["schema"]
SH = PREFIXES["sh"]


def camel(name: str) -> str:
    """LOCATED_IN -> locatedIn, length_km -> lengthKm: RDF's naming style for properties."""
    parts = [p for p in re.split(r"[_\s]+", name) if p]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:].lower() for p in parts[1:])


@dataclass(frozen=True)
class Names:
    """Every IRI the export mints, from one configurable base."""

    base: str = DEFAULT_BASE

    @classmethod
    def configured(cls, base: str | None = None) -> Names:
        chosen = base or os.environ.get("KG_RDF_BASE") or DEFAULT_BASE
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`#]+/", chosen):
            from loader.model.errors import ConfigError

            raise ConfigError(
                f"RDF base {chosen!r} must be an http(s) IRI ending in / without a #: the "
                "ontology's terms are <base>ontology#Term"
            )
        return cls(chosen)

    @property
    def ontology(self) -> Namespace:
        return Namespace(self.base + "ontology#")

    def entity(self, entity_id: str) -> URIRef:
        return URIRef(self.base + "id/" + entity_id)

    def graph(self, name: str) -> URIRef:
        return URIRef(self.base + "graph/" + name)

    def dataset(self, name: str) -> URIRef:
        return URIRef(self.base + "dataset/" + quote(name, safe="-._~"))

    def statement(self, start: str, rel_type: str, end: str) -> URIRef:
        digest = hashlib.sha256(f"{start}\x1f{rel_type}\x1f{end}".encode()).hexdigest()[:20]
        return URIRef(self.base + "statement/" + digest)

    def sentence(self, document: str, index: int) -> URIRef:
        return URIRef(f"{self.base}sentence/{document}/{index}")

    def cls(self, label: str) -> URIRef:
        return self.ontology[label]

    def relation(self, rel_type: str) -> URIRef:
        return self.ontology[camel(rel_type)]

    def prop(self, name: str) -> URIRef:
        return self.ontology[camel(name)]

    def entity_id(self, iri: str) -> str | None:
        prefix = self.base + "id/"
        return iri[len(prefix) :] if iri.startswith(prefix) else None


def term(curie: str) -> URIRef:
    """The IRI of a CURIE of the schema's `rdf:` alignments (schema:Place, wdt:P131)."""
    return URIRef(expand(curie))


class Predicate(NamedTuple):
    """How a property's values are written: the predicate, their language (None: typed
    literals, or IRIs for the source documents), the predicates that carry a copy, and for an
    identifier the namespace its values are IRIs in (owl:sameAs a Wikidata item)."""

    iri: URIRef
    lang: str | None
    also: tuple[URIRef, ...] = ()
    namespace: str | None = None  # an identifier's values are IRIs in this namespace
    spaced: tuple[tuple[URIRef, tuple[int, ...]], ...] = ()  # copies in digit groups

    @property
    def copies(self) -> tuple[URIRef, ...]:
        """Every predicate that carries a copy of the values (as they are, or spaced)."""
        return (*self.also, *(copy for copy, _groups in self.spaced))


def property_predicates(schema: Schema, names: Names) -> dict[str, Predicate]:
    """Every property name's predicate, from its `rdf:` entry (the same wherever the name is
    declared: checked when the schema loads); without one, the property's own `kgo:` term."""
    out: dict[str, Predicate] = {}
    for spec in schema.declared_properties():
        aligned = spec.rdf
        iri = term(aligned.predicate) if aligned.predicate else names.prop(spec.name)
        copies = tuple(term(curie) for curie in aligned.also)
        spaced = tuple((term(curie), groups) for curie, groups in aligned.spaced)
        out.setdefault(spec.name, Predicate(iri, aligned.lang, copies, aligned.iri, spaced))
    return out


def property_literals(
    aligned: Predicate, spec: PropertySpec, value: Any
) -> Iterator[tuple[URIRef, Literal | URIRef]]:
    """(predicate, object) for each value of a property and each predicate that carries it."""
    for item in value if isinstance(value, list) else [value]:
        literal: Literal | URIRef = (
            URIRef(aligned.namespace + quote(str(item), safe=""))
            if aligned.namespace
            else _literal(spec.type, item, aligned.lang)
        )
        for copy in aligned.also:
            yield copy, literal
        for copy, groups in aligned.spaced:
            if (text := in_groups(str(item), groups)) is not None:
                yield copy, Literal(text, normalize=False)
        yield aligned.iri, literal


def in_groups(text: str, groups: tuple[int, ...]) -> str | None:
    """`310116` in groups (2, 2, 2, 3, 3) is `31 01 16`; None when no leading run of the
    groups adds up to the text's length (a code of 5 digits has no spaced form)."""
    parts, at = [], 0
    for size in groups:
        if at == len(text):
            break
        parts.append(text[at : at + size])
        at += size
    return " ".join(parts) if at == len(text) and parts else None


def _literal(kind: str, item: Any, language: str | None) -> Literal:
    # A string needs no normalising (rdflib's default would try every Python type on it).
    if language:
        return Literal(item, lang=language, normalize=False)
    if kind == "decimal":
        # Exactly the float's shortest decimal, in the canonical form with one digit after the
        # point (10000000000.0, 0.0000001): what Turtle writes, so the lexical forms agree.
        text = format(Decimal(repr(item)), "f") if isinstance(item, float) else str(item)
        if "." not in text:
            text += ".0"
        elif text.endswith("0"):
            text = text.rstrip("0")
            text = text + "0" if text.endswith(".") else text
        return Literal(text, datatype=XSD.decimal)
    if kind == "integer":
        return Literal(str(item), datatype=XSD.integer)
    if kind == "boolean":
        return Literal("true" if item else "false", datatype=XSD.boolean)
    if kind == "date":
        return Literal(str(item), datatype=XSD.date)
    return Literal(str(item), normalize=False)  # a simple literal is an xsd:string in RDF 1.1
