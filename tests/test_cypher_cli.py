"""`kg cypher` against the real test server: formats, parameters, access mode, clean errors."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.server import ManagedServer

pytestmark = pytest.mark.neo4j

SEED = "CREATE (:Place {id: 'jinshan', name: '金山区', name_en: 'Jinshan District', rank: 3})"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_write_then_json_rows(runner: CliRunner, neo4j_env: Graph) -> None:
    created = runner.invoke(app, ["cypher", SEED, "--write"])
    assert created.exit_code == 0, created.output
    assert run_cypher(neo4j_env, "MATCH (p:Place) RETURN p.name AS name").rows == [
        {"name": "金山区"}
    ]
    result = runner.invoke(
        app,
        [
            "cypher",
            "MATCH (p:Place {id: $id}) RETURN p.name AS name, p.rank + $n AS r, $tags AS t",
            "-p",
            "id=jinshan",
            "-p",
            "n=2",
            "-p",
            't=["a","b"]',
            "-p",
            "tags=[1, 2]",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"name": "金山区", "r": 5, "t": [1, 2]}]


def test_csv_and_table_formats(runner: CliRunner, neo4j_env: Graph) -> None:
    run_cypher(neo4j_env, SEED, write=True)
    query = "MATCH (p:Place) RETURN p.id AS id, p.name AS name, [p.rank] AS ranks"
    as_csv = runner.invoke(app, ["cypher", query, "--format", "csv"])
    assert as_csv.exit_code == 0
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["id", "name", "ranks"],
        ["jinshan", "金山区", "[3]"],
    ]
    as_table = runner.invoke(app, ["cypher", query])
    assert as_table.exit_code == 0
    assert "金山区" in as_table.stdout and "jinshan" in as_table.stdout


def test_nodes_come_out_as_data(runner: CliRunner, neo4j_env: Graph) -> None:
    run_cypher(neo4j_env, SEED, write=True)
    result = runner.invoke(app, ["cypher", "MATCH (p:Place) RETURN p", "--format", "json"])
    [row] = json.loads(result.stdout)
    assert row["p"]["labels"] == ["Place"]
    assert row["p"]["properties"]["name_en"] == "Jinshan District"


def test_string_parameter_that_is_not_json(runner: CliRunner, neo4j_env: Graph) -> None:
    result = runner.invoke(
        app, ["cypher", "RETURN $s AS s", "-p", "s=上海湾区", "--format", "json"]
    )
    assert json.loads(result.stdout) == [{"s": "上海湾区"}]


def test_reads_cannot_write(runner: CliRunner, neo4j_env: Graph) -> None:
    result = runner.invoke(app, ["cypher", SEED])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "is not read-only (the server plans it as query type 'w')" in result.stderr
    assert run_cypher(neo4j_env, "MATCH (n) RETURN count(n) AS n").rows == [{"n": 0}]


def _assert_one_line_error(result_exit: int, stderr: str, fragment: str) -> None:
    assert result_exit != 0
    assert stderr.startswith("kg: error: ")
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert fragment in stderr


def test_syntax_error(runner: CliRunner, neo4j_env: Graph) -> None:
    result = runner.invoke(app, ["cypher", "MATCH (n RETURN n"])
    _assert_one_line_error(result.exit_code, result.stderr, "Cypher syntax error")


def test_unknown_database(runner: CliRunner, neo4j_env: Graph) -> None:
    result = runner.invoke(app, ["cypher", "RETURN 1", "--database", "nosuchdb"])
    _assert_one_line_error(result.exit_code, result.stderr, "database 'nosuchdb' does not exist")


def test_wrong_password(
    runner: CliRunner, neo4j_env: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "definitely-wrong")
    result = runner.invoke(app, ["cypher", "RETURN 1"])
    _assert_one_line_error(result.exit_code, result.stderr, "authentication failed")
    assert "definitely-wrong" not in result.output


def test_unreachable_server(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    result = runner.invoke(app, ["cypher", "RETURN 1"])
    _assert_one_line_error(
        result.exit_code, result.stderr, f"cannot reach Neo4j at bolt://127.0.0.1:{port}"
    )


def test_unsupported_uri_scheme(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "http://127.0.0.1:7474")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    result = runner.invoke(app, ["cypher", "RETURN 1"])
    _assert_one_line_error(result.exit_code, result.stderr, "unsupported Neo4j URI")


def test_bad_parameter(runner: CliRunner, neo4j_env: Graph) -> None:
    result = runner.invoke(app, ["cypher", "RETURN 1", "-p", "no-equals-sign"])
    _assert_one_line_error(result.exit_code, result.stderr, "not of the form name=value")


def test_neo4j_uri_scheme_with_routing(
    runner: CliRunner, neo4j_env: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_env.target.uri.replace("bolt://", "neo4j://"))
    result = runner.invoke(app, ["cypher", "RETURN 2 AS two", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"two": 2}]


def test_default_target_is_the_managed_server(
    managed_server: ManagedServer, neo4j: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no NEO4J_URI the real `kg` script finds the managed server and its password."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KG_NEO4J_HOME"] = str(managed_server.home)
    kg = Path(sys.executable).parent / "kg"
    done = subprocess.run(
        [str(kg), "cypher", "RETURN 'ok' AS status", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"status": "ok"}]
    assert managed_server.password() not in done.stdout + done.stderr


def test_managed_server_not_running_is_a_clean_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KG_NEO4J_HOME"] = str(tmp_path)
    kg = Path(sys.executable).parent / "kg"
    done = subprocess.run(
        [str(kg), "cypher", "RETURN 1"], capture_output=True, text=True, env=env, check=False
    )
    _assert_one_line_error(done.returncode, done.stderr, "is not running")


def test_statements_from_a_file_and_stdin_run_in_turn(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    script = tmp_path / "seed.cypher"
    script.write_text(SEED + ";\n// the second one\nMATCH (p:Place) SET p.seen = true;\n", "utf-8")
    written = runner.invoke(app, ["cypher", "--file", str(script), "--write"])
    assert written.exit_code == 0, written.output
    assert run_cypher(neo4j_env, "MATCH (p:Place) RETURN p.seen AS seen").rows == [{"seen": True}]
    read = runner.invoke(
        app,
        ["cypher", "-", "--format", "json", "-p", "n => 2"],
        input="RETURN $n AS n; MATCH (p:Place) RETURN p.id AS id",
    )
    assert read.exit_code == 0, read.output
    assert json.loads(read.stdout) == [  # one document, each statement with its rows
        {"statement": "RETURN $n AS n", "rows": [{"n": 2}]},
        {"statement": "MATCH (p:Place) RETURN p.id AS id", "rows": [{"id": "jinshan"}]},
    ]
    as_csv = runner.invoke(
        app,
        ["cypher", "-", "--format", "csv", "-p", "n => 2"],
        input="RETURN $n AS n;\nMATCH (p:Place)\nRETURN p.id AS id",
    )
    assert as_csv.exit_code == 0, as_csv.output
    blocks = as_csv.stdout.replace("\r\n", "\n").split("\n\n")  # CSV rows end in CRLF
    assert blocks == [  # a block per statement, a header line naming it
        "# statement 1: RETURN $n AS n\nn\n2",
        "# statement 2: MATCH (p:Place) RETURN p.id AS id\nid\njinshan\n",
    ]
    refused = runner.invoke(app, ["cypher", "-"], input="RETURN 1; CREATE (:X)")
    assert refused.exit_code == 1
    assert run_cypher(neo4j_env, "MATCH (x:X) RETURN count(x) AS n").rows == [{"n": 0}]
