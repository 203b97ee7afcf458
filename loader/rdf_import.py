"""Reading an exported RDF file back into the in-memory model, checked against the schema.

The reverse of `rdf_export`: typed entities from their class and predicates, relations from
their `rdf:Statement` citations. Anything the schema does not know is an error naming the IRI,
so a foreign or damaged file is refused before anything reaches Neo4j.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Dataset as RdfDataset
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF
from rdflib.term import Node

from loader.dataset import Dataset, Entity, Location, Relation
from loader.errors import ConfigError, DataInvalid
from loader.ontology import COMMON_PREDICATES, SOURCES_PREDICATE
from loader.rdf_export import FORMATS
from loader.rdf_vocab import Names, camel
from loader.readers import Problem
from loader.schema import PropertySpec, Schema

EXTENSIONS = {ext: fmt for fmt, (_s, ext, _g) in FORMATS.items()} | {
    "json": "json-ld",
    "xml": "rdf-xml",
    "owl": "rdf-xml",
}


def guess_format(path: Path) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower().lstrip("."))
    if fmt is None:
        raise ConfigError(f"cannot tell the RDF format of {path.name}; give --format")
    return fmt


def parse_rdf(path: Path, fmt: str | None = None) -> RdfDataset:
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ConfigError(f"unknown RDF format {fmt!r}; use one of: {', '.join(FORMATS)}")
    store = RdfDataset(default_union=True)
    try:
        store.parse(str(path), format=FORMATS[fmt][0])
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path}") from None
    except Exception as exc:  # rdflib raises many kinds for bad input; all mean the same here
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DataInvalid(f"{path}: not valid {fmt}: {detail}") from None
    return store


def rdf_to_dataset(store: RdfDataset, schema: Schema, names: Names, origin: str) -> Dataset:
    problems: list[Problem] = []
    at = Location(origin, 0)
    classes: dict[Node, str] = {names.cls(label): label for label in schema.labels}
    relations: dict[Node, str] = {names.relation(t): t for t in schema.relationships}
    meta = names.dataset()
    title = store.value(meta, DCTERMS.title)
    version = store.value(meta, OWL.versionInfo)
    dataset = Dataset(str(title or Path(origin).stem), str(version or "0"))

    for subject, cls in sorted(store.subject_objects(RDF.type)):
        if cls not in classes or not isinstance(subject, URIRef):
            continue
        label = classes[cls]
        entity_id = names.entity_id(str(subject))
        if entity_id is None:
            problems.append(Problem(origin, 0, f"<{subject}> is outside the base {names.base}"))
            continue
        props = _entity_props(store, subject, label, schema, names, problems, origin)
        if props is not None:
            dataset.entities[entity_id] = Entity(entity_id, label, props, at)

    for statement in sorted(set(store.subjects(RDF.type, RDF.Statement)), key=str):
        relation = _relation(store, statement, relations, dataset, schema, names, problems, origin)
        if relation is not None:
            dataset.relations.append(relation)
    if problems:
        raise DataInvalid("invalid RDF", problems)
    return dataset


def _entity_props(
    store: RdfDataset,
    subject: URIRef,
    label: str,
    schema: Schema,
    names: Names,
    problems: list[Problem],
    origin: str,
) -> dict[str, Any] | None:
    specs = schema.node_properties(label)
    by_predicate = _predicate_index(specs, names)
    raw: dict[str, list[Any]] = {}
    for predicate, value in store.predicate_objects(subject):
        if predicate in (RDF.type, PROV.wasMemberOf) or predicate in schema_relations(
            schema, names
        ):
            continue
        if predicate == SOURCES_PREDICATE:
            source = names.entity_id(str(value))
            raw.setdefault("sources", []).append(source)
            continue
        lang = value.language if isinstance(value, Literal) else None
        name = by_predicate.get((predicate, lang)) or by_predicate.get((predicate, None))
        if name is None:
            if predicate == COMMON_PREDICATES["name_en"][0] and lang == "zh":
                continue  # the rdfs:label@zh copy of the name
            problems.append(
                Problem(origin, 0, f"<{subject}>: unknown predicate <{predicate}> for {label}")
            )
            return None
        raw.setdefault(name, []).append(str(value))
    return _checked(raw, specs, f"<{subject}>", problems, origin)


def _relation(
    store: RdfDataset,
    statement: Any,
    relations: dict[Node, str],
    dataset: Dataset,
    schema: Schema,
    names: Names,
    problems: list[Problem],
    origin: str,
) -> Relation | None:
    def one(predicate: URIRef) -> Any:
        return store.value(statement, predicate)

    start = names.entity_id(str(one(RDF.subject)))
    end = names.entity_id(str(one(RDF.object)))
    rel_type = relations.get(one(RDF.predicate))
    where = f"statement <{statement}>"
    if rel_type is None or start not in dataset.entities or end not in dataset.entities:
        problems.append(Problem(origin, 0, f"{where}: unknown relationship or endpoint"))
        return None
    if not schema.allows(dataset.label_of(start), rel_type, dataset.label_of(end)):
        problems.append(
            Problem(
                origin,
                0,
                f"{where}: {rel_type} does not allow "
                f"({dataset.label_of(start)})->({dataset.label_of(end)})",
            )
        )
        return None
    specs = schema.relationship_properties(rel_type)
    by_predicate = _predicate_index(specs, names)
    raw: dict[str, list[Any]] = {}
    for predicate, value in store.predicate_objects(statement):
        if predicate in (RDF.type, RDF.subject, RDF.predicate, RDF.object):
            continue
        if predicate == PROV.wasDerivedFrom:
            raw.setdefault("source", []).append(names.entity_id(str(value)))
            continue
        lang = value.language if isinstance(value, Literal) else None
        name = by_predicate.get((predicate, lang)) or by_predicate.get((predicate, None))
        if name is None:
            problems.append(Problem(origin, 0, f"{where}: unknown predicate <{predicate}>"))
            return None
        raw.setdefault(name, []).append(str(value))
    props = _checked(raw, specs, where, problems, origin)
    if props is None:
        return None
    return Relation(start, rel_type, end, props, Location(origin, 0))


def schema_relations(schema: Schema, names: Names) -> set[Node]:
    return {names.relation(t) for t in schema.relationships}


def _predicate_index(
    specs: dict[str, PropertySpec], names: Names
) -> dict[tuple[Node, str | None], str]:
    index: dict[tuple[Node, str | None], str] = {}
    for name in specs:
        if name in COMMON_PREDICATES:
            predicate, lang = COMMON_PREDICATES[name]
            index[(predicate, lang)] = name
        else:
            index[(names.ontology[camel(name)], "zh" if name == "sentence" else None)] = name
    return index


def _checked(
    raw: dict[str, list[Any]],
    specs: dict[str, PropertySpec],
    where: str,
    problems: list[Problem],
    origin: str,
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    ok = True
    for name, values in raw.items():
        spec = specs[name]
        value: Any = sorted(values) if spec.type == "list[string]" else values[0]
        if spec.type != "list[string]" and len(values) > 1:
            problems.append(Problem(origin, 0, f"{where}: {name} has {len(values)} values"))
            ok = False
            continue
        checked, error = spec.coerce(value)
        if error:
            problems.append(Problem(origin, 0, f"{where}: {name}: {error}"))
            ok = False
        else:
            out[name] = checked
    for spec in specs.values():
        if spec.required and spec.name not in out and spec.name not in raw:
            problems.append(Problem(origin, 0, f"{where}: missing {spec.name}"))
            ok = False
    return out if ok else None
