"""`kg load --bulk`: an empty managed database filled by Neo4j's offline importer.

Writes neo4j-admin import CSV files (one per label and per relationship type, typed headers),
stops the managed server, runs `neo4j-admin database import full`, starts the server again and
applies the schema DDL. Only for an empty database on the managed server: the importer replaces
the whole database.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

from loader.connection import ConnectionSettings, open_driver
from loader.cypher_text import DATASET_PROP, RUN_PROP, VERSION_PROP
from loader.dataset import Dataset
from loader.ddl import schema_statements
from loader.errors import ConfigError, ServerError
from loader.neo4j_server import ManagedServer, java_binary
from loader.neo4j_store import LoadResult
from loader.schema import PropertySpec, Schema
from loader.sync_plan import Counts

ARRAY_DELIMITER = "\x1f"  # unit separator: never inside a curated value
TYPES = {
    "string": "string",
    "integer": "long",
    "decimal": "double",
    "boolean": "boolean",
    "date": "date",
    "list[string]": "string[]",
}


def _column(name: str, spec: PropertySpec | None) -> str:
    kind = TYPES[spec.type] if spec else "string"
    return name if kind == "string" else f"{name}:{kind}"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def write_files(
    datasets: list[Dataset], schema: Schema, folder: Path, run_id: str
) -> tuple[list[str], dict[str, Counts], dict[str, Counts]]:
    """The importer's CSV files; returns its --nodes/--relationships arguments and counts."""
    folder.mkdir(parents=True, exist_ok=True)
    args: list[str] = []
    nodes: dict[str, Counts] = {}
    rels: dict[str, Counts] = {}
    by_label: dict[str, list[tuple[Dataset, Any]]] = {}
    for dataset in datasets:
        for entity in dataset.entities.values():
            by_label.setdefault(entity.label, []).append((dataset, entity))
    stamp = [DATASET_PROP, VERSION_PROP, RUN_PROP]
    for label, rows in sorted(by_label.items()):
        specs = schema.node_properties(label)
        props = sorted({k for _d, e in rows for k in e.properties} - {"id"})
        path = folder / f"nodes-{label}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(
                ["id:ID(Entity)", ":LABEL", *(_column(p, specs.get(p)) for p in props), *stamp]
            )
            for dataset, entity in rows:
                out.writerow(
                    [
                        entity.id,
                        f"{schema.base_label}{ARRAY_DELIMITER}{label}",
                        *(_cell(entity.properties.get(p)) for p in props),
                        dataset.name,
                        dataset.version,
                        run_id,
                    ]
                )
        args.append(f"--nodes={path}")
        nodes[label] = Counts(created=len(rows))
    by_type: dict[str, list[tuple[Dataset, Any]]] = {}
    for dataset in datasets:
        for relation in dataset.relations:
            by_type.setdefault(relation.type, []).append((dataset, relation))
    for rel_type, rows in sorted(by_type.items()):
        specs = schema.relationship_properties(rel_type)
        props = sorted({k for _d, r in rows for k in r.properties})
        path = folder / f"rels-{rel_type}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(
                [
                    ":START_ID(Entity)",
                    ":END_ID(Entity)",
                    ":TYPE",
                    *(_column(p, specs.get(p)) for p in props),
                    *stamp,
                ]
            )
            for dataset, relation in rows:
                out.writerow(
                    [
                        relation.start,
                        relation.end,
                        rel_type,
                        *(_cell(relation.properties.get(p)) for p in props),
                        dataset.name,
                        dataset.version,
                        run_id,
                    ]
                )
        args.append(f"--relationships={path}")
        rels[rel_type] = Counts(created=len(rows))
    return args, nodes, rels


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
            *args,
        ],
        capture_output=True,
        text=True,
        env=server.admin_env(),
        check=False,
    )


def bulk_load(
    datasets: list[Dataset], schema: Schema, server: ManagedServer, settings: ConnectionSettings
) -> LoadResult:
    started = time.monotonic()
    with open_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) RETURN count(n) AS n", database_=settings.database
        )
    if records[0]["n"]:
        raise ConfigError(
            "--bulk needs an empty database (it replaces it whole): "
            "use `kg load --wipe` first, or load without --bulk"
        )
    run_id = uuid.uuid4().hex
    folder = server.home / "import" / f"bulk-{run_id}"
    args, nodes, rels = write_files(datasets, schema, folder, run_id)
    server.stop()
    try:
        done = admin_import(server, settings.database or "neo4j", args)
    finally:
        server.start()
        shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        lines = [
            ln.strip()
            for ln in (done.stderr + done.stdout).splitlines()
            if ln.strip() and not ln.strip().startswith("at ")
        ]
        reason = next((ln for ln in lines if "Exception" in ln or "rror" in ln), None)
        raise ServerError(f"neo4j-admin import failed: {(reason or (lines or ['?'])[-1])[:300]}")
    with open_driver(settings) as driver, driver.session(database=settings.database) as session:
        for statement in schema_statements(schema):
            session.run(statement).consume()
    name = "+".join(d.name for d in datasets)
    version = "+".join(d.version for d in datasets)
    return LoadResult(
        name,
        version,
        run_id,
        settings.uri,
        False,
        False,
        True,
        nodes,
        rels,
        time.monotonic() - started,
    )
