"""Reading an exported RDF file back into the in-memory model, checked against the schema.

The reverse of `rdf_export`: typed entities from their class and predicates, relations from
their `rdf:Statement` citations. Anything the schema does not know is an error naming the IRI,
so a foreign or damaged file is refused before anything reaches Neo4j.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rdflib import Dataset as RdfDataset
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, VOID
from rdflib.term import Node

from loader.model.dataset import Dataset, Entity, Location, Relation
from loader.model.errors import ConfigError, DataInvalid, Hint
from loader.model.identity_checks import unconfirmed_identifier, unique_names
from loader.model.problems import Problem
from loader.model.properties import PropertySpec
from loader.model.readers import read_bytes
from loader.model.schema import Schema
from loader.model.text_rules import NAME_PROPERTIES, dataset_name_problem, name_problem
from loader.rdf.export import FORMATS, format_of, rdf_format
from loader.rdf.vocab import DOCUMENT_LISTS, Names, Predicate, property_predicates


def guess_format(path: Path) -> str:
    fmt = format_of(path)
    if fmt is None:
        raise ConfigError(f"cannot tell the RDF format of {path.name}", hint=Hint.RDF_FORMAT)
    return fmt


class FetchRefused(Exception):
    """A file asked the parser to fetch something (a JSON-LD @context URL, a file: link)."""


_OFFLINE = threading.local()
_LIBRARIES = tuple(
    os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}
)


def _no_fetching(event: str, args: tuple[Any, ...]) -> None:
    """Audit hook: while an RDF file is parsed on this thread, urllib opens nothing, and no file
    but the input (and Python's own modules, imported lazily) is opened."""
    reading: str | None = getattr(_OFFLINE, "file", None)
    if reading is None:
        return
    if event == "urllib.Request":
        raise FetchRefused(f"refused to fetch {str(args[0])[:120]}: files are read offline")
    if event == "open" and isinstance(args[0], str | bytes):
        opened = os.path.realpath(os.fsdecode(args[0]))
        if opened != reading and not opened.startswith(_LIBRARIES):
            raise FetchRefused(f"refused to open {opened[:120]}: files are read offline")


_HOOKED: list[bool] = []  # an audit hook cannot be removed: it is added once, when first needed


ENV_MAX_MB = "KG_RDF_MAX_MB"
MAX_MB = 256  # an RDF file is read whole into memory (rdflib): larger ones are refused first
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_WIDE_STARTS = (b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff")


def parse_rdf(path: Path, fmt: str | None = None) -> RdfDataset:
    """Parse a file, offline and bounded: over the size limit, RDF/XML that is not UTF-8 or
    has a DOCTYPE, and JSON-LD naming any @context document are refused before rdflib reads a
    byte; a remote or `file:` fetch while parsing is an error, never a fetch."""
    fmt = rdf_format(fmt) if fmt else guess_format(path)
    if not path.is_file():  # rdflib would take a missing file for a URL to fetch
        raise ConfigError(f"no such file: {path}")
    _refuse_oversize(path)
    if fmt == "rdf-xml":
        _refuse_wide_xml(path)
        _refuse_doctype(path)
    if fmt == "json-ld":
        _refuse_context_documents(path)
    store = RdfDataset(default_union=True)
    if not _HOOKED:
        sys.addaudithook(_no_fetching)
        _HOOKED.append(True)
    _OFFLINE.file = os.path.realpath(path)
    try:
        store.parse(str(path.resolve()), format=FORMATS[fmt][0])
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path}") from None
    except FetchRefused as exc:
        raise DataInvalid(f"{path}: {exc}") from None
    except Exception as exc:  # rdflib raises many kinds for bad input; all mean the same here
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DataInvalid(f"{path}: not valid {fmt}: {detail}") from None
    finally:
        _OFFLINE.file = None
    return store


def max_bytes() -> int:
    """The size limit of an RDF file, `KG_RDF_MAX_MB` megabytes (256 unless set)."""
    raw = os.environ.get(ENV_MAX_MB, "").strip()
    if not raw:
        return MAX_MB << 20
    if not raw.isdigit() or not 0 < int(raw) <= 1 << 20:
        raise ConfigError(f"{ENV_MAX_MB} must be a whole number of megabytes, not {raw[:20]!r}")
    return int(raw) << 20


def _refuse_oversize(path: Path) -> None:
    size, limit = path.stat().st_size, max_bytes()
    if size > limit:
        raise DataInvalid(
            f"{path}: {size / (1 << 20):,.0f} MB, over the limit of {limit >> 20:,} MB for an RDF "
            f"file (read whole into memory); set {ENV_MAX_MB} to raise it"
        )


def _refuse_wide_xml(path: Path) -> None:
    """RDF/XML must be UTF-8 (or ASCII): in UTF-16 or UTF-32 a DOCTYPE is not the bytes the
    check below looks for, and nothing else is needed."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    declared = _XML_ENCODING.search(head)
    wide = head.startswith(_WIDE_STARTS) or b"\x00" in head[:4]
    other = declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii")
    if wide or other:
        raise DataInvalid(f"{path}: RDF/XML must be encoded in UTF-8; save it as UTF-8")


def _refuse_context_documents(path: Path) -> None:
    """A JSON-LD `@context` (or `@import`) naming a document, whatever its scheme, would be
    fetched or opened: only contexts written inline are read."""
    raw, problems = read_bytes(path, str(path), limit=max_bytes())
    if raw is None:
        raise DataInvalid(f"{path}: {problems[0].message}")
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise DataInvalid(f"{path}: not valid json-ld: {detail}") from None
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                named = [value] if not isinstance(value, list) else value
                if key in ("@context", "@import") and any(isinstance(v, str) for v in named):
                    shown = next(v for v in named if isinstance(v, str))[:120]
                    raise DataInvalid(
                        f"{path}: a JSON-LD {key} naming a document ({shown!r}) is not read; "
                        "files are read offline, with their context inline"
                    )
                stack.append(value)


def _refuse_doctype(path: Path) -> None:
    """RDF/XML needs no DTD; one can expand a few lines into gigabytes ("billion laughs") or
    name an external entity, so any DOCTYPE is refused before the XML parser sees the file."""
    tail = b""
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                if b"<!DOCTYPE" in tail + block:
                    raise DataInvalid(
                        f"{path}: DOCTYPE declarations are not accepted in RDF/XML "
                        "(entity expansion, external entities)"
                    )
                tail = block[-8:]
    except FileNotFoundError:
        raise ConfigError(f"no such file: {path}") from None


@dataclass(frozen=True)
class RdfImport:
    """What an RDF file gives an import: its dataset, and what other datasets of the file
    hold (entities per dataset, and the relations that touch them), left unread."""

    dataset: Dataset
    skipped: dict[str, int]
    skipped_relations: int


def rdf_to_dataset(store: RdfDataset, schema: Schema, names: Names, origin: str) -> Dataset:
    """The file's one dataset (see `read_import`)."""
    return read_import(store, schema, names, origin).dataset


def read_import(store: RdfDataset, schema: Schema, names: Names, origin: str) -> RdfImport:
    """The file's one dataset, checked whole. Its name is the dataset's `dcterms:identifier`
    (never its title), else the file's name; entities another dataset of the file holds as
    members, and relations touching them, are counted and not read."""
    skipped: dict[str, int] = {}
    skipped_relations = 0
    problems: list[Problem] = []
    at = Location(origin, 0)
    classes: dict[Node, str] = {names.cls(label): label for label in schema.labels}
    relations: dict[Node, str] = {names.relation(t): t for t in schema.relationships}
    meta = described_dataset(store, names, names.cls(schema.label_for("gazetteer")))
    identifiers = sorted(map(str, store.objects(meta, DCTERMS.identifier)))
    versions = sorted(map(str, store.objects(meta, OWL.versionInfo)))
    name = identifiers[0] if identifiers else Path(origin).stem
    dataset = Dataset(name, versions[0] if versions else "0")
    for what, values in (("identifier", identifiers), ("version", versions)):
        if len(values) > 1:
            several = f"<{meta}>: the dataset has {len(values)} values of its {what}"
            problems.append(Problem(origin, 0, code="multiple-values", message=several))
    if wrong_name := dataset_name_problem(name):
        bad = f"<{meta}>: dataset name {name[:80]!r}: {wrong_name}"
        problems.append(Problem(origin, 0, code="bad-name", message=bad))
    elsewhere = _members_elsewhere(store, names, meta)

    ontology = str(names.ontology)
    lexical = {names.cls(name) for name in schema.lexical.values()}  # mentions, not entities
    predicates = property_predicates(schema, names)
    reading = _Reading(
        store=store,
        schema=schema,
        names=names,
        predicates=predicates,
        problems=problems,
        origin=origin,
    )
    for subject, cls in sorted(store.subject_objects(RDF.type)):
        if cls not in classes and str(cls).startswith(ontology) and cls not in lexical:
            unknown = f"<{subject}>: unknown class <{cls}>"
            problems.append(Problem(origin, 0, code="unknown-label", message=unknown))
            continue
        if cls not in classes or not isinstance(subject, URIRef):
            continue
        if subject in elsewhere:
            skipped[elsewhere[subject]] = skipped.get(elsewhere[subject], 0) + 1
            continue
        label = classes[cls]
        entity_id = names.entity_id(str(subject))
        if entity_id is None:
            outside = f"<{subject}> is outside the base {names.base}"
            problems.append(Problem(origin, 0, code="outside-base", message=outside))
            continue
        props = _entity_props(reading, subject, label)
        bad_id = name_problem(entity_id)
        unconfirmed = props and unconfirmed_identifier(props, schema.node_properties(label))
        declared = props.get(schema.key) if props else None
        if bad_id:
            wrong = f"<{subject}>: id: {bad_id}"
            problems.append(Problem(origin, 0, code="bad-name", message=wrong))
        elif props is not None and declared != entity_id:  # the key is checked, the IRI follows
            wrong = (
                f"<{subject}>: its dcterms:identifier {str(declared)[:80]!r} is not the id its "
                f"IRI names, {entity_id[:80]!r}"
            )
            problems.append(Problem(origin, 0, code="bad-value", message=wrong))
        elif entity_id in dataset.entities:
            twice = f"<{subject}>: the id {entity_id!r} is given to two entities (two classes)"
            problems.append(Problem(origin, 0, code="duplicate-id", message=twice))
        elif unconfirmed:  # as `kg validate` refuses it
            wrong = f"<{subject}>: {unconfirmed.message}"
            problems.append(Problem(origin, 0, code=unconfirmed.code, message=wrong))
        elif props is not None:
            dataset.entities[entity_id] = Entity(entity_id, label, props, at)

    for statement in sorted(set(store.subjects(RDF.type, RDF.Statement)), key=str):
        ends = (store.value(statement, RDF.subject), store.value(statement, RDF.object))
        if any(end in elsewhere for end in ends):
            skipped_relations += 1
            continue
        relation = _relation(reading, statement, relations, dataset)
        if relation is not None:
            dataset.relations.append(relation)
    unique_names(dataset, schema.unnamed(), problems)  # as `kg validate` does
    if not dataset.entities and not problems:
        none = f"no entity of a class of the schema (<{ontology}…>)"
        problems.append(Problem(origin, 0, code="no-entities", message=none))
    if problems:
        raise DataInvalid("invalid RDF", problems)
    return RdfImport(dataset, skipped, skipped_relations)


@dataclass(frozen=True)
class _Reading:
    """One file being read: its triples, the schema and IRI policy it is read by, the
    predicate of each property, where the problems go and the file's name for them."""

    store: RdfDataset
    schema: Schema
    names: Names
    predicates: dict[str, Predicate]
    problems: list[Problem]
    origin: str


def described_dataset(store: RdfDataset, names: Names, gazetteer: URIRef) -> URIRef:
    """The dataset the file describes: `<base>dataset` in files exported before each dataset
    had its own IRI; else, of the datasets under `<base>dataset/` (a linkset is not one), the
    one with the most members that are not divisions (an export from Neo4j also holds the
    divisions' dataset, often the larger)."""
    legacy = URIRef(names.base + "dataset")
    if (legacy, None, None) in store:
        return legacy
    prefix = names.base + "dataset/"
    members: dict[URIRef, tuple[int, int]] = {}
    described = set(store.subjects(DCTERMS.identifier, None))
    for subject in described | set(store.subjects(PROV.hadMember, None)):
        if not isinstance(subject, URIRef) or not str(subject).startswith(prefix):
            continue
        if (subject, RDF.type, VOID.Linkset) not in store:
            held = list(store.objects(subject, PROV.hadMember))
            curated = sum(1 for m in held if (m, RDF.type, gazetteer) not in store)
            members[subject] = (curated, len(held))
    if not members:
        return legacy
    return max(sorted(members), key=lambda iri: members[iri])


def _members_elsewhere(store: RdfDataset, names: Names, meta: URIRef) -> dict[Node, str]:
    """Entities held as members by a dataset of the file other than `meta`, each with that
    dataset's identifier: an export from Neo4j also holds the divisions, which are not the
    imported dataset's to write (`kg divisions import` loads them)."""
    prefix = names.base + "dataset/"
    elsewhere: dict[Node, str] = {}
    for other in set(store.subjects(PROV.hadMember, None)):
        if other == meta or not str(other).startswith(prefix):
            continue
        named = str(store.value(other, DCTERMS.identifier) or str(other)[len(prefix) :])
        for member in store.objects(other, PROV.hadMember):
            if (meta, PROV.hadMember, member) not in store:
                elsewhere[member] = named
    return elsewhere


def _entity_props(reading: _Reading, subject: URIRef, label: str) -> dict[str, Any] | None:
    store, schema, names = reading.store, reading.schema, reading.names
    predicates, problems, origin = reading.predicates, reading.problems, reading.origin
    specs = schema.node_properties(label)
    by_predicate, copies = _predicate_index(specs, predicates)
    sources = predicates["sources"].iri if "sources" in specs else None
    raw: dict[str, list[Any]] = {}
    for predicate, value in store.predicate_objects(subject):
        # prov:wasMemberOf: what exports before prov:hadMember wrote (not a PROV-O term)
        if predicate in (RDF.type, PROV.wasMemberOf) or predicate in schema_relations(
            schema, names
        ):
            continue
        if predicate == sources:
            source = names.entity_id(str(value))
            raw.setdefault("sources", []).append(source)
            continue
        lang = value.language if isinstance(value, Literal) else None
        name = by_predicate.get((predicate, lang)) or by_predicate.get((predicate, None))
        if name is None:
            if (predicate, lang) in copies:
                continue  # a copy, such as the rdfs:label@zh of the name
            unknown = f"<{subject}>: unknown predicate <{predicate}> for {label}"
            problems.append(Problem(origin, 0, code="unknown-property", message=unknown))
            return None
        namespace = predicates[name].namespace
        if namespace is not None:  # an identifier: an IRI in its namespace
            if not (isinstance(value, URIRef) and str(value).startswith(namespace)):
                wrong = f"<{subject}>: {name} must be <{namespace}…>"
                problems.append(Problem(origin, 0, code="bad-value", message=wrong))
                return None
            raw.setdefault(name, []).append(unquote(str(value)[len(namespace) :]))
            continue
        raw.setdefault(name, []).append(str(value))
    return _checked(raw, specs, f"<{subject}>", problems, origin)


def _relation(
    reading: _Reading, statement: Any, relations: dict[Node, str], dataset: Dataset
) -> Relation | None:
    store, schema, names = reading.store, reading.schema, reading.names
    predicates, problems, origin = reading.predicates, reading.problems, reading.origin

    def one(predicate: URIRef) -> Any:
        return store.value(statement, predicate)

    start = names.entity_id(str(one(RDF.subject)))
    end = names.entity_id(str(one(RDF.object)))
    rel_type = relations.get(one(RDF.predicate))
    where = f"statement <{statement}>"
    if rel_type is None or start not in dataset.entities or end not in dataset.entities:
        code = "unknown-type" if rel_type is None else "dangling-endpoint"
        unknown = f"{where}: unknown relationship or endpoint"
        problems.append(Problem(origin, 0, code=code, message=unknown))
        return None
    if not schema.allows(dataset.label_of(start), rel_type, dataset.label_of(end)):
        pair = f"({dataset.label_of(start)})->({dataset.label_of(end)})"
        forbidden = f"{where}: {rel_type} does not allow {pair}"
        problems.append(Problem(origin, 0, code="pair-not-allowed", message=forbidden))
        return None
    specs = schema.relationship_properties(rel_type)
    by_predicate, copies = _predicate_index(specs, predicates)
    raw: dict[str, list[Any]] = {}
    for predicate, value in store.predicate_objects(statement):
        if predicate in (RDF.type, RDF.subject, RDF.predicate, RDF.object):
            continue
        if predicate == predicates["source"].iri:
            raw.setdefault("source", []).append(names.entity_id(str(value)))
            continue
        lang = value.language if isinstance(value, Literal) else None
        name = by_predicate.get((predicate, lang)) or by_predicate.get((predicate, None))
        if name is None and (predicate, lang) in copies:
            continue
        if name is None:
            unknown = f"{where}: unknown predicate <{predicate}>"
            problems.append(Problem(origin, 0, code="unknown-property", message=unknown))
            return None
        read = names.entity_id(str(value)) if name in DOCUMENT_LISTS else str(value)
        raw.setdefault(name, []).append(read)
    props = _checked(raw, specs, where, problems, origin)
    if props is None:
        return None
    return Relation(start, rel_type, end, props, Location(origin, 0))


def schema_relations(schema: Schema, names: Names) -> set[Node]:
    return {names.relation(t) for t in schema.relationships}


def _predicate_index(
    specs: dict[str, PropertySpec], predicates: dict[str, Predicate]
) -> tuple[dict[tuple[Node, str | None], str], set[tuple[Node, str | None]]]:
    """(predicate, language) -> the property it is read into; and the pairs that are copies."""
    index: dict[tuple[Node, str | None], str]
    index = {(predicates[name].iri, predicates[name].lang): name for name in specs}
    copies: set[tuple[Node, str | None]]
    copies = {(copy, predicates[name].lang) for name in specs for copy in predicates[name].copies}
    return index, copies


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
            several = f"{where}: {name} has {len(values)} values"
            problems.append(Problem(origin, 0, code="multiple-values", message=several))
            ok = False
            continue
        checked, error = spec.coerce(value)
        code = "bad-value"
        if not error and name in NAME_PROPERTIES:  # names follow the rules `kg validate` sets
            strings = checked if isinstance(checked, list) else [checked]
            error = next((p for p in map(name_problem, map(str, strings)) if p), None)
            code = "bad-name"
        if error:
            wrong = f"{where}: {name}: {error}"
            problems.append(Problem(origin, 0, code=code, message=wrong))
            ok = False
        else:
            out[name] = checked
    for spec in specs.values():
        if spec.required and spec.name not in out and spec.name not in raw:
            missing = f"{where}: missing {spec.name}"
            problems.append(Problem(origin, 0, code="missing-property", message=missing))
            ok = False
    return out if ok else None
