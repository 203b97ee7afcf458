"""Read-only is read-only: without --write, a statement (and every saved query) reads the graph
and nothing else, decided from the server's plan; the managed server keeps its files to itself
and lets no LOAD CSV read them."""

from __future__ import annotations

import socket
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.errors import QueryFailed
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.server import ManagedServer

pytestmark = pytest.mark.neo4j

REFUSED = [
    ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD CSV reads files or URLs"),
    ("LOAD CSV FROM 'https://example.org/x.csv' AS l RETURN l", "LOAD CSV reads files or URLs"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    (
        "SHOW TRANSACTIONS YIELD parameters RETURN parameters",
        "SHOW TRANSACTIONS shows other sessions' queries and parameters",
    ),
    ("SHOW USERS", "query type 's'"),
    ("CREATE USER intruder SET PASSWORD 'abcdefgh1'", "query type 's'"),
    ("CALL db.resampleOutdatedIndexes()", "procedure db.resampleOutdatedIndexes is not known"),
    ("CALL dbms.listConfig()", "query type 's'"),
    ("MATCH (n) SET n.x = 1", "query type 'w'"),
    ("CREATE (n:X) RETURN n", "query type 'rw'"),
]


@pytest.mark.parametrize(("query", "reason"), REFUSED, ids=[q for q, _ in REFUSED])
def test_refused_without_write(
    query: str, reason: str, runner: CliRunner, neo4j_env: Graph
) -> None:
    result = runner.invoke(app, ["cypher", query])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and "refused" in lines[0], lines
    assert run_cypher(neo4j_env, "MATCH (n) RETURN count(n) AS n").rows == [{"n": 0}]


def test_reads_and_known_read_procedures_run(neo4j_env: Graph) -> None:
    assert run_cypher(neo4j_env, "RETURN 1 AS one").rows == [{"one": 1}]
    assert run_cypher(neo4j_env, "CALL db.labels() YIELD label RETURN count(*) AS n").rows


def test_a_url_is_never_fetched_without_write(runner: CliRunner, neo4j_env: Graph) -> None:
    """The plan is refused before anything runs: a listener on loopback hears nothing."""
    heard: list[bytes] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(3)
        port = listener.getsockname()[1]

        def accept() -> None:
            try:
                conn, _ = listener.accept()
                heard.append(conn.recv(100))
                conn.close()
            except OSError:
                pass

        waiter = threading.Thread(target=accept)
        waiter.start()
        result = runner.invoke(
            app, ["cypher", f"LOAD CSV FROM 'http://127.0.0.1:{port}/k' AS l RETURN l"]
        )
        waiter.join()
    assert result.exit_code == 1 and "LOAD CSV" in result.stderr
    assert heard == []


def test_a_saved_query_that_reads_a_file_is_refused(
    tmp_path: Path, runner: CliRunner, neo4j_env: Graph, managed_server: ManagedServer
) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "leak.cypher").write_text(
        "// Leak: reads the server's password file\n"
        "// @scope curated\n"
        f"LOAD CSV FROM 'file://{managed_server.password_file}' AS l RETURN l\n",
        "utf-8",
    )
    result = runner.invoke(app, ["query", "run", "leak", "--queries", str(folder)])
    assert result.exit_code == 1
    assert "saved query 'leak' is not read-only (LOAD CSV reads files or URLs)" in result.stderr


def test_file_urls_stay_closed_even_with_write(neo4j_env: Graph) -> None:
    with pytest.raises(QueryFailed, match="allow_csv_import_from_file_urls"):
        run_cypher(neo4j_env, "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", write=True)


def test_the_server_files_are_the_owners_alone(managed_server: ManagedServer) -> None:
    home = managed_server.home
    for path in [home, *(home / name for name in ("conf", "data", "logs", "run"))]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    for path in (home / "logs").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert (home / "kg-password").stat().st_mode & 0o077 == 0
    conf = (home / "conf" / "neo4j.conf").read_text("utf-8")
    assert "dbms.security.allow_csv_import_from_file_urls=false" in conf
    assert "server.directories.import=import" in conf
