"""Fixtures: the managed Neo4j test server (real, on test ports) and a clean database per test.

The database fixtures hand out a `Graph`, the one connection a command holds, as the jobs get
it; `graph.target` names where it connects (for tests that set the environment a user would).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from loader.model.workspace import Workspace
from loader.neo4j.graph import Graph
from loader.neo4j.maintenance import clear_database
from loader.neo4j.server import ManagedServer
from tests.project import ROOT
from tools.derived import load_curated, test_server

# Shared, noisy machines: property tests check behaviour, never speed (the bench measures that).
settings.register_profile("kg", deadline=None)
settings.load_profile("kg")


@pytest.fixture(autouse=True)
def _no_user_server_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own settings for the managed server (other ports, a password file) do not
    reach the tests, which name the test server themselves."""
    for name in ("KG_NEO4J_BOLT_PORT", "KG_NEO4J_HTTP_PORT", "NEO4J_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def managed_server(workspace: Workspace) -> Iterator[ManagedServer]:
    """The real Neo4j the tests use (tools.derived.test_server: KG_TEST_NEO4J_HOME, ports
    17687/17474 unless KG_TEST_BOLT_PORT/KG_TEST_HTTP_PORT say otherwise): installed and started
    once, reused if already running. Browser is styled on login from this project's schema."""
    server = test_server(workspace)
    server.install()
    started = server.start()
    yield server
    if not started.already_running:
        server.stop()


@pytest.fixture
def neo4j(managed_server: ManagedServer) -> Iterator[Graph]:
    """The test server's database, emptied before the test, behind one Graph."""
    with Graph.open(managed_server.login_target()) as graph:
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
    """The test server holding exactly the curated graph (and the lexical graph of the article),
    loaded once for this module as `make regen` loads it for the goldens."""
    with Graph.open(managed_server.login_target()) as graph:
        load_curated(graph, workspace)
        yield graph


@pytest.fixture
def loaded_env(loaded: Graph, monkeypatch: pytest.MonkeyPatch) -> Graph:
    monkeypatch.setenv("NEO4J_URI", loaded.target.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", loaded.target.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return loaded
