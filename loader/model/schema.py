"""The graph schema, read from `schema/schema.yaml`: the single source of truth.

A frozen model of labels, relationship types and typed properties, with each one's roles, style
and RDF alignment (a property's: its predicate and language). Loading it checks the file itself
(an undefined label in a pattern, an unknown property type or role, a bad colour or CURIE) and
names the line. Neo4j DDL, SHACL shapes, the ontology and the Browser stylesheet are all derived
from this model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader.model.errors import DataInvalid
from loader.model.problems import Problem
from loader.model.properties import PropertySpec
from loader.model.readers import LocDict, read_yaml
from loader.model.schema_annotations import (
    IDENTIFIER,
    LABEL_ALIGNMENTS,
    LABEL_ROLES,
    TYPE_ALIGNMENTS,
    TYPE_ROLES,
    Alignment,
    AnnotationReader,
    LabelStyle,
)
from loader.model.schema_patterns import label_pairs, names_list
from loader.model.schema_properties import citation_problems, read_properties


@dataclass(frozen=True)
class LabelSpec:
    name: str
    zh: str
    description: str
    properties: dict[str, PropertySpec]
    style: LabelStyle
    indexed: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    rdf: Alignment = ()
    heads: tuple[str, ...] = ()  # words a name of this label ends in (产业园): for proposals


@dataclass(frozen=True)
class RelTypeSpec:
    name: str
    zh: str
    description: str
    properties: dict[str, PropertySpec]
    pairs: frozenset[tuple[str, str]]
    roles: tuple[str, ...] = ()
    rdf: Alignment = ()
    timed: bool = False  # each relation says when it held (start, end, as_of) or that it cannot
    # words that state it in a sentence, start before end (连接) or end first (落户): proposals
    triggers: tuple[str, ...] = ()
    triggers_reversed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    name: str
    base_label: str
    key: str
    common: dict[str, PropertySpec]
    labels: dict[str, LabelSpec]
    relationships: dict[str, RelTypeSpec]
    provenance: dict[str, PropertySpec]
    path: Path
    lexical: dict[str, str] = field(default_factory=dict)

    def node_properties(self, label: str) -> dict[str, PropertySpec]:
        return {**self.common, **self.labels[label].properties}

    def relationship_properties(self, rel_type: str) -> dict[str, PropertySpec]:
        return {**self.provenance, **self.relationships[rel_type].properties}

    def declared_properties(self) -> Iterator[PropertySpec]:
        """Every property as declared: common, provenance, each label's, each type's."""
        yield from self.common.values()
        yield from self.provenance.values()
        for label in self.labels.values():
            yield from label.properties.values()
        for rel_type in self.relationships.values():
            yield from rel_type.properties.values()

    def allows(self, start: str, rel_type: str, end: str) -> bool:
        spec = self.relationships.get(rel_type)
        return spec is not None and (start, end) in spec.pairs

    def labels_with_role(self, role: str) -> tuple[str, ...]:
        return tuple(name for name, spec in self.labels.items() if role in spec.roles)

    def types_with_role(self, role: str) -> tuple[str, ...]:
        return tuple(name for name, spec in self.relationships.items() if role in spec.roles)

    def label_for(self, role: str) -> str:
        """The one label with a unique role (`document`, `gazetteer`): checked at load."""
        (label,) = self.labels_with_role(role)
        return label

    def type_for(self, role: str) -> str:
        """The one relationship type with a unique role (`containment`, `identity`)."""
        (rel_type,) = self.types_with_role(role)
        return rel_type

    def unnamed(self) -> tuple[str, ...]:
        """The labels whose names are not looked up in text or by name: documents, claims."""
        return (*self.labels_with_role("document"), *self.labels_with_role("claim"))

    def claims(self) -> tuple[str, str] | None:
        """The claim label and its type (entity -> claim), if the schema has them."""
        labels, types = self.labels_with_role("claim"), self.types_with_role("claim")
        return (labels[0], types[0]) if labels and types else None


def load_schema(path: Path) -> Schema:
    """Read and check the schema file; every problem in it is reported at once."""
    name = str(path)
    read = read_yaml(path, name)
    problems = list(read.problems)
    data = read.data
    if not problems and not isinstance(data, LocDict):
        not_mapping = "the schema must be a mapping"
        problems.append(Problem(name, 1, code="schema-shape", message=not_mapping))
    if problems:
        raise DataInvalid("invalid schema", problems)
    assert isinstance(data, LocDict)
    annotations = AnnotationReader(name, problems)

    def props(section: Any, where: str, line: int) -> dict[str, PropertySpec]:
        return read_properties(section, where, line, annotations)

    common = props(data.get("common_properties"), "common_properties", data.line)
    labels: dict[str, LabelSpec] = {}
    declared = _section(data, "labels", problems, name)
    declared_types = _section(data, "relationships", problems, name)
    if problems:  # without its labels and types, the rest cannot be checked
        raise DataInvalid("invalid schema", problems)
    for section in (declared, declared_types):
        for identifier in section:
            if not IDENTIFIER.fullmatch(str(identifier)):
                problems.append(
                    Problem(
                        name,
                        section.line_of(identifier),
                        code="schema-identifier",
                        message=f"{identifier!r} is not a plain identifier (A-Z, a-z, 0-9, _)",
                    )
                )
    for label, spec in declared.items():
        spec = _entry(declared, label, f"labels.{label}", problems, name)
        label_props = props(spec.get("properties"), f"labels.{label}", spec.line)
        indexed = names_list(spec.get("index"))
        if indexed is None:
            not_list = f"labels.{label}: index must be a list"
            problems.append(
                Problem(name, spec.line_of("index"), code="schema-shape", message=not_list)
            )
        for prop in indexed or ():
            if prop not in label_props:
                problems.append(
                    Problem(
                        name,
                        spec.line_of("index"),
                        code="schema-unknown-property",
                        message=f"labels.{label}: index on unknown property {prop!r}",
                    )
                )
        where = f"labels.{label}"
        labels[str(label)] = LabelSpec(
            str(label),
            str(spec.get("zh", label)),
            str(spec.get("description", "")),
            label_props,
            style=annotations.style(spec, where, {*common, *label_props}),
            indexed=indexed or (),
            roles=annotations.roles(spec, where, LABEL_ROLES),
            rdf=annotations.alignment(spec, where, LABEL_ALIGNMENTS),
            heads=_words(spec, "heads", where, problems, name),
        )
    relationships: dict[str, RelTypeSpec] = {}
    for rel, spec in declared_types.items():
        spec = _entry(declared_types, rel, f"relationships.{rel}", problems, name)
        pairs = label_pairs(rel, spec, set(labels), problems, name)
        where = f"relationships.{rel}"
        relationships[str(rel)] = RelTypeSpec(
            str(rel),
            str(spec.get("zh", rel)),
            str(spec.get("description", "")),
            props(spec.get("properties"), where, spec.line),
            pairs,
            roles=annotations.roles(spec, where, TYPE_ROLES),
            rdf=annotations.alignment(spec, where, TYPE_ALIGNMENTS),
            timed=spec.get("timed") is True,
            triggers=_words(spec, "triggers", where, problems, name),
            triggers_reversed=_words(spec, "triggers_reversed", where, problems, name),
        )
        if spec.get("timed", False) not in (True, False):
            not_flag = f"{where}: timed must be boolean"
            problems.append(
                Problem(name, spec.line_of("timed"), code="schema-bad-value", message=not_flag)
            )
    annotations.unique_roles(_holders(labels, LABEL_ROLES), data.line_of("labels"), "labels")
    annotations.unique_roles(
        _holders(relationships, TYPE_ROLES), data.line_of("relationships"), "relationships"
    )
    schema = Schema(
        name=str(data.get("name", "graph")),
        base_label=str(data.get("base_label", "Entity")),  # checked below
        key=str(data.get("key", "id")),
        common=common,
        labels=labels,
        relationships=relationships,
        provenance=props(data.get("provenance_properties"), "provenance_properties", data.line),
        path=path,
        lexical={str(k): str(v) for k, v in _section(data, "lexical", problems, name).items()},
    )
    elsewhere = {"common_properties": schema.common, "provenance_properties": schema.provenance}
    elsewhere |= {f"relationships.{r}": t.properties for r, t in relationships.items()}
    for where, message in citation_problems(
        {lab: spec.properties for lab, spec in labels.items() if "claim" not in spec.roles},
        elsewhere,
        _claimable(schema),
    ):
        problems.append(
            Problem(name, data.line, code="schema-citation", message=f"{where}: {message}")
        )
    for key, identifier in schema.lexical.items():
        if not IDENTIFIER.fullmatch(identifier) or identifier in labels:
            problems.append(
                Problem(
                    name,
                    _section(data, "lexical", [], name).line_of(key),
                    code="schema-identifier",
                    message=f"lexical.{key} must be a new plain identifier",
                )
            )
    if not IDENTIFIER.fullmatch(schema.base_label) or schema.base_label in labels:
        problems.append(
            Problem(
                name,
                data.line_of("base_label"),
                code="schema-identifier",
                message="base_label must be a plain identifier that is not also a label",
            )
        )
    if schema.key not in schema.common or not schema.common[schema.key].required:
        problems.append(
            Problem(
                name,
                data.line_of("key"),
                code="schema-bad-value",
                message=f"key {schema.key!r} must be a required common property",
            )
        )
    if problems:
        raise DataInvalid("invalid schema", problems)
    return schema


def _claimable(schema: Schema) -> frozenset[str] | None:
    """The labels the claim type may leave (None: the schema has no claims)."""
    kinds = schema.claims()
    if kinds is None:
        return None
    return frozenset(a for a, b in schema.relationships[kinds[1]].pairs if b == kinds[0])


def _holders(
    specs: dict[str, LabelSpec] | dict[str, RelTypeSpec], known: dict[str, str]
) -> dict[str, list[str]]:
    return {role: [name for name, spec in specs.items() if role in spec.roles] for role in known}


def _words(
    spec: LocDict, key: str, where: str, problems: list[Problem], name: str
) -> tuple[str, ...]:
    """An optional list of words (a label's name heads, a type's trigger words)."""
    words = names_list(spec.get(key))
    if words is None:
        not_list = f"{where}: {key} must be a list of words"
        problems.append(Problem(name, spec.line_of(key), code="schema-shape", message=not_list))
    return words or ()


def _section(data: LocDict, key: str, problems: list[Problem], name: str) -> LocDict:
    value = data.get(key)
    if value is not None and not isinstance(value, LocDict):
        not_mapping = f"{key} must be a mapping"
        problems.append(Problem(name, data.line_of(key), code="schema-shape", message=not_mapping))
    return value if isinstance(value, LocDict) else LocDict()


def _entry(section: LocDict, key: Any, where: str, problems: list[Problem], name: str) -> LocDict:
    value = section[key]
    if isinstance(value, LocDict):
        return value
    not_mapping = f"{where} must be a mapping"
    problems.append(Problem(name, section.line_of(key), code="schema-shape", message=not_mapping))
    empty = LocDict()
    empty.line = section.line_of(key)
    return empty
