"""Faults on the real test server: the JVM killed mid-load, a stopped server, a dropped network,
two loads at once. Each failure is one line and a non-zero exit; a rerun ends in exactly the
graph a clean load writes (compared property for property, and by a content hash)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.maintenance import clear_database
from loader.neo4j.server import ManagedServer
from tests.graph_state import graph_state

pytestmark = pytest.mark.neo4j
KG = str(Path(sys.executable).parent / "kg")
ROOT = Path(__file__).resolve().parent.parent
ZHEJIANG = "33"  # 27k divisions: long enough to be interrupted half-way


def _env(settings: Graph, uri: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env |= {"NEO4J_URI": uri or settings.target.uri, "NEO4J_PASSWORD": settings.target.password}
    return env


def _kg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KG, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), done.stderr
    return lines[0]


def _digest(settings: Graph) -> tuple[int, int, str]:
    state = graph_state(settings)
    text = json.dumps(state, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return len(state["nodes"]), len(state["relationships"]), digest


def _divisions_count(settings: Graph) -> int:
    rows = run_cypher(settings, "MATCH (d:Division) RETURN count(d) AS n").rows
    return int(rows[0]["n"])


def _import_under_way(
    env: dict[str, str], settings: Graph, committed: int
) -> subprocess.Popen[str]:
    """A Zhejiang import in small batches, returned once `committed` divisions are in."""
    loading = subprocess.Popen(
        [
            KG,
            "divisions",
            "import",
            "--within",
            ZHEJIANG,
            "--batch-size",
            "200",
            "--format",
            "json",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _divisions_count(settings) < committed:
        assert loading.poll() is None, loading.communicate()
        assert time.monotonic() < deadline, "the load never got going"
        time.sleep(0.2)
    return loading


def test_kill_9_of_the_server_mid_load_then_rerun_equals_a_clean_load(
    managed_server: ManagedServer, neo4j: Graph
) -> None:
    env = _env(neo4j)
    assert _kg(env, "load", "--format", "json").returncode == 0
    loading = _import_under_way(env, neo4j, 3000)  # thousands of rows committed
    pid = managed_server.status().pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    out, err = loading.communicate(timeout=120)
    _one_line_error(subprocess.CompletedProcess(loading.args, loading.returncode, out, err))
    managed_server.start()  # recovery from the crash happens here
    partial = _divisions_count(neo4j)
    assert 3000 <= partial < 27_000
    rerun = _kg(env, "divisions", "import", "--within", ZHEJIANG, "--format", "json")
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["nodes_unchanged"] >= partial - 200  # committed batches were kept, not redone
    after_crash = _digest(neo4j)

    clear_database(neo4j)
    assert _kg(env, "load", "--format", "json").returncode == 0
    assert _kg(env, "divisions", "import", "--within", ZHEJIANG, "--format", "json").returncode == 0
    assert _digest(neo4j) == after_crash
    duplicates = run_cypher(
        neo4j,
        "MATCH (n:Entity) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS n",
    ).rows
    assert duplicates == [{"n": 0}]


def test_a_server_that_is_not_there_is_one_line_and_changes_nothing(
    neo4j: Graph,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = _kg(_env(neo4j, f"bolt://127.0.0.1:{port}"), "load")
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in _one_line_error(done)
    assert graph_state(neo4j)["nodes"] == []


class _Proxy:
    """A loopback TCP relay to the test server whose network can be cut at will."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.relayed = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                self.relayed += len(data)
                dst.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        """The cable is pulled: the listener and every connection go, nothing is answered."""
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close cannot
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@pytest.fixture
def proxy(managed_server: ManagedServer) -> Iterator[_Proxy]:
    relay = _Proxy(managed_server.bolt_port)
    yield relay
    relay.cut()


def test_a_network_drop_during_a_long_query_is_one_line(neo4j: Graph, proxy: _Proxy) -> None:
    long_query = "UNWIND range(1, 400000000) AS x WITH x WHERE x % 1000003 = 0 RETURN count(x)"
    running = subprocess.Popen(
        [KG, "cypher", long_query],
        cwd=ROOT,
        env=_env(neo4j, f"bolt://127.0.0.1:{proxy.port}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60  # a busy machine starts Python slowly
    while proxy.relayed == 0 and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2.0)  # connected, authenticated, the query running on the server
    assert running.poll() is None and proxy.relayed > 0
    proxy.cut()
    out, err = running.communicate(timeout=120)
    line = _one_line_error(subprocess.CompletedProcess(running.args, running.returncode, out, err))
    assert "Neo4j" in line and out == ""


def test_a_network_drop_mid_load_then_rerun_equals_a_clean_load(
    neo4j: Graph, proxy: _Proxy
) -> None:
    env = _env(neo4j)
    assert _kg(env, "load", "--format", "json").returncode == 0
    loading = _import_under_way(_env(neo4j, f"bolt://127.0.0.1:{proxy.port}"), neo4j, 2000)
    proxy.cut()
    out, err = loading.communicate(timeout=120)
    _one_line_error(subprocess.CompletedProcess(loading.args, loading.returncode, out, err))
    assert _kg(env, "divisions", "import", "--within", ZHEJIANG).returncode == 0
    after_drop = _digest(neo4j)
    clear_database(neo4j)
    assert _kg(env, "load").returncode == 0
    assert _kg(env, "divisions", "import", "--within", ZHEJIANG).returncode == 0
    assert _digest(neo4j) == after_drop


@pytest.mark.parametrize(
    "command",
    [
        ["load", "--format", "json"],
        ["divisions", "import", "--within", "310116,330421", "--format", "json"],
    ],
    ids=["kg load", "kg divisions import"],
)
def test_two_loads_at_once_write_one_graph(neo4j: Graph, command: list[str]) -> None:
    env = _env(neo4j)
    if command[0] == "divisions":
        assert _kg(env, "load").returncode == 0
    # The second waits for the first's lease: long enough for a slow, shared machine.
    waiting = [*command, "--lease-wait", "300"]
    both = [
        subprocess.Popen(
            [KG, *waiting], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for process in both:
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()
    together = _digest(neo4j)
    duplicates = run_cypher(
        neo4j,
        "MATCH (n:Entity) WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS n "
        "UNION ALL MATCH (a)-[r]->(b) WITH a, type(r) AS t, b, count(*) AS c WHERE c > 1 "
        "RETURN count(*) AS n",
    ).rows
    assert duplicates == [{"n": 0}, {"n": 0}]
    clear_database(neo4j)
    if command[0] == "divisions":
        assert _kg(env, "load").returncode == 0
    assert _kg(env, *command).returncode == 0
    assert _digest(neo4j) == together
