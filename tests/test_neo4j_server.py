"""The managed server is a real Neo4j: Bolt, Browser, the cjk analyzer, start/stop behaviour."""

from __future__ import annotations

import json
import os
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from loader.model.errors import AuthFailed, ConfigError, Hint, ServerError, ToolMissing
from loader.model.schema import load_schema
from loader.neo4j.browser_style import post_connect_command
from loader.neo4j.connect import managed_server as server_for
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.install import java_binary, pinned_version
from loader.neo4j.server import ManagedServer
from loader.neo4j.server import port_in_use as _port_in_use
from loader.neo4j.target import ConnectionOptions, Target
from tests.project import SCHEMA_FILE, dead_pid

pytestmark = pytest.mark.neo4j


def test_bolt_answers_return_1(neo4j: Graph) -> None:
    assert run_cypher(neo4j, "RETURN 1 AS one").rows == [{"one": 1}]


def test_cjk_fulltext_analyzer_is_available(neo4j: Graph) -> None:
    rows = run_cypher(
        neo4j, "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer RETURN analyzer"
    ).rows
    assert {"analyzer": "cjk"} in rows


def test_browser_is_served(managed_server: ManagedServer) -> None:
    url = f"http://127.0.0.1:{managed_server.http_port}/browser/"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode("utf-8")
        assert response.status == 200
    assert "<title>Neo4j Browser</title>" in body


def test_discovery_advertises_loopback_community_of_pinned_version(
    managed_server: ManagedServer,
) -> None:
    url = f"http://127.0.0.1:{managed_server.http_port}/"
    with urllib.request.urlopen(url, timeout=10) as response:
        info = json.loads(response.read())
    assert info["bolt_direct"] == f"bolt://127.0.0.1:{managed_server.bolt_port}"
    assert info["neo4j_edition"] == "community"
    assert info["neo4j_version"] == pinned_version()


def test_status_reports_running_server(managed_server: ManagedServer) -> None:
    status = managed_server.status()
    assert status.running and status.installed and status.pid
    assert status.version == pinned_version()
    assert status.bolt_uri == managed_server.bolt_uri
    assert status.browser_url.endswith(f":{managed_server.http_port}/browser/")


def test_start_and_install_again_are_no_ops(managed_server: ManagedServer) -> None:
    pid = managed_server.status().pid
    assert managed_server.install().already_installed
    again = managed_server.start()
    assert again.already_running
    assert again.status.pid == pid


def test_conf_is_loopback_only_with_telemetry_off(managed_server: ManagedServer) -> None:
    conf = (managed_server.home / "conf" / "neo4j.conf").read_text("utf-8")
    settings = dict(line.split("=", 1) for line in conf.splitlines() if "=" in line)
    assert settings["server.default_listen_address"] == "127.0.0.1"
    assert settings["server.bolt.listen_address"] == f"127.0.0.1:{managed_server.bolt_port}"
    assert settings["server.http.listen_address"] == f"127.0.0.1:{managed_server.http_port}"
    assert settings["dbms.security.auth_enabled"] == "true"
    assert settings["dbms.usage_report.enabled"] == "false"
    assert settings["client.allow_telemetry"] == "false"
    assert "--add-opens=java.base/java.nio=ALL-UNNAMED" in conf


def test_browser_is_styled_on_login(neo4j: Graph) -> None:
    """Browser reads `browser.post_connect_cmd` through dbms.clientConfig() after a login and
    runs it (tests/test_browser_e2e.py watches it do so): the project's stylesheet."""
    query = "CALL dbms.clientConfig() YIELD name, value RETURN name, value"
    config = {row["name"]: row["value"] for row in run_cypher(neo4j, query, write=True).rows}
    assert config["browser.post_connect_cmd"] == post_connect_command(load_schema(SCHEMA_FILE))


def test_password_file_is_private_and_auth_is_on(
    managed_server: ManagedServer, neo4j: Graph
) -> None:
    mode = stat.S_IMODE(managed_server.password_file.stat().st_mode)
    assert mode == 0o600
    assert managed_server.password() not in json.dumps(managed_server.status().as_dict())
    request = urllib.request.Request(
        f"http://127.0.0.1:{managed_server.http_port}/db/neo4j/query/v2",
        data=b'{"statement": "RETURN 1"}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    refused.value.close()
    wrong = Target(neo4j.target.uri, neo4j.target.username, "not-the-password")
    with pytest.raises(AuthFailed), Graph.open(wrong) as graph:
        run_cypher(graph, "RETURN 1")


def test_start_refuses_a_busy_port(managed_server: ManagedServer, tmp_path: Path) -> None:
    (tmp_path / "lib").symlink_to(managed_server.home / "lib")
    other = ManagedServer(tmp_path, bolt_port=managed_server.bolt_port, http_port=1)
    with pytest.raises(ServerError, match=f"port {managed_server.bolt_port} .* already in use"):
        other.start()


def test_every_command_takes_the_ports_from_one_place(
    managed_server: ManagedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KG_NEO4J_BOLT_PORT / KG_NEO4J_HTTP_PORT choose where any command starts the managed
    server (not only `kg neo4j start`); a busy port names the setting to change; a running
    server is reached where it listens, whatever the environment says now."""
    (tmp_path / "lib").symlink_to(managed_server.home / "lib")
    monkeypatch.setenv("KG_NEO4J_BOLT_PORT", str(managed_server.bolt_port))  # busy: it runs there
    monkeypatch.setenv("KG_NEO4J_HTTP_PORT", "17999")
    other = server_for(None, ConnectionOptions(home=tmp_path))
    assert (other.bolt_port, other.http_port) == (managed_server.bolt_port, 17999)
    with pytest.raises(ServerError, match="choose a free one with KG_NEO4J_BOLT_PORT"):
        other.start()
    monkeypatch.setenv("KG_NEO4J_BOLT_PORT", "17998")
    running = server_for(None, ConnectionOptions(home=managed_server.home))
    assert running.bolt_uri == managed_server.bolt_uri
    monkeypatch.setenv("KG_NEO4J_BOLT_PORT", "seven")
    with pytest.raises(ConfigError, match="KG_NEO4J_BOLT_PORT is 'seven': a port is a whole"):
        server_for(None, ConnectionOptions(home=tmp_path))


def test_start_before_install_says_so(tmp_path: Path) -> None:
    with pytest.raises(ServerError, match=r"not installed in ") as refused:
        ManagedServer(tmp_path / "home").start()
    assert refused.value.hint is Hint.INSTALL_SERVER


def test_old_java_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "java"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(ToolMissing, match=r"Java 17\+ is required .* Java 11"):
        java_binary()


def test_missing_java_and_maven_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match="no `java` was found"):
        ManagedServer(tmp_path / "home").install()
    real_java = Path(os.path.realpath("/usr/bin/java")).parent.parent
    monkeypatch.setenv("JAVA_HOME", str(real_java))
    with pytest.raises(ToolMissing, match="Maven"):
        ManagedServer(tmp_path / "home").install()


def test_stop_leaves_no_jvm_and_restart_keeps_data(
    managed_server: ManagedServer, neo4j: Graph
) -> None:
    run_cypher(neo4j, "CREATE (:Survivor {name: '金山'})", write=True)
    pid = managed_server.status().pid
    assert pid is not None
    assert managed_server.stop()
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    assert not _port_in_use(managed_server.bolt_port)
    assert not managed_server.status().running
    assert not managed_server.stop()
    managed_server.start()
    rows = run_cypher(neo4j, "MATCH (n:Survivor) RETURN n.name AS name").rows
    assert rows == [{"name": "金山"}]


def test_a_first_start_sets_a_password_of_its_own(
    managed_server: ManagedServer, tmp_path: Path
) -> None:
    """`kg neo4j start` on a never-started home (the tests' own server on a fresh checkout):
    the built-in password is replaced by a random one, kept owner-only, which then logs in."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "lib").symlink_to(managed_server.home / "lib")  # the jars, installed once
    fresh = ManagedServer(
        home, bolt_port=managed_server.bolt_port + 2, http_port=managed_server.http_port + 2
    )
    try:
        assert not fresh.start().already_running
        assert stat.S_IMODE(fresh.password_file.stat().st_mode) == 0o600
        assert fresh.password() != "neo4j"
        with Graph.open(fresh.login_target()) as graph:
            assert run_cypher(graph, "RETURN 1 AS one").rows == [{"one": 1}]
    finally:
        fresh.stop()


def test_a_first_start_cut_short_at_any_step_is_finished_by_the_next(
    managed_server: ManagedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new password is written (owner-only, synced) before the server is told and renamed
    into place after: a start that fails before the change, or after it and before the rename,
    is finished by the next start, with its data and without deleting anything."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "lib").symlink_to(managed_server.home / "lib")
    fresh = ManagedServer(
        home, bolt_port=managed_server.bolt_port + 4, http_port=managed_server.http_port + 4
    )
    real_execute = Graph.execute

    def refuse_the_change(self: Graph, query: str, *args: object, **kwargs: object) -> object:
        if query.startswith("ALTER CURRENT USER"):
            raise OSError("cut short before the change")
        return real_execute(self, query, *args, **kwargs)  # type: ignore[arg-type]

    def refuse_the_rename(self: ManagedServer) -> None:
        raise OSError("cut short after the change")

    try:
        for step, cut in (("before", refuse_the_change), ("after", refuse_the_rename)):
            with monkeypatch.context() as patched:
                if step == "before":
                    patched.setattr(Graph, "execute", cut)
                else:
                    patched.setattr(ManagedServer, "_keep_pending", cut)
                with pytest.raises(ServerError):
                    fresh.start(timeout=15)
            assert not fresh.password_file.exists(), step
            assert stat.S_IMODE(fresh.pending_file.stat().st_mode) == 0o600, step
            fresh.stop()
            if step == "before":
                fresh._pending = None  # a new process: only the file remembers the password
        assert not fresh.start().already_running
        assert not fresh.pending_file.exists()
        assert stat.S_IMODE(fresh.password_file.stat().st_mode) == 0o600
        with Graph.open(fresh.login_target()) as graph:
            assert run_cypher(graph, "RETURN 1 AS one").rows == [{"one": 1}]
    finally:
        fresh.stop()


def test_a_first_start_killed_while_writing_the_password_leaves_no_secret_behind(
    managed_server: ManagedServer, tmp_path: Path
) -> None:
    """A start killed after its temporary password file was written and before the rename left
    `.kg-password.new.<pid>`; the server was never told that password. The next first start
    sets its own, and the dead process's file is gone."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "lib").symlink_to(managed_server.home / "lib")
    fresh = ManagedServer(
        home, bolt_port=managed_server.bolt_port + 6, http_port=managed_server.http_port + 6
    )
    dead = dead_pid()
    left = home / f".{fresh.pending_file.name}.{dead}"
    left.write_text("never-set-password\n", "utf-8")
    left.chmod(0o600)
    try:
        assert not fresh.start().already_running
        assert not left.exists()
        assert not fresh.pending_file.exists()
        assert fresh.password() != "never-set-password"
        with Graph.open(fresh.login_target()) as graph:
            assert run_cypher(graph, "RETURN 1 AS one").rows == [{"one": 1}]
    finally:
        fresh.stop()
