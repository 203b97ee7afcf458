"""One connection per command: every command opens one driver and closes it, and every
transaction of the command, in any session or thread, shares the one bookmark manager, so on a
routing URI (`neo4j://`) each read after a write in the same command waits for that write.

The test server is a single instance, where a read would see the write anyway; what is checked
is that the causal chain is there: every query and session carries the command's manager, and
every transaction that starts after a write was committed is handed that write's bookmark (or a
later one), which a cluster member must have caught up with before it answers.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from neo4j.api import BookmarkManager
from typer.testing import CliRunner

from loader.cli.app import app
from loader.neo4j.graph import Graph
from loader.neo4j.server import ManagedServer
from tests.project import ROOT

pytestmark = pytest.mark.neo4j
SEED = ROOT / "data" / "sources" / "jinshan-layout-2020-12.txt"


class RecordingBookmarks(BookmarkManager):
    """The driver's own manager, with a log of what each transaction got and gave back."""

    def __init__(self, real: BookmarkManager) -> None:
        self.real = real
        self.events: list[tuple[str, frozenset[str]]] = []  # ("get", had) / ("update", new)
        self.lock = threading.Lock()  # the log in the order the manager saw them

    def update_bookmarks(
        self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]
    ) -> None:
        with self.lock:
            self.real.update_bookmarks(previous_bookmarks, new_bookmarks)
            if new_bookmarks:
                self.events.append(("update", frozenset(new_bookmarks)))

    def get_bookmarks(self) -> set[str]:
        with self.lock:
            had = set(self.real.get_bookmarks())
            self.events.append(("get", frozenset(had)))
        return had


@dataclass
class Opened:
    """The drivers a command opened, and the bookmark manager each query and session got."""

    drivers: list[Any] = field(default_factory=list)
    managers: list[RecordingBookmarks] = field(default_factory=list)
    given: list[object] = field(default_factory=list)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[Opened]:
    seen = Opened()
    real_driver, real_manager = GraphDatabase.driver, GraphDatabase.bookmark_manager

    def driver(*args: Any, **kwargs: Any) -> Any:
        made = real_driver(*args, **kwargs)
        seen.drivers.append(made)
        session, execute_query = made.session, made.execute_query

        def recorded_session(**config: Any) -> Any:
            seen.given.append(config.get("bookmark_manager"))
            return session(**config)

        def recorded_query(*a: Any, **k: Any) -> Any:
            seen.given.append(k.get("bookmark_manager_"))
            return execute_query(*a, **k)

        made.session = recorded_session  # type: ignore[method-assign]
        made.execute_query = recorded_query  # type: ignore[method-assign]
        return made

    def manager(*args: Any, **kwargs: Any) -> BookmarkManager:
        made = RecordingBookmarks(real_manager(*args, **kwargs))
        seen.managers.append(made)
        return made

    monkeypatch.setattr(GraphDatabase, "driver", driver)
    monkeypatch.setattr(GraphDatabase, "bookmark_manager", manager)
    yield seen


COMMANDS = {  # in this order: the first loads the graph the others work on
    "load": ["load", "--format", "json"],
    "query run": ["query", "run", "layout-overview", "--format", "json"],
    "cypher": ["cypher", "CREATE (:Scratch); MATCH (n:Scratch) RETURN count(n) AS n", "--write"],
    "analyze --write-back": ["analyze", "--write-back", "--format", "json"],
    "export --from neo4j": ["export", "rdf", "--from", "neo4j", "-o", "{tmp}/graph.nt"],
    "extract --write": ["extract", str(SEED), "--write", "--format", "json"],
    "divisions import": ["divisions", "import", "--within", "310116", "--format", "json"],
    "import rdf": ["import", "rdf", "{tmp}/graph.nt", "--format", "json"],
    "run": ["run", "--report", "{tmp}/report"],
}


def test_each_command_opens_one_driver_and_closes_it(
    neo4j_env: Graph, opened: Opened, tmp_path: Path
) -> None:
    runner = CliRunner()
    counted = {}
    for name, args in COMMANDS.items():
        opened.drivers.clear()
        result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
        assert result.exit_code == 0, (name, result.output)
        counted[name] = (len(opened.drivers), all(d._closed for d in opened.drivers))
    assert counted == dict.fromkeys(COMMANDS, (1, True))


def test_kg_run_on_a_routing_uri_reads_its_own_writes(
    neo4j_env: Graph, opened: Opened, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kg run` through neo4j://: one driver, one manager on every query and session, and each
    transaction that starts after a write carries that write's bookmark (or a newer one)."""
    monkeypatch.setenv("NEO4J_URI", neo4j_env.target.uri.replace("bolt://", "neo4j://"))
    args = ["run", "--report", str(tmp_path / "report")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Connected to Neo4j" in result.stdout and "neo4j://" in result.stdout
    assert "上海湾区科创中心" in result.stdout  # the overview read the load
    assert len(opened.drivers) == 1
    manager = opened.given[0]
    assert isinstance(manager, RecordingBookmarks)
    assert all(given is manager for given in opened.given)
    # The driver's own default manager (for queries given none) was never used.
    assert not [m.events for m in opened.managers if m is not manager and m.events]
    updates = [had for kind, had in manager.events if kind == "update"]
    assert len(updates) > 10  # the load's batches, the lease, the write-back …
    newer: dict[str, int] = {}  # a bookmark -> the number of the write that gave it
    latest = -1
    gets_after_writes = 0
    for kind, bookmarks in manager.events:
        if kind == "update":
            latest += 1
            newer.update(dict.fromkeys(bookmarks, latest))
        elif latest >= 0:
            gets_after_writes += 1
            assert bookmarks, "a transaction after a write started without bookmarks"
            assert max(newer.get(b, -1) for b in bookmarks) == latest, (latest, bookmarks)
    assert gets_after_writes > 10
    scored = neo4j_env.records("MATCH (n:Entity) WHERE n.pagerank IS NOT NULL RETURN count(n) AS n")
    assert scored[0]["n"] > 100
    report = json.loads((tmp_path / "report" / "analysis.json").read_text("utf-8"))
    assert report["nodes"]


def _managed_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    for name in [k for k in os.environ if k.startswith("NEO4J_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KG_NEO4J_HOME", str(home))


def test_a_stopped_managed_server_is_started_by_the_load_through_its_one_driver(
    managed_server: ManagedServer, neo4j: Graph, opened: Opened, monkeypatch: pytest.MonkeyPatch
) -> None:
    _managed_env(monkeypatch, managed_server.home)
    managed_server.stop()
    result = CliRunner().invoke(app, ["load", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert managed_server.is_running()
    assert json.loads(result.stdout)["nodes_created"] > 100
    assert len(opened.drivers) == 1 and opened.drivers[0]._closed


def test_a_command_that_starts_the_managed_server_opens_one_driver(
    managed_server: ManagedServer, opened: Opened, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A never-started home: `kg load`'s one driver waits for Bolt, replaces Neo4j's built-in
    password with the one it logs in with (saved, owner-only), and loads; the next command logs
    in with the saved password."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "lib").symlink_to(managed_server.home / "lib")  # the jars, installed once
    ports = {"bolt_port": managed_server.bolt_port + 1, "http_port": managed_server.http_port + 1}
    (home / "kg-server.json").write_text(json.dumps(ports), "utf-8")
    _managed_env(monkeypatch, home)
    server = ManagedServer(home)
    try:
        result = CliRunner().invoke(app, ["load", "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["nodes_created"] > 100
        assert len(opened.drivers) == 1
        assert oct(server.password_file.stat().st_mode & 0o777) == "0o600"
        count = CliRunner().invoke(
            app, ["cypher", "MATCH (n:Entity) RETURN count(n) AS n", "--format", "json"]
        )
        assert count.exit_code == 0, count.output
        assert json.loads(count.stdout)[0]["n"] == json.loads(result.stdout)["nodes_created"]
    finally:
        server.stop()
