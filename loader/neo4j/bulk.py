"""`kg load --bulk`: an empty managed database filled by Neo4j's offline importer.

Writes neo4j-admin import CSV files (`import_files`), stops the managed server, runs
`neo4j-admin database import full`, starts the server again and applies the schema DDL. Only
for an empty database on the managed server: the importer replaces the whole database. Each
step's seconds are in the result (`phases_s`): what is left beyond the importer is seen there.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from loader.model.errors import ConfigError, Hint, ServerError
from loader.model.schema import Schema
from loader.neo4j.apply import apply_schema
from loader.neo4j.connect import Connection
from loader.neo4j.cypher_text import COUNT_DATA_NODES
from loader.neo4j.graph import Graph
from loader.neo4j.import_files import (
    ARRAY_DELIMITER,
    NODES,
    RELATIONSHIPS,
    Rows,
    Written,
    write_files,
)
from loader.neo4j.install import java_binary
from loader.neo4j.lease import release, take
from loader.neo4j.load_record import finish_record, start_record
from loader.neo4j.server import ManagedServer, bulk_folder
from loader.neo4j.store import LoadResult, verify_nodes
from loader.neo4j.target import masked_uri

DATABASE = "neo4j"  # a bulk import fills the default database only (another is refused)


def admin_import(
    server: ManagedServer, database: str, args: list[str]
) -> subprocess.CompletedProcess[str]:
    """`neo4j-admin database import full` on a stopped managed server."""
    return subprocess.run(
        [
            java_binary(),
            "-cp",
            str(server.home / "lib" / "*"),
            "org.neo4j.server.startup.Neo4jAdminCommand",
            "database",
            "import",
            "full",
            database,  # first: --nodes and --relationships take several values each
            "--overwrite-destination=true",
            "--multiline-fields=true",
            f"--array-delimiter={ARRAY_DELIMITER}",
            "--skip-bad-relationships=false",
            # its report goes to the server's logs, not into the working directory
            f"--report-file={server.home / 'logs' / 'import.report'}",
            *args,
        ],
        capture_output=True,
        text=True,
        env=server.admin_env(),
        check=False,
    )


def bulk_load(
    connection: Connection,
    batches: Iterable[Rows],
    *,
    schema: Schema,
    name: str,
    version: str,
    replace: bool = False,
    lease_wait: float = 10.0,
    command: str | None = None,
) -> LoadResult:
    """Import the rows offline into the connection's managed server; the database must be
    empty unless `replace` says so. The server is started once, at the end: a stopped server
    with no store is empty without starting it, and a running one stops (a checkpoint) while
    the files are written, once no load runs on it (the database-wide lease, claimed for good:
    the import replaces the database that holds it). The connection's one Graph is opened when
    the server first answers and serves every step after. At the end the database is asked
    whether it holds, per dataset and label, the nodes the result reports."""
    started = time.monotonic()
    phases: dict[str, float] = {}
    server = connection.server()
    server.install()
    run_id = uuid.uuid4().hex
    claimed = _claim_empty(server, connection, (name, run_id, lease_wait), replace=replace)
    folder = bulk_folder(server.home, run_id)  # removed at the end; if killed, at the next start
    replaced = False
    try:
        with timed(phases, "files"), ThreadPoolExecutor(1) as pool:
            stopping = pool.submit(server.stop)  # the files are written while it stops
            try:
                written = write_files(batches, schema, folder)
            finally:
                stopping.result()
        with timed(phases, "import"):
            done = admin_import(server, DATABASE, written.args)
        connection.database_replaced()  # before the start: its wait runs a query
        replaced = done.returncode == 0
    finally:
        with timed(phases, "start"):
            connection.start_server()
        shutil.rmtree(folder, ignore_errors=True)
        if claimed and not replaced:  # the claim's database is still there: the claim goes
            release(connection.graph(start=False), name, run_id)
    if done.returncode != 0:
        lines = [
            ln.strip()
            for ln in (done.stderr + done.stdout).splitlines()
            if ln.strip() and not ln.strip().startswith("at ")
        ]
        reason = next((ln for ln in lines if "Exception" in ln or "rror" in ln), None)
        raise ServerError(f"neo4j-admin import failed: {(reason or (lines or ['?'])[-1])[:300]}")
    graph = connection.graph(start=False)
    with timed(phases, "schema"):  # the constraints and indexes, populated over every node
        apply_schema(graph, schema)
    with timed(phases, "record"):
        _record(graph, written, run_id, command)
    for dataset, sections in written.counts.items():  # what the result reports is there
        present = {label: c.created for label, c in sections[NODES].items() if c.created}
        verify_nodes(graph, schema.base_label, dataset, present)
    return LoadResult(
        name,
        version,
        run_id,
        masked_uri(graph.target.uri),
        wiped=True,
        nodes=written.total(NODES),
        relationships=written.total(RELATIONSHIPS),
        elapsed_s=time.monotonic() - started,
        phases_s=phases,
    )


@contextmanager
def timed(phases: dict[str, float], name: str) -> Iterator[None]:
    """Adds the seconds the block takes to `phases[name]` (also when it fails)."""
    began = time.monotonic()
    try:
        yield
    finally:
        phases[name] = phases.get(name, 0.0) + time.monotonic() - began


def _record(graph: Graph, written: Written, run_id: str, command: str | None) -> None:
    """A load record for each dataset imported, as a load leaves: a later load of it finds
    its version there (its chunks it compares row by row: the import recorded none)."""
    for dataset, version in written.versions.items():
        start_record(graph, run_id, dataset, version, command)
        counts = written.counts[dataset]
        sections = {"nodes": counts[NODES], "relationships": counts[RELATIONSHIPS]}
        finish_record(graph, run_id, dataset, sections, {})


def _claim_empty(
    server: ManagedServer,
    connection: Connection,
    lease: tuple[str, str, float],
    *,
    replace: bool,
) -> bool:
    """Whether the database-wide lease was claimed, so that no load is writing to the database
    the import replaces (it goes with that database). A stopped server runs no load: with no
    store, or one to be replaced, nothing is asked. Otherwise the server is started if need
    be, the claim waits up to the lease's seconds for running loads, and then, unless
    `replace`, the database must hold no node but the leases."""
    store = server.home / "data" / "databases" / DATABASE
    if not server.is_running() and (replace or not store.exists()):
        return False
    graph = connection.graph(start=True)
    name, run_id, wait_s = lease
    take(graph, name, run_id, wait_s, alone=True, why="a bulk load")
    if not replace and graph.records(COUNT_DATA_NODES)[0]["n"]:
        release(graph, name, run_id)
        raise ConfigError(
            "a bulk import needs an empty database (it replaces it whole)", hint=Hint.WIPE_FIRST
        )
    return True
