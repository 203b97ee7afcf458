"""Issue 10's hostile-input corpus: data files, RDF files, query parameters and CLI arguments.

Every case either round-trips verbatim (tests/test_hostile.py holds the value round trips) or
is refused with a clear error and a non-zero exit, and the database is unchanged: each test
here starts from a database holding one canary node and checks it holds exactly that after.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from tests.graph_state import graph_state

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parent.parent
STATEMENT = "source: jinshan-layout-2020-12\nstatements:\n- sentence: 金山\n  facts:\n  - {}\n"

# (case, file under data/, content, what the error says)
DATA_CASES: list[tuple[str, str, bytes, str]] = [
    (
        "invalid UTF-8 in YAML",
        "entities/bad.yaml",
        b'- {type: Park, id: x, name: "\xff"}\n',
        "not valid UTF-8",
    ),
    (
        "invalid UTF-8 in CSV",
        "entities/bad.csv",
        b"type,id,name\nPark,x,\xff\xfe\n",
        "not valid UTF-8",
    ),
    (
        "invalid UTF-8 in a source",
        "sources/bad.yaml",
        b'id: bad\ntitle: "\xff"\n',
        "not valid UTF-8",
    ),
    ("binary file", "entities/bad.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not valid UTF-8"),
    ("NUL byte", "entities/bad.yaml", b'- {type: Park, id: x, name: "a\x00b"}\n', "NUL byte"),
    (
        "YAML alias (billion laughs)",
        "entities/bad.yaml",
        b"- &a {type: Park, id: x, name: y}\n- *a\n",
        "aliases",
    ),
    (
        "YAML python tag",
        "entities/bad.yaml",
        b'- !!python/object/apply:os.system ["echo pwned"]\n',
        "could not determine a constructor",
    ),
    (
        "100,000-deep nesting",
        "entities/bad.yaml",
        b"- " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "recursion",
    ),
    (
        "a 1 MB name",
        "entities/bad.yaml",
        ('- {type: Park, id: x, name: "' + "长" * 1_000_000 + '"}\n').encode(),
        "longer than 1000 characters",
    ),
    (
        "name is a number",
        "entities/bad.yaml",
        b"- {type: Park, id: x, name: 123}\n",
        "expected a string, got an integer",
    ),
    (
        "name is a boolean",
        "entities/bad.yaml",
        b"- {type: Park, id: x, name: yes}\n",
        "expected a string, got a boolean",
    ),
    (
        "date is not a date",
        "entities/bad.yaml",
        "- {type: Event, id: x, name: 好, date: 2020-13-45}\n".encode(),
        "expected an ISO date",
    ),
    (
        "date is a number",
        "entities/bad.yaml",
        "- {type: Event, id: x, name: 好, date: 20201201}\n".encode(),
        "expected an ISO date",
    ),
    (
        "property outside the schema",
        "entities/bad.yaml",
        "- {type: Park, id: x, name: 好, evil: 1}\n".encode(),
        "unknown property 'evil'",
    ),
    (
        "duplicate key",
        "entities/bad.yaml",
        "- {type: Park, id: x, name: 好, name: 坏}\n".encode(),
        "duplicate key 'name'",
    ),
    (
        "newline in an id",
        "entities/bad.yaml",
        '- {type: Park, id: "x\\ny", name: 好}\n'.encode(),
        "does not match",
    ),
    (
        "label outside the schema (CSV)",
        "entities/bad.csv",
        "type,id,name\nAdmin,x,好\n".encode(),
        "unknown label 'Admin'",
    ),
    (
        "label with a backtick",
        "entities/bad.yaml",
        "- {type: 'Park`:Admin', id: x, name: 好}\n".encode(),
        "unknown label",
    ),
    (
        "CSV row longer than its header",
        "entities/bad.csv",
        "type,id,name\nPark,x,好,extra\n".encode(),
        "CSV row has 4 cells",
    ),
    (
        "a mapping where a list belongs",
        "entities/bad.yaml",
        "type: Park\nid: x\nname: 好\n".encode(),
        "must be a list",
    ),
    (
        "relationship type outside the schema",
        "facts/bad.yaml",
        STATEMENT.format("[jinshan, DELETES, shanghai]").encode(),
        "unknown relationship type 'DELETES'",
    ),
    (
        "relationship type with Cypher in it",
        "facts/bad.yaml",
        STATEMENT.format("[jinshan, 'X]->() DETACH DELETE n //', shanghai]").encode(),
        "unknown relationship type",
    ),
    (
        "relationship between the wrong labels",
        "facts/bad.yaml",
        STATEMENT.format("[shanghai, LOCATED_IN, hydrogen-energy]").encode(),
        "does not allow (Province)->(Industry)",
    ),
    (
        "relation to nothing",
        "facts/bad.yaml",
        STATEMENT.format("[jinshan, LOCATED_IN, nowhere]").encode(),
        "endpoint 'nowhere' does not exist",
    ),
    (
        "a sentence the source does not have",
        "facts/bad.yaml",
        STATEMENT.replace("金山", "金山区今天把上海吞并了")
        .format("[jinshan, LOCATED_IN, shanghai]")
        .encode(),
        "not found verbatim",
    ),
    (
        "a file type the loader does not read",
        "entities/bad.json",
        b"[]",
        "unsupported file type '.json'",
    ),
]

TTL = """@prefix kg: <https://example.org/jinshan-kg/id/> .
@prefix kgo: <https://example.org/jinshan-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY leak SYSTEM "file:///etc/hostname">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:kgo="https://example.org/jinshan-kg/ontology#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <kgo:Park rdf:about="https://example.org/jinshan-kg/id/x"><skos:prefLabel>&leak;</skos:prefLabel></kgo:Park>
</rdf:RDF>
"""
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "lollollollollol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:skos="http://www.w3.org/2004/02/skos/core#">'
    '<rdf:Description rdf:about="https://example.org/jinshan-kg/id/x">'
    "<skos:prefLabel>&i;</skos:prefLabel></rdf:Description></rdf:RDF>\n"
)
# (case, file name, content, what the error says)
PARK = 'kg:x a kgo:Park ; skos:prefLabel "x"@zh ; dcterms:identifier "x" .\n'
PROV = "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
RDF_CASES: list[tuple[str, str, bytes, str]] = [
    (
        "a dataset named '*', the database lease's name",
        "star.ttl",
        (
            TTL
            + PROV
            + PARK
            + '<https://example.org/jinshan-kg/dataset/all> dcterms:identifier "*" ; '
            + "prov:hadMember kg:x .\n"
        ).encode(),
        "dataset name '*': '*' is reserved",
    ),
    (
        "a dataset name with a terminal escape",
        "esc.ttl",
        (
            TTL
            + PROV
            + PARK
            + '<https://example.org/jinshan-kg/dataset/x> dcterms:identifier "x\\u001b]0;t" ; '
            + "prov:hadMember kg:x .\n"
        ).encode(),
        "invisible or control character U+001B",
    ),
    (
        "invalid UTF-8",
        "bad.ttl",
        TTL.encode() + b'kg:x a kgo:Park ; skos:prefLabel "\xff"@zh .\n',
        "not valid turtle",
    ),
    (
        "Turtle syntax error",
        "bad.ttl",
        (TTL + "kg:x a kgo:Park ; <unclosed .\n").encode(),
        "not valid turtle",
    ),
    (
        "class outside the schema",
        "bad.ttl",
        (TTL + 'kg:x a kgo:Admin ; skos:prefLabel "x"@zh .\n').encode(),
        "unknown class",
    ),
    (
        "predicate outside the schema",
        "bad.ttl",
        (TTL + 'kg:x a kgo:Park ; skos:prefLabel "x"@zh ; kgo:evil "y" .\n').encode(),
        "unknown predicate",
    ),
    (
        "a relation type outside the schema",
        "bad.ttl",
        (
            TTL
            + 'kg:x a kgo:Park ; skos:prefLabel "x"@zh ; dcterms:identifier "x" .\n'
            + "[] a rdf:Statement ; rdf:subject kg:x ; rdf:predicate kgo:deletes ; "
            + "rdf:object kg:x .\n"
        ).encode(),
        "unknown",
    ),
    (
        "an IRI outside the base",
        "bad.ttl",
        (TTL + '<https://evil.example/x> a kgo:Park ; skos:prefLabel "x"@zh .\n').encode(),
        "outside the base",
    ),
    (
        "a 1 MB literal",
        "bad.ttl",
        (
            TTL
            + 'kg:x a kgo:Park ; skos:prefLabel "'
            + "长" * 1_000_000
            + '"@zh ; dcterms:identifier "x" .\n'
        ).encode(),
        "longer than 1000 characters",
    ),
    ("an empty file", "bad.ttl", b"", "no entity of a class of the schema"),
    (
        "a remote JSON-LD @context",
        "bad.jsonld",
        b'{"@context": "http://203.0.113.9/ctx.jsonld", "@id": "https://example.org/jinshan-kg/id/x"}',
        "a JSON-LD @context naming a document ('http://203.0.113.9/ctx.jsonld') is not read",
    ),
    (
        "a file: JSON-LD @context",
        "bad.jsonld",
        b'{"@context": "file:///etc/hostname", "@id": "https://example.org/jinshan-kg/id/x"}',
        "a JSON-LD @context naming a document ('file:///etc/hostname') is not read",
    ),
    (
        "a file: JSON-LD @context inside the interpreter's folders",
        "bad.jsonld",
        json.dumps(
            {
                "@context": f"file://{sys.prefix}/pyvenv.cfg",
                "@id": "https://example.org/jinshan-kg/id/x",
            }
        ).encode(),
        "a JSON-LD @context naming a document",
    ),
    (
        "a JSON-LD @context inside a node, and @import",
        "bad.jsonld",
        b'{"@context": {"@import": "http://203.0.113.9/c"}, "@graph": [{"@context": "x.jsonld"}]}',
        "naming a document",
    ),
    (
        "a dcterms:identifier that is not the IRI's id",
        "bad.ttl",
        (
            TTL + 'kg:x a kgo:Park ; skos:prefLabel "x"@zh ; dcterms:identifier "jinshan" .\n'
        ).encode(),
        "its dcterms:identifier 'jinshan' is not the id its IRI names, 'x'",
    ),
    (
        "an IRI whose id part is Cypher",
        "bad.ttl",
        (
            TTL
            + "<https://example.org/jinshan-kg/id/RT'})DETACH-DELETE-n//> a kgo:Park ; "
            + 'skos:prefLabel "x"@zh ; dcterms:identifier "x" .\n'
        ).encode(),
        "is not the id its IRI names",
    ),
    (
        "one id given two classes",
        "bad.ttl",
        (
            TTL
            + 'kg:x a kgo:Park, kgo:Project ; skos:prefLabel "x"@zh ; dcterms:identifier "x" .\n'
        ).encode(),
        "is given to two entities",
    ),
    (
        "RDF/XML in UTF-16 with a DOCTYPE",
        "bad.rdf",
        LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode(
            "utf-16"
        ),
        "RDF/XML must be encoded in UTF-8",
    ),
    (
        "an external XML entity (XXE)",
        "bad.rdf",
        XXE.encode(),
        "DOCTYPE declarations are not accepted",
    ),
    (
        "XML entity expansion (billion laughs)",
        "bad.rdf",
        LAUGHS.encode(),
        "DOCTYPE declarations are not accepted",
    ),
]

# (case, arguments, what the error says); file paths are relative to the project root
CLI_CASES: list[tuple[str, list[str], str]] = [
    ("batch size 0", ["load", "--batch-size", "0"], "--batch-size"),
    ("negative batch size", ["load", "--batch-size", "-5"], "--batch-size"),
    ("absurd batch size", ["load", "--batch-size", "1000000000000"], "--batch-size"),
    ("batch size not a number", ["load", "--batch-size", "abc"], "--batch-size"),
    ("absurd divisions batch size", ["divisions", "import", "--batch-size", "0"], "--batch-size"),
    (
        "export into a missing folder",
        ["export", "rdf", "-o", "no-such-dir/x.ttl"],
        "does not exist",
    ),
    ("export onto a folder", ["export", "rdf", "-o", "data"], "it is a folder"),
    ("export onto a device", ["export", "rdf", "-o", "/dev/null"], "not a regular file"),
    (
        "export to a name that says no RDF format",
        ["export", "rdf", "-o", "graph.txt"],
        "cannot tell the RDF format of graph.txt",
    ),
    ("picture of an unknown kind", ["viz", "-o", "graph.gif"], "use a .html, .png or .svg"),
    ("picture into a missing folder", ["viz", "-o", "no-such-dir/g.html"], "does not exist"),
    ("report folder onto a file", ["run", "--report", "kg.toml"], "it is not a folder"),
    (
        "a password in --uri",
        ["cypher", "RETURN 1", "--uri", "bolt://neo4j:hunter2-secret@localhost:7687"],
        "carries credentials",
    ),
    ("saved query name with a path", ["query", "run", "../../etc/passwd"], "no saved query"),
    ("unknown RDF format", ["export", "rdf", "--format", "evil"], "unknown RDF format 'evil'"),
    ("unknown output format", ["cypher", "RETURN 1", "--format", "xml"], "--format"),
    (
        "division level outside the list",
        ["divisions", "import", "--levels", "hamlet"],
        "unknown level hamlet",
    ),
    (
        "division code with Cypher in it",
        ["divisions", "import", "--within", "'}) DETACH DELETE n //"],
        "division codes",
    ),
    (
        "a division code matching nothing",
        ["divisions", "import", "--within", "99"],
        "no division matches",
    ),
    ("RDF file that does not exist", ["import", "rdf", "no-such-file.ttl"], "no such file"),
    ("parameter without a name", ["cypher", "RETURN 1", "-p", "=3"], "not of the form name=value"),
    (
        "parameter nested 3,000 deep",
        ["cypher", "RETURN 1", "-p", "x=" + "[" * 3000 + "]" * 3000],
        "nested deeper than 64 levels",
    ),
    (
        "parameter beyond 64 bits",
        ["cypher", "RETURN $x", "-p", "x=99999999999999999999"],
        "outside Neo4j's 64-bit range",
    ),
    (
        "saved query parameter beyond 64 bits",
        ["query", "run", "hubs", "-p", "limit=99999999999999999999"],
        "outside Neo4j's 64-bit range",
    ),
    (
        "a password with a slash in --uri",
        ["cypher", "RETURN 1", "--uri", "bolt://neo4j:hun/ter2#x@localhost:7687"],
        "bolt://***@localhost:7687 carries credentials",
    ),
    (
        "SHOW TRANSACTIONS without --write",
        ["cypher", "SHOW TRANSACTIONS YIELD parameters RETURN parameters"],
        "SHOW TRANSACTIONS shows other sessions' queries and parameters",
    ),
    (
        "parameter name with Cypher in it",
        ["cypher", "RETURN 1", "-p", "a}) DETACH DELETE n//=1"],
        "not of the form name=value",
    ),
    ("saved query parameter it does not take", ["query", "run", "hubs", "-p", "evil=1"], "evil"),
    (
        "saved query parameter of the wrong type",
        ["query", "run", "hubs", "-p", "limit=abc"],
        "kg: error",
    ),
    ("path to an unknown entity", ["path", "jinshan", "nowhere"], "no entity is called 'nowhere'"),
    (
        "a write through a read-only command",
        ["query", "run", "hubs", "-p", "limit=1 MATCH (n) DETACH DELETE n"],
        "kg: error",
    ),
]


@pytest.fixture
def canary(neo4j_env: Graph) -> Graph:
    run_cypher(neo4j_env, "CREATE (:Canary {id: 'canary', note: 'must survive'})", write=True)
    return neo4j_env


def _unchanged(settings: Graph) -> None:
    state = graph_state(settings)
    assert state["relationships"] == []
    assert [labels for labels, _props in state["nodes"]] == [("Canary",)]


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), DATA_CASES, ids=[c[0] for c in DATA_CASES]
)
def test_hostile_data_files_are_refused_before_any_write(
    canary: Graph, tmp_path: Path, case: str, name: str, content: bytes, message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / name).write_bytes(content)
    result = CliRunner().invoke(app, ["load", str(data)])
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    _unchanged(canary)


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), RDF_CASES, ids=[c[0] for c in RDF_CASES]
)
def test_hostile_rdf_files_are_refused_before_any_write(
    canary: Graph, tmp_path: Path, case: str, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["import", "rdf", str(path)])
    assert result.exit_code != 0, result.output
    assert message in result.output, result.output
    assert "lollollol" not in result.output
    _unchanged(canary)


@pytest.mark.parametrize(("case", "args", "message"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_hostile_arguments_are_refused(
    canary: Graph, case: str, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0, result.output
    assert message in result.output, result.output
    assert "hunter2-secret" not in result.output
    assert not (ROOT / "no-such-dir").exists() and not (ROOT / "graph.txt").exists()
    _unchanged(canary)


def test_invalid_utf8_in_an_argument_is_one_line(canary: Graph) -> None:
    import os
    import subprocess
    import sys

    kg = os.fsencode(str(Path(sys.executable).parent / "kg"))
    done = subprocess.run(
        [kg, b"cypher", b"RETURN $v AS v", b"-p", b"v=\xff\xfe"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    # Python hands an undecodable argument over as lone surrogates; the driver cannot send them
    assert done.returncode != 0
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), lines
    _unchanged(canary)
