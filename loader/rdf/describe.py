"""Each dataset of an export describes itself in VoID and DCAT, and a catalog its files.

A dataset is `<base>dataset/<name>`: a `void:Dataset`, `dcat:Dataset` and `prov:Collection`
with what its `About` declares (title, description, licence, rights, creator, publisher, dates,
version) and what the export counted (`void:triples`, `void:entities`: the triples of its
entities, relations and their statements, without the ontology, the descriptions or the lexical
graph). A linkset (the SAME_AS links to the divisions) is a `void:Linkset` naming both ends.

A file cannot hold its own size and SHA-256, so the distributions are described beside the
export: `kg export rdf --catalog FILE` writes (or updates) a DCAT catalog in Turtle with one
`dcat:Distribution` per exported file (media type, byte size, SHA-256 as an `spdx:Checksum`).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, VOID, XSD

from loader.model.about import About, Agent
from loader.model.errors import ConfigError
from loader.model.readers import read_bytes
from loader.rdf.ontology import bind_prefixes
from loader.rdf.stream import Quad
from loader.rdf.vocab import Names

SPDX = "http://spdx.org/rdf/terms#"
MEDIA_TYPES = {  # --format -> IANA media type
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "n-triples": "application/n-triples",
    "rdf-xml": "application/rdf+xml",
    "trig": "application/trig",
    "n-quads": "application/n-quads",
}
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's closed DCAT namespace is DCAT 2
MAX_CATALOG = 16 << 20  # a catalog lists files; a bigger one is not ours


@dataclass
class Tally:
    """Triples and entities per dataset, counted as the export writes them."""

    triples: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Distribution:
    """One exported file, as the catalog lists it: `key` is its path from the catalog's
    folder (`graph.ttl`, `out/graph.ttl`), or its absolute path when it lies outside, so two
    files of one name in two folders are two entries."""

    key: str
    fmt: str
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, fmt: str, catalog: Path) -> Distribution:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        where = os.path.relpath(path.resolve(), catalog.resolve().parent)
        key = where if not where.startswith("..") else str(path.resolve()).lstrip("/")
        return cls(key, fmt, size, digest.hexdigest())


def description_quads(abouts: Iterable[About], tally: Tally, names: Names) -> Iterator[Quad]:
    """The VoID/DCAT description of each dataset in `abouts`, in the default graph; an agent
    named by several (creator and publisher) is described once."""
    agents: dict[URIRef, Agent] = {}
    for about in abouts:
        for s, p, o in _description(about, tally, names):
            yield s, p, o, None
        for agent in (about.creator, about.publisher):
            if agent is not None:
                agents.setdefault(_agent_iri(names, agent), agent)
    for agent in agents.values():
        for s, p, o in _agent(names, agent):
            yield s, p, o, None


def _description(about: About, tally: Tally, names: Names) -> Iterator[tuple[URIRef, URIRef, Any]]:
    iri = names.dataset(about.name)
    kinds = (VOID.Linkset,) if about.links else (VOID.Dataset, DCAT.Dataset, PROV.Collection)
    for kind in kinds:
        yield iri, RDF.type, kind
    if about.links:
        yield iri, RDF.type, DCAT.Dataset
    yield iri, DCTERMS.identifier, Literal(about.name)
    yield iri, DCTERMS.title, Literal(about.title or about.name)
    if about.title_en:
        yield iri, DCTERMS.title, Literal(about.title_en, lang="en")
    if about.description:
        yield iri, DCTERMS.description, Literal(about.description)
    if about.rights:
        yield iri, DCTERMS.rights, Literal(about.rights)
    for predicate, link in (
        (DCTERMS.license, about.license),
        (DCTERMS.source, about.source),
        (DCAT.landingPage, about.homepage),
    ):
        if link:
            yield iri, predicate, URIRef(link)
    for predicate, day in ((DCTERMS.issued, about.issued), (DCTERMS.modified, about.modified)):
        if day:
            yield iri, predicate, Literal(day, datatype=XSD.date)
    agents = ((DCTERMS.creator, about.creator), (DCTERMS.publisher, about.publisher))
    for predicate, agent in agents:
        if agent is not None:
            yield iri, predicate, _agent_iri(names, agent)
    yield iri, OWL.versionInfo, Literal(about.version)
    yield iri, DCAT_VERSION, Literal(about.version)
    count = Literal(str(tally.triples[about.name]), datatype=XSD.integer)
    yield iri, VOID.triples, count
    if not about.links:
        entities = Literal(str(tally.entities[about.name]), datatype=XSD.integer)
        yield iri, VOID.entities, entities
    else:
        start, rel_type, end = about.links
        yield iri, VOID.subjectsTarget, names.dataset(start)
        yield iri, VOID.linkPredicate, names.relation(rel_type)
        yield iri, VOID.objectsTarget, names.dataset(end)


def _agent_iri(names: Names, agent: Agent) -> URIRef:
    return URIRef(names.base + "agent/" + agent.id)


def _agent(names: Names, agent: Agent) -> Iterator[tuple[URIRef, URIRef, Any]]:
    iri = _agent_iri(names, agent)
    yield iri, RDF.type, FOAF.Agent
    yield iri, FOAF.name, Literal(agent.name)
    if agent.url:
        yield iri, FOAF.homepage, URIRef(agent.url)


def catalog_graph(
    old: Graph | None,
    abouts: list[About],
    tally: Tally,
    names: Names,
    distribution: Distribution,
) -> Graph:
    """The catalog `old` with the datasets of this export described anew and `distribution`
    listed (replacing an earlier listing of the same file name); other files stay listed."""
    catalog = URIRef(names.base + "catalog")
    dist = URIRef(names.base + "distribution/" + quote(distribution.key, safe="-._~/"))
    checksum = URIRef(str(dist) + "/sha256")
    described = {names.dataset(about.name) for about in abouts}
    agents = {
        _agent_iri(names, agent)
        for about in abouts
        for agent in (about.creator, about.publisher)
        if agent is not None
    }
    graph = Graph()
    bind_prefixes(graph, names)
    if old is not None:
        for s, p, o in old:
            if s in (dist, checksum) or o == dist or s in agents:
                continue
            if s in described and p != DCAT.distribution:
                continue
            graph.add((s, p, o))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    for s, p, o, _g in description_quads(abouts, tally, names):
        graph.add((s, p, o))
    for iri in sorted(described):
        graph.add((catalog, DCAT.dataset, iri))
        graph.add((iri, DCAT.distribution, dist))
    media = "https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[distribution.fmt]
    graph.add((dist, RDF.type, DCAT.Distribution))
    graph.add((dist, DCTERMS.title, Literal(distribution.key)))
    graph.add((dist, DCAT.mediaType, URIRef(media)))
    size = Literal(str(distribution.size), datatype=XSD.nonNegativeInteger)
    graph.add((dist, DCAT.byteSize, size))
    graph.add((dist, URIRef(SPDX + "checksum"), checksum))
    graph.add((checksum, RDF.type, URIRef(SPDX + "Checksum")))
    graph.add((checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")))
    value = Literal(distribution.sha256, datatype=XSD.hexBinary)
    graph.add((checksum, URIRef(SPDX + "checksumValue"), value))
    return graph


def read_catalog(path: Path) -> Graph | None:
    """The catalog already at `path` (None if there is none); one that is not a Turtle file of
    reasonable size is refused rather than overwritten."""
    if not os.path.lexists(path):
        return None
    raw, problems = read_bytes(path, str(path), limit=MAX_CATALOG)  # regular files only
    if raw is None:
        raise ConfigError(
            f"the catalog {problems[0].message.removeprefix('refused: ')}; name another file"
        )
    graph = Graph()
    try:
        graph.parse(data=raw.decode("utf-8"), format="turtle")
    except Exception as exc:  # rdflib raises many kinds for a broken file
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"the catalog {path.name} is not a Turtle catalog ({first}); name another file"
        ) from None
    if len(graph) and not any(graph.triples((None, RDF.type, DCAT.Catalog))):
        raise ConfigError(f"{path.name} holds no dcat:Catalog; name another file")
    return graph
