"""RDF: every format parses back (rdflib and pyoxigraph), a golden export by isomorphism, SHACL,
the IRI policy, streaming, and a load -> export -> wipe -> import round trip on the real server."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset as RdfDataset
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, VOID, XSD
from rdflib.term import Node
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.errors import ConfigError, DataInvalid
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.graph import Graph as Neo4jGraph
from loader.rdf.export import FORMATS, Quad, dataset_quads, write_export
from loader.rdf.importer import parse_rdf, rdf_to_dataset
from loader.rdf.ontology import json_ld_context, ontology_triples
from loader.rdf.shacl import validate_graph
from loader.rdf.vocab import Names, in_groups
from tests.graph_state import graph_state
from tests.project import SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "export.trig"
OXI = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "json-ld": pyoxigraph.RdfFormat.JSON_LD,
    "n-triples": pyoxigraph.RdfFormat.N_TRIPLES,
    "rdf-xml": pyoxigraph.RdfFormat.RDF_XML,
    "trig": pyoxigraph.RdfFormat.TRIG,
    "n-quads": pyoxigraph.RdfFormat.N_QUADS,
}


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    schema, names = load_schema(SCHEMA_FILE), Names()
    dataset = load_dataset(ROOT / "data", schema)
    out: dict[str, bytes] = {}
    for fmt in FORMATS:
        buffer = io.BytesIO()
        write_export(
            dataset_quads(dataset, schema, names),
            fmt,
            buffer,
            names,
            json_ld_context(schema, names),
        )
        out[fmt] = buffer.getvalue()
    return out


def _reference() -> set[tuple[str, str, str]]:
    schema, names = load_schema(SCHEMA_FILE), Names()
    return {
        (s.n3(), p.n3(), o.n3())
        for s, p, o, _g in dataset_quads(load_dataset(ROOT / "data", schema), schema, names)
    }


def _oxi_term(term: object) -> str:
    if isinstance(term, pyoxigraph.Literal):
        datatype = str(term.datatype.value)
        if term.language:
            return Literal(term.value, lang=term.language).n3()
        if datatype == str(XSD.string):
            return Literal(term.value).n3()
        return Literal(term.value, datatype=URIRef(datatype)).n3()
    assert isinstance(term, pyoxigraph.NamedNode)
    return f"<{term.value}>"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_parses_back_to_the_same_triples(exported: dict[str, bytes], fmt: str) -> None:
    reference = _reference()
    store = RdfDataset(default_union=True)
    store.parse(data=exported[fmt], format=FORMATS[fmt][0])
    by_rdflib = {(s.n3(), p.n3(), o.n3()) for s, p, o, _g in store.quads((None, None, None, None))}
    assert by_rdflib == reference
    by_oxigraph = {
        (_oxi_term(q.subject), _oxi_term(q.predicate), _oxi_term(q.object))
        for q in pyoxigraph.parse(exported[fmt], format=OXI[fmt])
    }
    assert by_oxigraph == reference


@pytest.mark.parametrize("fmt", [f for f, (_s, _e, graphs) in FORMATS.items() if graphs])
def test_every_reader_sees_the_same_default_and_named_graphs(
    exported: dict[str, bytes], fmt: str
) -> None:
    """JSON-LD, TriG and N-Quads give rdflib and Oxigraph (whose JSON-LD reading is Jena's,
    by the spec) the same quads: the default graph is the default graph in both, not a named
    graph with a blank-node name."""
    schema, names = load_schema(SCHEMA_FILE), Names()
    reference = {
        (s.n3(), p.n3(), o.n3(), g.n3() if g is not None else None)
        for s, p, o, g in dataset_quads(load_dataset(ROOT / "data", schema), schema, names)
    }
    store = RdfDataset()
    store.parse(data=exported[fmt], format=FORMATS[fmt][0])
    default = store.default_graph.identifier
    by_rdflib = {
        (s.n3(), p.n3(), o.n3(), None if g == default else URIRef(str(g)).n3())
        for s, p, o, g in store.quads((None, None, None, None))
    }
    by_oxigraph = {
        (
            _oxi_term(q.subject),
            _oxi_term(q.predicate),
            _oxi_term(q.object),
            None if isinstance(q.graph_name, pyoxigraph.DefaultGraph) else _oxi_term(q.graph_name),
        )
        for q in pyoxigraph.parse(exported[fmt], format=OXI[fmt])
    }
    assert any(q[3] is None for q in reference) and any(q[3] for q in reference)
    assert by_rdflib == reference
    assert by_oxigraph == reference


def test_named_graph_per_source_document(exported: dict[str, bytes]) -> None:
    store = RdfDataset()
    store.parse(data=exported["trig"], format="trig")
    names = Names()
    graphs = {str(g.identifier) for g in store.graphs() if len(g)}
    sources = {
        r.properties["source"]
        for r in load_dataset(ROOT / "data", load_schema(SCHEMA_FILE)).relations
    }
    assert {names.graph(s) for s in sources} <= {URIRef(g) for g in graphs}
    yexin = store.graph(names.graph("jinshan-layout-2020-12"))
    section = names.entity("yexin-road-new-section")
    assert (section, names.relation("RELIEVES"), names.entity("g320")) in yexin


def test_golden_export_is_isomorphic(exported: dict[str, bytes]) -> None:
    """The TriG written here is the golden (`make regen` writes it), graph for graph."""
    expected, actual = RdfDataset(), RdfDataset()
    expected.parse(GOLDEN, format="trig")
    actual.parse(data=exported["trig"], format="trig")
    assert {str(g.identifier) for g in expected.graphs() if len(g)} == {
        str(g.identifier) for g in actual.graphs() if len(g)
    }
    for graph in actual.graphs():
        assert isomorphic(graph, expected.graph(graph.identifier)), graph.identifier


def test_labels_aliases_and_typed_literals(exported: dict[str, bytes]) -> None:
    g = Graph().parse(data=exported["turtle"], format="turtle")
    names = Names()
    jinshan = names.entity("jinshan")
    labels = {
        (str(o), getattr(o, "language", None))
        for o in g.objects(jinshan, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    }
    assert ("金山区", "zh") in labels and ("Jinshan District", "en") in labels
    alt = set(g.objects(jinshan, URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
    assert Literal("金山", lang="zh") in alt
    length = g.value(names.entity("yexin-road-new-section"), names.prop("length_km"))
    assert length == Literal("2.24", datatype=XSD.decimal)
    date = g.value(names.entity("opening-2020-12-28-yexin-road"), names.prop("date"))
    assert date == Literal("2020-12-28", datatype=XSD.date)
    for subject in g.subjects():
        assert str(subject).isascii(), subject


def test_nbs_codes_also_carry_wikidatas_spaced_form(tmp_path: Path) -> None:
    """wdt:P442 holds NBS codes in groups (Yangpu District is "31 01 10" there), so a SPARQL
    user can join the export's divisions with Wikidata's; the copy does not come back as a
    second code from an import."""
    schema, names = load_schema(SCHEMA_FILE), Names()
    dataset = load_dataset(ROOT / "data", schema)
    buffer = io.BytesIO()
    write_export(dataset_quads(dataset, schema, names), "n-triples", buffer, names)
    graph = Graph().parse(data=buffer.getvalue(), format="nt")
    p442 = URIRef("http://www.wikidata.org/prop/direct/P442")
    assert graph.value(names.entity("jinshan"), p442) == Literal("31 01 16")
    codes = {str(s): str(o) for s, o in graph.subject_objects(names.prop("code"))}
    spaced = {str(s): str(o) for s, o in graph.subject_objects(p442)}
    assert codes and spaced.keys() == codes.keys()
    assert all(text.replace(" ", "") == codes[iri] for iri, text in spaced.items())
    path = tmp_path / "export.nt"
    path.write_bytes(buffer.getvalue())
    back = rdf_to_dataset(parse_rdf(path), schema, names, str(path))
    assert back.entities["jinshan"].properties["code"] == "310116"


@pytest.mark.parametrize(
    ("code", "spaced"),
    [
        ("31", "31"),
        ("3101", "31 01"),
        ("310116105", "31 01 16 105"),
        ("310116105001", "31 01 16 105 001"),
        ("31011", None),
        ("3101161050011", None),
    ],
)
def test_digit_groups(code: str, spaced: str | None) -> None:
    assert in_groups(code, (2, 2, 2, 3, 3)) == spaced


def test_every_relation_keeps_its_citation(exported: dict[str, bytes]) -> None:
    g = Graph().parse(data=exported["turtle"], format="turtle")
    names = Names()
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert len(statements) == len(load_dataset(ROOT / "data", load_schema(SCHEMA_FILE)).relations)
    statement = names.statement("fengjing", "CONNECTS_TO", "yaozhuang")
    assert g.value(statement, names.prop("minutes")) == Literal("3", datatype=XSD.integer)
    assert str(g.value(statement, names.prop("sentence"))).startswith("叶新公路的完工通车")
    assert g.value(statement, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == (
        names.entity("jinshan-layout-2020-12")
    )


def test_export_conforms_to_the_shapes(exported: dict[str, bytes]) -> None:
    g = Graph().parse(data=exported["turtle"], format="turtle")
    report = validate_graph(g, load_schema(SCHEMA_FILE), Names())
    assert report.conforms, report.violations[:5]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('skos:prefLabel "金山区"@zh ;', "", "kg:jinshan: County.name: required"),
        (
            "kg:yexin-road-new-section a kgo:Road",
            "kg:yexin-road-new-section a kgo:Person",
            "RELIEVES is not allowed from a Person",
        ),
        ("kgo:confidence 0.9 ;", "kgo:confidence 1.9 ;", "relation.confidence"),
        (
            'kgo:date "2020-12-28"^^xsd:date',
            'kgo:date "2020-12-32"^^xsd:date',
            "Event.date: required, date",
        ),
        ("kgo:lengthKm 2.24", 'kgo:lengthKm "long"', "Road.length_km: decimal"),
    ],
)
def test_broken_graphs_do_not_conform(
    exported: dict[str, bytes], old: str, new: str, message: str
) -> None:
    text = exported["turtle"].decode("utf-8")
    assert old in text
    g = Graph().parse(data=text.replace(old, new, 1), format="turtle")
    report = validate_graph(g, load_schema(SCHEMA_FILE), Names())
    assert not report.conforms
    assert any(message in line for line in report.violations), report.violations[:5]


def test_validate_rdf_cli(exported: dict[str, bytes], tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_bytes(exported["turtle"])
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--rdf", str(good)])
    assert ok.exit_code == 0 and "conforms" in ok.stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        exported["turtle"].decode().replace("kgo:confidence 0.9 ;", "kgo:confidence 1.9 ;")
    )
    broken = runner.invoke(app, ["validate", "--rdf", str(bad), "--format", "json"])
    assert broken.exit_code == 2
    assert json.loads(broken.stdout)["conforms"] is False
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle <<<")
    failed = runner.invoke(app, ["validate", "--rdf", str(garbage)])
    assert failed.exit_code == 2 and "not valid turtle" in failed.stderr


def test_export_cli_writes_files_and_stdout(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "graph.nq"
    result = runner.invoke(app, ["export", "rdf", "--format", "n-quads", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").count("\n") > 3000
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]  # no temporary file left
    to_stdout = runner.invoke(app, ["export", "rdf", "--format", "turtle", "--no-ontology"])
    assert to_stdout.exit_code == 0
    assert Graph().parse(data=to_stdout.stdout, format="turtle")
    bad = runner.invoke(app, ["export", "rdf", "--format", "yaml"])
    assert bad.exit_code == 1 and "unknown RDF format 'yaml'" in bad.stderr


def test_the_dataset_describes_itself(exported: dict[str, bytes]) -> None:
    """VoID and DCAT from data/dataset.yaml, and counts that are what the export holds: the
    triples of entities, relations and statements (not the ontology or the description)."""
    graph = Graph().parse(data=exported["turtle"], format="turtle")
    names, schema = Names(), load_schema(SCHEMA_FILE)
    meta = names.dataset("jinshan-layout")
    for kind in (VOID.Dataset, DCAT.Dataset, PROV.Collection):
        assert (meta, RDF.type, kind) in graph
    assert graph.value(meta, DCTERMS.identifier) == Literal("jinshan-layout")
    assert graph.value(meta, DCTERMS.license) == URIRef("https://spdx.org/licenses/MIT.html")
    assert graph.value(meta, DCTERMS.issued) == Literal("2026-11-29", datatype=XSD.date)
    assert graph.value(meta, DCTERMS.modified).datatype == XSD.date  # type: ignore[union-attr]
    assert graph.value(meta, OWL.versionInfo) == Literal("2020-12.1")
    creator = graph.value(meta, DCTERMS.creator)
    assert graph.value(creator, FOAF.name) == Literal("jinshan-kg contributors")
    assert (creator, RDF.type, FOAF.Agent) in graph
    assert {t.language for t in graph.objects(meta, DCTERMS.title) if isinstance(t, Literal)} == {
        None,
        "en",
    }
    ontology = {(s, p, o) for s, p, o in ontology_triples(schema, names)}
    agents = set(graph.subjects(RDF.type, FOAF.Agent))
    described = {t for t in graph if t[0] in agents or (t[0] == meta and t[1] != PROV.hadMember)}
    data = set(graph) - ontology - described
    assert _number(graph, meta, VOID.triples) == len(data)
    entities = load_dataset(ROOT / "data", schema).entities
    assert _number(graph, meta, VOID.entities) == len(entities)
    assert set(graph.objects(meta, PROV.hadMember)) == {names.entity(e) for e in entities}


def test_a_catalog_lists_each_exported_file(tmp_path: Path) -> None:
    """--catalog: one dcat:Distribution per file (media type, size, SHA-256); exporting a file
    again replaces its listing; a file that is not a catalog is refused and left alone."""
    runner = CliRunner()
    catalog = tmp_path / "catalog.ttl"
    (tmp_path / "sub").mkdir()
    files = {
        "turtle": tmp_path / "graph.ttl",
        "n-triples": tmp_path / "graph.nt",
        "same name elsewhere": tmp_path / "sub" / "graph.ttl",
    }
    for path in files.values():
        done = runner.invoke(app, ["export", "rdf", "-o", str(path), "--catalog", str(catalog)])
        assert done.exit_code == 0, done.output
    again = ["export", "rdf", "--no-ontology", "-o", str(files["turtle"]), "--catalog"]
    assert runner.invoke(app, [*again, str(catalog)]).exit_code == 0
    listed = Graph().parse(catalog, format="turtle")
    meta = Names().dataset("jinshan-layout")
    distributions = set(listed.objects(meta, DCAT.distribution))
    titles = {str(listed.value(d, DCTERMS.title)) for d in distributions}
    assert titles == {"graph.ttl", "graph.nt", "sub/graph.ttl"}  # one entry per file
    agents = list(listed.subjects(RDF.type, FOAF.Agent))
    assert len(agents) == 1 and len(list(listed.objects(agents[0], FOAF.name))) == 1
    spdx = "http://spdx.org/rdf/terms#"
    for dist in distributions:
        path = tmp_path / str(listed.value(dist, DCTERMS.title))
        blob = path.read_bytes()
        assert _number(listed, dist, DCAT.byteSize) == len(blob)
        checksum = listed.value(dist, URIRef(spdx + "checksum"))
        value = str(listed.value(checksum, URIRef(spdx + "checksumValue")))
        assert value == hashlib.sha256(blob).hexdigest()
        kind = "text/turtle" if path.suffix == ".ttl" else "application/n-triples"
        media = URIRef("https://www.iana.org/assignments/media-types/" + kind)
        assert listed.value(dist, DCAT.mediaType) == media
    assert len(list(listed.subjects(RDF.type, DCAT.Catalog))) == 1
    assert _number(listed, meta, VOID.triples) > 0
    broken = tmp_path / "notes.ttl"
    broken.write_text("this is not turtle", "utf-8")
    before = files["turtle"].read_bytes()
    refused = runner.invoke(
        app, ["export", "rdf", "-o", str(files["turtle"]), "--catalog", str(broken)]
    )
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert "is not a Turtle catalog" in refused.stderr
    assert broken.read_text("utf-8") == "this is not turtle"
    assert files["turtle"].read_bytes() == before  # refused before the export is written
    no_file = runner.invoke(app, ["export", "rdf", "--catalog", str(catalog)])
    assert no_file.exit_code == 2 and "give it with -o" in no_file.stderr


def test_iri_base_is_configurable() -> None:
    names = Names.configured("https://data.example.cn/kg/")
    assert names.entity("jinshan") == URIRef("https://data.example.cn/kg/id/jinshan")
    assert names.relation("LOCATED_IN") == URIRef("https://data.example.cn/kg/ontology#locatedIn")
    with pytest.raises(ConfigError, match="must be an http"):
        Names.configured("金山")


def test_n_triples_export_streams() -> None:
    def many() -> Iterator[Quad]:
        subject = URIRef("https://example.org/s")
        for i in range(200_000):
            yield subject, URIRef(f"https://example.org/p{i}"), Literal(i), None

    class Sink(io.RawIOBase):
        size = 0

        def write(self, data: object) -> int:
            self.size += len(data)  # type: ignore[arg-type]
            return len(data)  # type: ignore[arg-type]

    sink = Sink()
    tracemalloc.start()
    count = write_export(many(), "n-triples", sink, Names())  # type: ignore[arg-type]
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 200_000 and sink.size > 10_000_000
    assert peak < 5_000_000  # bytes: nothing of the graph is kept


@pytest.mark.neo4j
def test_load_export_wipe_import_round_trip(
    runner: CliRunner, neo4j_env: Neo4jGraph, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["load", "--format", "json"]).exit_code == 0
    before = graph_state(neo4j_env)
    exported = tmp_path / "graph.trig"
    result = runner.invoke(
        app,
        [
            "export",
            "rdf",
            "--from",
            "neo4j",
            "--format",
            "trig",
            "-o",
            str(exported),
        ],
    )
    assert result.exit_code == 0, result.output
    from_data = RdfDataset()
    from_data.parse(
        data=io.BytesIO(
            runner.invoke(app, ["export", "rdf", "--format", "trig"]).stdout_bytes
        ).getvalue(),
        format="trig",
    )
    from_neo4j = RdfDataset()
    from_neo4j.parse(exported, format="trig")
    for graph in from_data.graphs():
        assert isomorphic(graph, from_neo4j.graph(graph.identifier)), graph.identifier
    imported = runner.invoke(
        app, ["import", "rdf", str(exported), "--wipe", "--yes", "--format", "json"]
    )
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["wiped"] is True
    assert graph_state(neo4j_env) == before


@pytest.mark.neo4j
def test_import_refuses_a_foreign_file(
    runner: CliRunner, neo4j_env: Neo4jGraph, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign.ttl"
    foreign.write_text(
        "@prefix kgo: <https://example.org/jinshan-kg/ontology#> .\n"
        "<https://example.org/jinshan-kg/id/x> a kgo:Road ; kgo:wingspan 3 .\n"
    )
    result = runner.invoke(app, ["import", "rdf", str(foreign)])
    assert result.exit_code == 2
    assert "unknown predicate" in result.stderr
    assert graph_state(neo4j_env) == {"nodes": [], "relationships": []}


def _data_with_an_identifier(tmp_path: Path) -> Path:
    """The curated data and one region with a Wikidata item (made up for the tests)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "entities" / "zz.yaml").write_text(
        "- {type: Region, id: zz-region, name: 测试区域, name_en: test region, wikidata: Q4242,\n"
        "   sources: [jinshan-layout-2020-12], note: made up for the test}\n",
        "utf-8",
    )
    return data


def test_a_confirmed_wikidata_item_is_exported_as_same_as(tmp_path: Path) -> None:
    """An identifier is an IRI in its namespace (owl:sameAs and schema:sameAs), conforms to the
    shapes and comes back from an import as the plain value. The item here is made up for the
    test: the project stores one only where a public source confirms it."""
    data = _data_with_an_identifier(tmp_path)
    schema, names = load_schema(SCHEMA_FILE), Names()
    buffer = io.BytesIO()
    write_export(
        dataset_quads(load_dataset(data, schema), schema, names),
        "trig",
        buffer,
        names,
        json_ld_context(schema, names),
    )
    store = RdfDataset()
    store.parse(data=buffer.getvalue(), format="trig")
    subject, item = names.entity("zz-region"), URIRef("http://www.wikidata.org/entity/Q4242")
    assert (subject, OWL.sameAs, item) in store
    assert (subject, URIRef("https://schema.org/sameAs"), item) in store
    graph = Graph()
    for s, p, o, _g in store.quads((None, None, None, None)):
        graph.add((s, p, o))
    assert validate_graph(graph, schema, names).conforms
    path = tmp_path / "export.trig"
    path.write_bytes(buffer.getvalue())
    back = rdf_to_dataset(parse_rdf(path), schema, names, str(path))
    assert back.entities["zz-region"].properties["wikidata"] == "Q4242"
    graph.remove((subject, OWL.sameAs, item))
    graph.add((subject, OWL.sameAs, Literal("Q4242")))
    assert not validate_graph(graph, schema, names).conforms


def test_an_imported_identifier_needs_its_confirming_source_as_validate_does(
    tmp_path: Path,
) -> None:
    data = _data_with_an_identifier(tmp_path)
    schema, names = load_schema(SCHEMA_FILE), Names()
    graph = Graph()
    for s, p, o, _g in dataset_quads(load_dataset(data, schema), schema, names):
        graph.add((s, p, o))
    graph.remove(
        (names.entity("zz-region"), URIRef("http://www.w3.org/2004/02/skos/core#note"), None)
    )
    path = tmp_path / "export.nt"
    path.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    with pytest.raises(DataInvalid) as caught:
        rdf_to_dataset(parse_rdf(path), schema, names, str(path))
    assert any("wikidata needs the source" in str(p) for p in caught.value.problems)


def _number(graph: Graph, subject: Node | None, predicate: URIRef) -> int:
    """The integer literal `subject` has for `predicate` (one, or the test fails)."""
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal), (subject, predicate, value)
    return int(value.toPython())
