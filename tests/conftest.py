"""Fixtures: the managed Neo4j test server (real, on test ports) and a clean database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.cypher import run_cypher
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


@pytest.fixture
def neo4j(managed_server: ManagedServer) -> Target:
    """Settings for the test server, whose database is emptied before the test."""
    settings = Target(
        uri=managed_server.bolt_uri,
        username=USERNAME,
        password=managed_server.password(),
        database=None,
        managed_home=managed_server.home,
    )
    clear_database(settings)
    return settings


@pytest.fixture
def neo4j_env(neo4j: Target, monkeypatch: pytest.MonkeyPatch) -> Target:
    """The clean test database, also named in the environment the way a user would name it."""
    monkeypatch.setenv("NEO4J_URI", neo4j.uri)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j.username)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return neo4j


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def loaded(managed_server: ManagedServer) -> Iterator[Target]:
    """The test server holding exactly the curated graph, loaded once for this module."""
    settings = Target(managed_server.bolt_uri, USERNAME, managed_server.password())
    clear_database(settings)
    schema = load_schema()
    dataset = load_dataset(ROOT / "data", schema)
    load(dataset, schema, settings)
    seed = (ROOT / "data" / "sources" / "jinshan-layout-2020-12.txt").read_text("utf-8")
    matcher = Matcher(surface_forms(dataset, schema))
    write_lexical(extract(seed, dataset, "jinshan-layout-2020-12", matcher), schema, settings)
    run_cypher(settings, "CALL db.awaitIndexes(60)")
    yield settings


@pytest.fixture
def loaded_env(loaded: Target, monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setenv("NEO4J_URI", loaded.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", loaded.password)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return loaded
