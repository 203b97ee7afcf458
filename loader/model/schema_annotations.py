"""What the schema says about each label, relationship type and property beyond its type: its
roles (which a module treats specially), its style (colour and size in Browser and in pictures)
and its alignment to well-known RDF terms, written as CURIEs over the vocabularies below. Each
reader here checks one annotation and reports a problem at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from loader.model.contrast import caption_colour
from loader.model.problems import Problem
from loader.model.properties import PropertyAlignment
from loader.model.readers import LocDict, LocList

LABEL_ROLES = {
    "document": "the source documents every fact cites",
    "gazetteer": "the official divisions of the national code list",
    "context": "context, left out of the graph analysis and the pictures",
    "claim": "a property-level citation: one value of one entity's property, with its sentence",
}
TYPE_ROLES = {
    "transport": "a link of the transport network, analysed on its own",
    "containment": "lies within: what a division has to its parent division",
    "identity": "is: what links a curated place to its official division",
    "claim": "has claim: what links an entity to the claims that cite its values",
    "pillar": "is a pillar of: the pictures draw the pillars around the layout it names",
    "office": "holds office in: what a person named after a title that follows an organisation "
    "has to it (金山区委书记刘健, read in a new page's text); takes the title as `role`",
}
UNIQUE_ROLES = frozenset({"document", "gazetteer", "containment", "identity"})
# At most one holder: a schema may do without.
OPTIONAL_ROLES = frozenset({"claim", "pillar", "office"})

# The vocabularies alignments may name; the RDF export binds the same prefixes.
VOCABULARIES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
}
# `rdf:` keys: how a label or a type relates to the terms it names.
LABEL_ALIGNMENTS = {"subClassOf": "rdfs:subClassOf"}
TYPE_ALIGNMENTS = {"subPropertyOf": "rdfs:subPropertyOf", "closeMatch": "skos:closeMatch"}
PROPERTY_ALIGNMENT_KEYS = ("predicate", "lang", "also", "iri", "spaced")
# An identifier's namespace: its values are written as this + the value (an IRI, not a literal).
IRI_NAMESPACE = re.compile(r"^https?://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?[/#]$")
# A simple BCP 47 tag: a language, then optionally a script and a region (zh, zh-Hans, en-GB).
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$")

COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")  # fullmatch: `$` would allow a newline
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # labels, types, properties: fullmatch
CURIE = re.compile(r"^([a-z][a-z0-9]*):([A-Za-z_][A-Za-z0-9_.-]*)$")
DIAMETERS = (10, 200)
FONT_SIZES = (6, 40)
DEFAULT_CAPTION = "name"
DEFAULT_FONT_SIZE = 10  # Browser's own
STYLE_KEYS = ("colour", "diameter", "caption", "emphasis", "font_size")

Alignment = tuple[tuple[str, str], ...]  # (relation CURIE, term CURIE)


@dataclass(frozen=True)
class LabelStyle:
    colour: str
    diameter: int = 50
    caption: str = DEFAULT_CAPTION  # the property shown on the node
    emphasis: bool = False  # drawn larger and bolder, to be spotted first
    font_size: int = DEFAULT_FONT_SIZE  # of the caption; with the diameter it decides what fits

    @property
    def caption_colour(self) -> str:
        """The caption colour that reads on this fill (WCAG AA)."""
        return caption_colour(self.colour)


@dataclass
class AnnotationReader:
    """Reads the annotations of one schema file, collecting its problems."""

    file: str
    problems: list[Problem]
    # A property name is one term in RDF wherever it is declared: its first alignment and line.
    declared: dict[str, tuple[PropertyAlignment, int]] = field(default_factory=dict)

    def problem(self, line: int, *, code: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, code=code, message=message))

    def roles(self, spec: LocDict, where: str, known: dict[str, str]) -> tuple[str, ...]:
        value = spec.get("roles")
        if value is None:
            return ()
        if not isinstance(value, LocList) or not all(isinstance(r, str) for r in value):
            self.problem(
                spec.line_of("roles"),
                code="schema-shape",
                message=f"{where}: roles must be a list of names",
            )
            return ()
        for role, line in zip(value, value.item_lines, strict=True):
            if role not in known:
                self.problem(
                    line,
                    code="schema-unknown-role",
                    message=f"{where}: unknown role {role!r} (known: {', '.join(sorted(known))})",
                )
        return tuple(r for r in dict.fromkeys(value) if r in known)

    def style(self, spec: LocDict, where: str, properties: set[str]) -> LabelStyle:
        value = spec.get("style")
        if not isinstance(value, LocDict) or "colour" not in value:
            self.problem(
                spec.line_of("style"),
                code="schema-bad-value",
                message=f"{where}: style.colour (#RRGGBB) is required",
            )
            return LabelStyle("#000000")
        for key in value:
            if key not in STYLE_KEYS:
                self.problem(
                    value.line_of(key),
                    code="schema-unknown-key",
                    message=f"{where}: unknown style key {key!r}",
                )
        colour, diameter = value["colour"], value.get("diameter", 50)
        caption, emphasis = value.get("caption", DEFAULT_CAPTION), value.get("emphasis", False)
        font_size = value.get("font_size", DEFAULT_FONT_SIZE)
        if not isinstance(colour, str) or not COLOUR.fullmatch(colour):
            self.problem(
                value.line_of("colour"),
                code="schema-bad-value",
                message=f"{where}: colour {colour!r} is not #RRGGBB",
            )
            colour = "#000000"
        low, high = DIAMETERS
        if not _integer(diameter) or not low <= diameter <= high:
            self.problem(
                value.line_of("diameter"),
                code="schema-bad-value",
                message=f"{where}: diameter must be {low} to {high} (pixels)",
            )
            diameter = 50
        low, high = FONT_SIZES
        if not _integer(font_size) or not low <= font_size <= high:
            self.problem(
                value.line_of("font_size"),
                code="schema-bad-value",
                message=f"{where}: font_size must be {low} to {high} (pixels)",
            )
            font_size = DEFAULT_FONT_SIZE
        if not isinstance(caption, str) or caption not in properties:
            self.problem(
                value.line_of("caption"),
                code="schema-unknown-property",
                message=f"{where}: caption {caption!r} is not a property",
            )
        if not isinstance(emphasis, bool):
            self.problem(
                value.line_of("emphasis"),
                code="schema-bad-value",
                message=f"{where}: emphasis must be true or false",
            )
        return LabelStyle(colour, diameter, str(caption), emphasis is True, font_size)

    def alignment(self, spec: LocDict, where: str, keys: dict[str, str]) -> Alignment:
        value = spec.get("rdf")
        if value is None:
            return ()
        if not isinstance(value, LocDict):
            self.problem(
                spec.line_of("rdf"), code="schema-shape", message=f"{where}: rdf must be a mapping"
            )
            return ()
        pairs: list[tuple[str, str]] = []
        for key, terms in value.items():
            line = value.line_of(key)
            if key not in keys:
                self.problem(
                    line,
                    code="schema-unknown-key",
                    message=f"{where}: unknown rdf key {key!r} (known: {', '.join(sorted(keys))})",
                )
                continue
            for term in terms if isinstance(terms, list) else [terms]:
                if self._curie(term, line, where):
                    pairs.append((keys[key], term))
        return tuple(pairs)

    def property_alignment(self, spec: LocDict, where: str) -> PropertyAlignment:
        """A property's `rdf: {predicate: CURIE, lang: tag, also: [CURIE, ...]}`, all optional."""
        value, line = spec.get("rdf"), spec.line_of("rdf")
        if value is not None and not isinstance(value, LocDict):
            self.problem(line, code="schema-shape", message=f"{where}: rdf must be a mapping")
            return PropertyAlignment()
        value, before = value or LocDict(), len(self.problems)
        for key in value:
            if key not in PROPERTY_ALIGNMENT_KEYS:
                known = ", ".join(PROPERTY_ALIGNMENT_KEYS)
                self.problem(
                    value.line_of(key),
                    code="schema-unknown-key",
                    message=f"{where}: unknown rdf key {key!r} (known: {known})",
                )
        predicate, lang = value.get("predicate"), value.get("lang")
        also = value.get("also", [])
        also = also if isinstance(also, list) else [also]
        for curie in [predicate, *also] if predicate is not None else also:
            self._curie(curie, line, where)
        if lang is not None and not (isinstance(lang, str) and LANGUAGE_TAG.match(lang)):
            self.problem(
                value.line_of("lang"),
                code="schema-bad-value",
                message=f"{where}: lang {lang!r} is not a simple BCP 47 tag "
                "(such as zh, zh-Hans, en-GB)",
            )
        if len(self.problems) > before:
            return PropertyAlignment()
        iri = value.get("iri")
        if iri is not None and not (isinstance(iri, str) and IRI_NAMESPACE.match(iri)):
            self.problem(
                value.line_of("iri"),
                code="schema-bad-value",
                message=f"{where}: iri must be an http(s) namespace ending in / or #",
            )
        elif iri is not None and (lang is not None or spec.get("type") != "string"):
            self.problem(
                value.line_of("iri"),
                code="schema-bad-value",
                message=f"{where}: iri is for string identifiers, no lang",
            )
        spaced = self._spaced(value, spec, where)
        if len(self.problems) > before:
            return PropertyAlignment()
        aligned = PropertyAlignment(predicate, lang, tuple(also), iri, spaced)
        name = where.rpartition(".")[2]
        first = self.declared.setdefault(name, (aligned, line))
        if first[0] != aligned:
            self.problem(
                line,
                code="schema-rdf-conflict",
                message=f"{where}: rdf differs from that of {name} at line {first[1]} "
                "(one RDF term)",
            )
        return aligned

    def _spaced(
        self, value: LocDict, spec: LocDict, where: str
    ) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """`spaced: {CURIE: [2, 2, 2, 3, 3]}`: copies of a string written in digit groups."""
        entry, line = value.get("spaced"), value.line_of("spaced")
        if entry is None:
            return ()
        if not isinstance(entry, dict) or spec.get("type") != "string":
            self.problem(
                line,
                code="schema-bad-value",
                message=f"{where}: spaced is a mapping CURIE -> [group lengths] on a string",
            )
            return ()
        out: list[tuple[str, tuple[int, ...]]] = []
        for curie, groups in entry.items():
            fine = (
                isinstance(groups, list)
                and groups
                and all(
                    isinstance(n, int) and not isinstance(n, bool) and 0 < n < 20 for n in groups
                )
            )
            if not fine:
                self.problem(
                    line,
                    code="schema-bad-value",
                    message=f"{where}: spaced {curie!r}: a list of group lengths (1-19)",
                )
            elif self._curie(curie, line, where):
                out.append((curie, tuple(groups)))
        return tuple(out)

    def _curie(self, term: Any, line: int, where: str) -> bool:
        match = CURIE.match(term) if isinstance(term, str) else None
        if match is None:
            self.problem(
                line, code="schema-curie", message=f"{where}: {term!r} is not a CURIE (prefix:name)"
            )
            return False
        if match.group(1) not in VOCABULARIES:
            self.problem(
                line,
                code="schema-curie",
                message=f"{where}: unknown CURIE prefix {match.group(1)!r} in {term!r}",
            )
            return False
        return True

    def unique_roles(self, holders: dict[str, list[str]], line: int, section: str) -> None:
        """Each unique role of the section is held by exactly one label or type."""
        for role, names in holders.items():
            if role in OPTIONAL_ROLES and len(names) > 1:
                self.problem(
                    line,
                    code="schema-role-holders",
                    message=f"{section}: at most one may have the role {role!r}",
                )
            if role in UNIQUE_ROLES and len(names) != 1:
                self.problem(
                    line,
                    code="schema-role-holders",
                    message=f"{section}: exactly one must have the role {role!r}"
                    + (f" (found {', '.join(names)})" if names else ""),
                )


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def expand(curie: str) -> str:
    """schema:Place -> https://schema.org/Place (the CURIE was checked when the schema loaded)."""
    prefix, _, local = curie.partition(":")
    return VOCABULARIES[prefix] + local
