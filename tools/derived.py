"""Every file of this repository derived from the schema, the data or the saved queries, and
the one function that gives each its content.

`make regen` (`python -m tools.regen`) writes them all; `make lint` (`--check`) names every
one that differs from what its function gives; the tests compare with the same functions. A
person edits the sources (schema/schema.yaml, data/, queries/*.cypher, the code) and never
these files, as sqlite-utils has cog write its docs and check them in lint.

- `queries/jinshan.grass`: the Browser stylesheet (`browser_style.grass`).
- `schema/context.jsonld`: the JSON-LD context (`ontology.json_ld_context`).
- `docs/curation.md`: its two derived blocks, the model diagram (`diagram.mermaid`) and the
  table of problem codes (`problems.codes_table`); `docs/querying.md`: its table of the saved
  queries (from their headers). A block sits between `<!-- derived: NAME -->` and
  `<!-- end derived -->`; the rest of a page is written by hand.
- `README.md`: its tour of the commands, with what they print of today's data (a block).
- `docs/layout.png`: the README's picture (`viz.draw`), compared by the fingerprint of what is
  drawn where, which the file keeps.
- `tests/golden/export.trig`: the RDF export of the data, compared by graph isomorphism.
- `tests/golden/queries/NAME.json`: each saved query's rows on the curated graph (with a sample
  of the divisions for the gazetteer's queries). Writing them needs Neo4j (the test server);
  checking them does not: each records the digest of its inputs (the query, the schema, the
  data), so a change to any marks it stale, and the tests compare the rows themselves.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.analysis.viz import draw
from loader.cli.validate import ok_line
from loader.divisions import gazetteer
from loader.jobs.load import DivisionsChoice, run_divisions_import
from loader.model.diagram import mermaid
from loader.model.errors import ConfigError
from loader.model.problems import codes_table
from loader.model.workspace import Workspace
from loader.neo4j.browser_style import grass
from loader.neo4j.connect import Connection, managed_server
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.lexical_store import write_lexical
from loader.neo4j.maintenance import clear_database
from loader.neo4j.saved_queries import SavedQuery, list_queries, run_saved
from loader.neo4j.server import ManagedServer
from loader.neo4j.store import SyncOptions, load
from loader.neo4j.target import ConnectionOptions
from loader.rdf.export import dataset_quads, write_export
from loader.rdf.ontology import json_ld_context
from loader.rdf.vocab import Names
from loader.text.extract import Matcher, extract, surface_forms

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
# The managed server the tests and the goldens use, beside the project's own (its database is
# emptied at will): KG_TEST_NEO4J_HOME, KG_TEST_BOLT_PORT, KG_TEST_HTTP_PORT override it.
TEST_HOME = Path(os.environ.get("KG_TEST_NEO4J_HOME") or ROOT / ".kg" / "test-neo4j")
TEST_BOLT_PORT = int(os.environ.get("KG_TEST_BOLT_PORT", "17687"))
TEST_HTTP_PORT = int(os.environ.get("KG_TEST_HTTP_PORT", "17474"))
SEED = "jinshan-layout-2020-12"  # the source whose text the lexical graph is written for
SAMPLE = ["310116", "330421"]  # 金山区 and 嘉善县, with everything above and below them
DATA_FILES = (".yaml", ".yml", ".csv", ".txt")  # what validation reads (an editor's backup is not)
DATA_FOLDERS = ("entities", "facts", "sources")  # the folders of data/ validation reads
BLOCK = re.compile(r"(<!-- derived: ([a-z-]+) -->\n)(.*?)(<!-- end derived -->)", re.S)


@dataclass(frozen=True)
class Derived:
    """One derived file: where it is, what it comes from, its content, and how a committed copy
    is compared with it (bytes unless said otherwise)."""

    path: str  # from the repository root
    source: str  # what it is derived from, for a person told it is stale
    render: Callable[[Workspace], bytes]
    same: Callable[[bytes, bytes], bool] = bytes.__eq__


def stylesheet(workspace: Workspace) -> bytes:
    return grass(workspace.schema).encode("utf-8")


def context(workspace: Workspace) -> bytes:
    text = json.dumps(json_ld_context(workspace.schema, Names()), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def query_table(workspace: Workspace) -> str:
    """The saved queries as docs/querying.md lists them: name, title, scope, the defaults."""
    lines = ["| query | title | scope | parameters (defaults) |", "| --- | --- | --- | --- |"]
    for query in list_queries(workspace.queries):
        defaults = ", ".join(
            f"`{p.name}` = {json.dumps(p.example, ensure_ascii=False)}"
            for p in query.parameters.values()
        )
        lines.append(f"| `{query.name}` | {query.title} | {query.scope} | {defaults or '—'} |")
    return "\n".join(lines) + "\n"


def with_blocks(
    page: str, wanted: Callable[[Workspace], dict[str, str]]
) -> Callable[[Workspace], bytes]:
    """A page whose derived blocks read as `wanted` gives them; the rest as it is."""

    def render(workspace: Workspace) -> bytes:
        blocks = wanted(workspace)
        text = (ROOT / page).read_text("utf-8")
        found = {m.group(2) for m in BLOCK.finditer(text)}
        if found != set(blocks):
            raise ConfigError(f"{page} has derived blocks {sorted(found)}, not {sorted(blocks)}")
        return BLOCK.sub(lambda m: m.group(1) + blocks[m.group(2)] + m.group(4), text).encode()

    return render


def tour(workspace: Workspace) -> str:
    """The README's tour of the commands, with what `kg validate` and `kg query list` say of
    today's data and queries."""
    queries = list_queries(workspace.queries)
    lines = (
        ("kg validate", ok_line(workspace.dataset)),
        (
            "kg query run who-focuses-on -p industry=生物医药",
            f"a saved query; kg query list shows all {len(queries)}",
        ),
        ("kg path 叶新公路 姚庄镇", "shortest paths, each step with its citing sentence"),
        ("kg analyze --top 10", "PageRank, betweenness, communities, a health report"),
        (
            "kg export rdf -o report/jinshan.ttl",
            "RDF for sharing (format from the name), into kg run's report/",
        ),
    )
    width = 46  # the comments line up in a terminal, where a CJK character is two columns wide
    body = "".join(
        command + " " * max(1, width - _columns(command)) + f"# {comment}\n"
        for command, comment in lines
    )
    return "```sh\n" + body + "```\n"


def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def curation_blocks(workspace: Workspace) -> dict[str, str]:
    return {
        "model-diagram": "```mermaid\n" + mermaid(workspace.dataset) + "```\n",
        "problem-codes": codes_table(),
    }


def layout_picture(workspace: Workspace) -> bytes:
    return draw(workspace.dataset, workspace.schema, "png").data


def picture_fingerprint(png: bytes) -> str:
    """What is drawn where, as the picture keeps it (its PNG Description)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return str(image.info.get("Description", ""))


def export(workspace: Workspace) -> bytes:
    names, buffer = Names(), io.BytesIO()
    quads = dataset_quads(workspace.dataset, workspace.schema, names)
    write_export(quads, "trig", buffer, names, json_ld_context(workspace.schema, names))
    return buffer.getvalue()


def isomorphic_trig(committed: bytes, wanted: bytes) -> bool:
    """The same named graphs, each isomorphic (blank nodes and order may differ)."""
    from rdflib import Dataset
    from rdflib.compare import isomorphic

    old, new = Dataset(), Dataset()
    old.parse(data=committed, format="trig")
    new.parse(data=wanted, format="trig")
    graphs = {str(g.identifier) for g in new.graphs() if len(g)}
    if graphs != {str(g.identifier) for g in old.graphs() if len(g)}:
        return False
    return all(isomorphic(g, old.graph(g.identifier)) for g in new.graphs())


OFFLINE = (
    Derived("queries/jinshan.grass", "the schema's styles", stylesheet),
    Derived("schema/context.jsonld", "the schema's RDF alignment", context),
    Derived(
        "docs/curation.md",
        "the data (the model diagram) and the problem codes",
        with_blocks("docs/curation.md", curation_blocks),
    ),
    Derived(
        "README.md",
        "the data's counts and the saved queries",
        with_blocks("README.md", lambda ws: {"tour": tour(ws)}),
    ),
    Derived(
        "docs/querying.md",
        "the saved queries' headers",
        with_blocks("docs/querying.md", lambda ws: {"saved-queries": query_table(ws)}),
    ),
    Derived(
        "docs/layout.png",
        "the data, the schema's styles and the picture's code",
        layout_picture,
        lambda committed, wanted: picture_fingerprint(committed) == picture_fingerprint(wanted),
    ),
    Derived(
        "tests/golden/export.trig", "the data and the RDF export's code", export, isomorphic_trig
    ),
)


# Saved queries' golden rows: written against Neo4j, checked by their inputs' digest.


def project_inputs(workspace: Workspace) -> bytes:
    """The digest of the schema and of the data files validation reads (dataset.yaml and the
    entities, facts and sources folders; not an editor's backup, a hidden file or the gold
    files): what every query's rows depend on."""
    digest = hashlib.sha256()
    root = workspace.data_path
    data = sorted(
        path
        for path in (
            root / "dataset.yaml",
            *(p for f in DATA_FOLDERS for p in (root / f).rglob("*")),
        )
        if path.suffix in DATA_FILES and not any(p.startswith(".") for p in path.parts)
    )
    for path in (workspace.schema_path, *data):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.digest()


def query_inputs(workspace: Workspace, query: SavedQuery, project: bytes | None = None) -> str:
    """The digest of what a query's rows depend on: the query, the schema and the data (its
    `project_inputs`, computed here unless given) and, for a query of the gazetteer, the
    divisions sample."""
    digest = hashlib.sha256(project or project_inputs(workspace))
    digest.update(query.path.read_bytes())
    if query.scope != "curated":
        digest.update(f"{gazetteer.PACKAGE} {gazetteer.VERSION} {SAMPLE}".encode())
    return "sha256:" + digest.hexdigest()


def golden_path(query: SavedQuery) -> Path:
    return GOLDEN / "queries" / f"{query.name}.json"


def golden(workspace: Workspace, query: SavedQuery, rows: list[Any], project: bytes) -> bytes:
    """A golden file: whether the rows are ordered, the rows as data (sorted, when the query
    leaves their order to the server, so a rewrite changes nothing), and the inputs' digest."""
    if not query.ordered:
        rows = sorted(rows, key=_canonical)
    inputs = query_inputs(workspace, query, project)
    data = {"ordered": query.ordered, "inputs": inputs, "rows": rows}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def query_rows(graph: Graph, query: SavedQuery) -> list[Any]:
    """A saved query's rows (its examples as parameters) as data: nodes by their id and
    labels, relationships by type and end ids (element ids change with every load)."""
    out = []
    for row in run_saved(graph, query).rows:
        ids = {
            v["element_id"]: v["properties"].get("id")
            for v in row.values()
            if isinstance(v, dict) and "labels" in v
        }
        out.append(_normal(row, ids))
    return out


def same_rows(query: SavedQuery, rows: list[Any], expected: list[Any]) -> bool:
    """Equal as lists when the query orders its rows, else as multisets."""
    if query.ordered:
        return rows == expected
    return sorted(map(_canonical, rows)) == sorted(map(_canonical, expected))


def _canonical(row: Any) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def _normal(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict) and "labels" in value and "properties" in value:
        return {"node": value["properties"].get("id"), "labels": value["labels"]}
    if isinstance(value, dict) and "type" in value and "start" in value and "properties" in value:
        return {
            "rel": value["type"],
            "start": ids.get(value["start"]),
            "end": ids.get(value["end"]),
        }
    if isinstance(value, list):
        return [_normal(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v, ids) for k, v in value.items()}
    return value


def test_server(workspace: Workspace) -> ManagedServer:
    """The test server (not started), styling Browser from the workspace's schema on login as
    the project's managed server does (tests/test_browser_e2e.py watches it)."""
    options = ConnectionOptions(home=TEST_HOME, bolt_port=TEST_BOLT_PORT, http_port=TEST_HTTP_PORT)
    return managed_server(workspace, options)


def load_curated(graph: Graph, workspace: Workspace) -> None:
    """The database emptied, then exactly the curated graph, with the lexical graph of the
    article (the state every curated golden is taken in)."""
    clear_database(graph)
    schema, dataset = workspace.schema, workspace.dataset
    load(graph, dataset, schema)
    text = dataset.sources[SEED].text
    write_lexical(
        graph, extract(text, dataset, SEED, Matcher(surface_forms(dataset, schema))), schema
    )
    run_cypher(graph, "CALL db.awaitIndexes(60)")


def load_sample(workspace: Workspace, connection: Connection) -> int:
    """The divisions of the sample loaded beside the curated graph and linked to it (the state
    the gazetteer's goldens are taken in); how many curated places were linked."""
    done = run_divisions_import(
        workspace,
        connection,
        DivisionsChoice(list(gazetteer.LEVELS), within=SAMPLE),
        SyncOptions(batch_size=5000, prune=True),
    )
    run_cypher(connection.graph(), "CALL db.awaitIndexes(60)")
    return done.linked


def query_goldens(workspace: Workspace, connection: Connection) -> Iterator[tuple[Path, bytes]]:
    """Every saved query's golden file, taken on the server `connection` reaches (its database
    is emptied first): the curated queries on the curated graph, then the others with the
    divisions sample loaded."""
    project = project_inputs(workspace)
    queries = list_queries(workspace.queries)
    graph = connection.graph()
    load_curated(graph, workspace)
    for query in (q for q in queries if q.scope == "curated"):
        yield golden_path(query), golden(workspace, query, query_rows(graph, query), project)
    load_sample(workspace, connection)
    for query in (q for q in queries if q.scope != "curated"):
        yield golden_path(query), golden(workspace, query, query_rows(graph, query), project)


def stale_goldens(workspace: Workspace) -> list[str]:
    """The golden files whose inputs changed since they were written (or that are missing)."""
    stale = []
    project = project_inputs(workspace)
    for query in list_queries(workspace.queries):
        path = golden_path(query)
        try:
            recorded = json.loads(path.read_text("utf-8")).get("inputs")
        except (OSError, ValueError):
            recorded = None
        if recorded != query_inputs(workspace, query, project):
            stale.append(str(path.relative_to(ROOT)))
    return stale


def stale_files(workspace: Workspace) -> list[str]:
    """Every derived file that is not what its function gives now."""
    stale = []
    for derived in OFFLINE:
        path = ROOT / derived.path
        if not path.is_file() or not derived.same(path.read_bytes(), derived.render(workspace)):
            stale.append(derived.path)
    return stale + stale_goldens(workspace)
