"""Fixtures: the managed Neo4j test server (real, on test ports) and a clean database per test.

The database fixtures hand out a `Graph`, the one connection a command holds, as the jobs get
it; `graph.target` names where it connects (for tests that set the environment a user would).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from loader.model.workspace import Workspace
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.lexical_store import write_lexical
from loader.neo4j.maintenance import clear_database
from loader.neo4j.server import USERNAME, ManagedServer
from loader.neo4j.store import load
from loader.neo4j.target import Target
from loader.text.extract import Matcher, extract, surface_forms

ROOT = Path(__file__).resolve().parent.parent

# Shared, noisy machines: property tests check behaviour, never speed (the bench measures that).
settings.register_profile("kg", deadline=None)
settings.load_profile("kg")
TEST_HOME = Path(os.environ.get("KG_TEST_NEO4J_HOME") or ROOT / ".kg" / "test-neo4j")
TEST_BOLT_PORT = int(os.environ.get("KG_TEST_BOLT_PORT", "17687"))
TEST_HTTP_PORT = int(os.environ.get("KG_TEST_HTTP_PORT", "17474"))


@pytest.fixture(scope="session")
def managed_server() -> Iterator[ManagedServer]:
    """The real Neo4j the tests use: installed and started once, reused if already running."""
    server = ManagedServer(TEST_HOME, bolt_port=TEST_BOLT_PORT, http_port=TEST_HTTP_PORT)
    server.install()
    started = server.start()
    yield server
    if not started.already_running:
        server.stop()


def _target(server: ManagedServer) -> Target:
    return Target(
        uri=server.bolt_uri,
        username=USERNAME,
        password=server.password(),
        database=None,
        managed_home=server.home,
    )


@pytest.fixture
def neo4j(managed_server: ManagedServer) -> Iterator[Graph]:
    """The test server's database, emptied before the test, behind one Graph."""
    with Graph.open(_target(managed_server)) as graph:
        clear_database(graph)
        yield graph


@pytest.fixture
def neo4j_env(neo4j: Graph, monkeypatch: pytest.MonkeyPatch) -> Graph:
    """The clean test database, also named in the environment the way a user would name it."""
    monkeypatch.setenv("NEO4J_URI", neo4j.target.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j.target.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j.target.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return neo4j


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def workspace() -> Workspace:
    """This repository's project: its schema and curated data, read once for the session."""
    return Workspace.at(ROOT)


@pytest.fixture(scope="module")
def loaded(managed_server: ManagedServer, workspace: Workspace) -> Iterator[Graph]:
    """The test server holding exactly the curated graph, loaded once for this module."""
    with Graph.open(_target(managed_server)) as graph:
        clear_database(graph)
        schema, dataset = workspace.schema, workspace.dataset
        load(graph, dataset, schema)
        seed = (ROOT / "data" / "sources" / "jinshan-layout-2020-12.txt").read_text("utf-8")
        matcher = Matcher(surface_forms(dataset, schema))
        write_lexical(graph, extract(seed, dataset, "jinshan-layout-2020-12", matcher), schema)
        run_cypher(graph, "CALL db.awaitIndexes(60)")
        yield graph


@pytest.fixture
def loaded_env(loaded: Graph, monkeypatch: pytest.MonkeyPatch) -> Graph:
    monkeypatch.setenv("NEO4J_URI", loaded.target.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", loaded.target.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return loaded
