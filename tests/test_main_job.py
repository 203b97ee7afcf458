"""`kg run`, the README's main job, against the managed test server as a new user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.saved_queries import get_query, list_queries, run_saved
from loader.neo4j.server import ManagedServer
from tests.project import QUERIES, SCHEMA_FILE

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parent.parent


def test_main_job_loads_the_graph_on_the_managed_server(
    managed_server: ManagedServer, neo4j: Graph, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KG_NEO4J_HOME"] = str(managed_server.home)
    env["COLUMNS"] = "250"  # wide enough that rich does not wrap names inside the table
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "kg"),
            "run",
            "--report",
            str(tmp_path / "report"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Browser: http://127.0.0.1:{managed_server.http_port}/browser/" in done.stdout
    assert "relationships" in done.stdout
    assert managed_server.password() not in done.stdout + done.stderr
    dataset = load_dataset(ROOT / "data", load_schema(SCHEMA_FILE))
    rows = run_cypher(neo4j, "MATCH (n:Entity) RETURN count(n) AS n").rows
    assert rows == [{"n": len(dataset.entities)}]
    assert "Layout overview" in done.stdout and "上海碳谷绿湾产业园" in done.stdout
    assert "/browser/?cmd=edit&arg=" in done.stdout
    report = tmp_path / "report"
    assert {p.name for p in report.iterdir()} == {
        "analysis.json",
        "nodes.csv",
        "layout.png",
        "layout.html",
        "favorites.zip",
    }
    with zipfile.ZipFile(report / "favorites.zip") as favorites:
        names = favorites.namelist()
    assert "jinshan-kg/layout-overview.cypher" in names and len(names) == len(list_queries(QUERIES))
    scored = run_cypher(neo4j, "MATCH (n:Entity) WHERE n.pagerank IS NOT NULL RETURN count(n) AS n")
    assert scored.rows[0]["n"] > 100
    # The lexical graph of every source: the saved query on sentences answers after `kg run`.
    assert "Lexical graph of" in done.stdout
    mentioning = run_saved(neo4j, get_query("sentences-mentioning", QUERIES))
    assert mentioning.rows and all(r["document"] for r in mentioning.rows)
    documents = run_cypher(neo4j, "MATCH (s:Sentence) RETURN count(DISTINCT s.document) AS n")
    assert documents.rows[0]["n"] == len(dataset.sources)
