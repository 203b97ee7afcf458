"""`kg doctor`: one line per check with a fix, exit 1 only when a check fails; what it reports
about the server is asked of the real test server."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.neo4j.graph import Graph
from loader.neo4j.install import pinned_version
from loader.neo4j.server import ManagedServer

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ["python", "java", "maven", "port bolt", "port http", "fonts", "chromium", "disk",
          "server", "data"]  # fmt: skip


def _doctor(*args: str) -> tuple[int, dict[str, dict[str, str]], bool]:
    result = CliRunner().invoke(app, [*args, "doctor", "--format", "json"])
    report = json.loads(result.stdout)
    return result.exit_code, {c["check"]: c for c in report["checks"]}, report["ok"]


@pytest.fixture
def listening() -> Iterator[int]:
    """A port another program holds."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_fresh_home_on_a_taken_port_fails_naming_the_setting(
    tmp_path: Path, listening: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_NEO4J_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KG_NEO4J_BOLT_PORT", str(listening))
    monkeypatch.setenv("KG_NEO4J_HTTP_PORT", "1")  # nothing listens on tcpmux here
    code, checks, ok = _doctor()
    assert list(checks) == CHECKS and code == 1 and not ok
    bolt = checks["port bolt"]
    assert bolt["state"] == "fail" and str(listening) in bolt["detail"]
    assert "KG_NEO4J_BOLT_PORT" in bolt["fix"]
    assert checks["port http"]["state"] == "ok"
    assert checks["server"]["state"] == "warn" and checks["server"]["fix"] == "kg neo4j install"
    assert checks["data"]["state"] == "ok" and checks["python"]["state"] == "ok"


def test_missing_tools_fail_with_their_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_NEO4J_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", str(tmp_path))  # no java, mvn, chromium here
    monkeypatch.delenv("JAVA_HOME", raising=False)
    code, checks, _ok = _doctor()
    assert code == 1
    assert checks["java"]["state"] == "fail" and "JAVA_HOME" in checks["java"]["fix"]
    assert checks["maven"]["state"] == "fail" and "maven" in checks["maven"]["fix"]
    assert checks["chromium"]["state"] == "warn"  # the tests need it, the main job does not


def test_outside_a_project_the_data_and_server_lines_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_PROJECT", raising=False)
    code, checks, _ok = _doctor()
    assert code == 1
    assert checks["data"]["state"] == "fail" and "--project" in checks["data"]["fix"]
    assert checks["server"]["state"] == "fail"
    assert "port bolt" not in checks  # no managed server to check the ports of


def test_an_unreachable_server_named_by_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever")
    code, checks, _ok = _doctor()
    assert code == 1
    assert checks["server"]["state"] == "fail" and str(port) in checks["server"]["detail"]
    assert "port bolt" not in checks  # another server's ports are not the managed one's


def test_invalid_data_and_an_unreadable_kg_toml(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "schema", project / "schema")
    (project / "data").mkdir()
    (project / "data" / "broken.yaml").write_text("entities: [{id: x, label: Nope}]\n", "utf-8")
    (project / "kg.toml").write_text("")
    code, checks, _ok = _doctor("--project", str(project))
    assert code == 1
    assert checks["data"]["state"] == "fail" and checks["data"]["fix"] == "kg validate"
    (project / "kg.toml").write_text("[paths\n")
    code, checks, _ok = _doctor("--project", str(project))
    assert code == 1 and checks["data"]["state"] == "fail" and "kg.toml" in checks["data"]["detail"]


def test_a_table_is_one_line_per_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_NEO4J_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["doctor", "--format", "csv"])
    lines = result.stdout.splitlines()
    assert lines[0] == "check,state,detail,fix" and len(lines) == 1 + len(CHECKS)


@pytest.mark.neo4j
def test_the_managed_test_server_is_healthy_and_pinned(
    managed_server: ManagedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_NEO4J_HOME", str(managed_server.home))
    code, checks, ok = _doctor()
    server = checks["server"]
    assert server["state"] == "ok", server
    assert f"Neo4j {pinned_version()}" in server["detail"]
    assert str(managed_server.bolt_port) in server["detail"]
    assert checks["port bolt"]["detail"].endswith("the managed server listens there")
    assert (code == 0) == ok


@pytest.mark.neo4j
def test_a_wrong_password_is_a_failed_server_line(
    neo4j_env: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, checks, _ok = _doctor()
    assert checks["server"]["state"] == "ok", checks["server"]
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    code, checks, _ok = _doctor()
    assert code == 1 and checks["server"]["state"] == "fail"
    assert "not-the-password" not in json.dumps(checks)
