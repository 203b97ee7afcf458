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
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, ServerError
from loader.model.properties import PropertySpec
from loader.model.schema import Schema
from loader.neo4j.apply import apply_schema
from loader.neo4j.cypher_text import COUNT_NODES, DATASET_PROP, RUN_PROP, VERSION_PROP
from loader.neo4j.driver import open_driver
from loader.neo4j.install import java_binary
from loader.neo4j.server import ManagedServer
from loader.neo4j.store import LoadResult
from loader.neo4j.sync_plan import Counts
from loader.neo4j.target import Target, masked_uri

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


STAMP = [DATASET_PROP, VERSION_PROP, RUN_PROP]


class _Files:
    """The importer's CSV files, one per (dataset, label or type), opened with a typed header
    of the schema's properties when their first row arrives."""

    def __init__(self, folder: Path, schema: Schema) -> None:
        self.folder = folder
        self.schema = schema
        self.open: dict[tuple[str, str, str], tuple[IO[str], Any, list[str]]] = {}
        self.args: list[str] = []

    def writer(self, kind: str, dataset: str, group: str) -> tuple[Any, list[str]]:
        """The CSV writer for these rows, and the properties its columns hold, in order."""
        key = (kind, dataset, group)
        if key not in self.open:
            if kind == "nodes":
                specs = self.schema.node_properties(group)
                props = sorted(set(specs) - {"id"})
                head = ["id:ID(Entity)", ":LABEL"]
            else:
                specs = self.schema.relationship_properties(group)
                props = sorted(specs)
                head = [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
            path = self.folder / f"{kind}-{len(self.open)}-{group}.csv"
            handle = path.open("w", newline="", encoding="utf-8")
            out = csv.writer(handle)
            out.writerow([*head, *(_column(p, specs[p]) for p in props), *STAMP])
            self.open[key] = (handle, out, props)
            self.args.append(f"--{kind}={path}")
        _handle, out, props = self.open[key]
        return out, props

    def close(self) -> None:
        for handle, _out, _props in self.open.values():
            handle.close()


def write_files(
    sources: list[Iterable[Dataset]], schema: Schema, folder: Path, run_id: str
) -> tuple[list[str], dict[str, Counts], dict[str, Counts]]:
    """The importer's CSV files, written in one pass over each source's chunks (a curated
    dataset is one chunk; the divisions stream); returns the importer's arguments and counts.
    Columns are the schema's properties: an empty cell is no property."""
    folder.mkdir(parents=True, exist_ok=True)
    files = _Files(folder, schema)
    nodes: dict[str, Counts] = {}
    rels: dict[str, Counts] = {}
    try:
        for source in sources:
            for chunk in source:
                tail = [chunk.name, chunk.version, run_id]
                for entity in chunk.entities.values():
                    out, props = files.writer("nodes", chunk.name, entity.label)
                    out.writerow(
                        [
                            entity.id,
                            f"{schema.base_label}{ARRAY_DELIMITER}{entity.label}",
                            *(_cell(entity.properties.get(p)) for p in props),
                            *tail,
                        ]
                    )
                    nodes.setdefault(entity.label, Counts()).created += 1
                for relation in chunk.relations:
                    out, props = files.writer("relationships", chunk.name, relation.type)
                    out.writerow(
                        [
                            relation.start,
                            relation.end,
                            relation.type,
                            *(_cell(relation.properties.get(p)) for p in props),
                            *tail,
                        ]
                    )
                    rels.setdefault(relation.type, Counts()).created += 1
    finally:
        files.close()
    return files.args, nodes, rels


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
    sources: list[Iterable[Dataset]],
    schema: Schema,
    server: ManagedServer,
    settings: Target,
    name: str,
    version: str,
    replace: bool = False,
) -> LoadResult:
    """Import `sources` offline; the database must be empty unless `replace` (--wipe) says so."""
    started = time.monotonic()
    with open_driver(settings) as driver:
        records, _, _ = driver.execute_query(COUNT_NODES, database_=settings.database)
    if records[0]["n"] and not replace:
        raise ConfigError(
            "--bulk needs an empty database (it replaces it whole): "
            "use `kg load --wipe` first, or load without --bulk"
        )
    run_id = uuid.uuid4().hex
    folder = server.home / "import" / f"bulk-{run_id}"
    args, nodes, rels = write_files(sources, schema, folder, run_id)
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
    with open_driver(settings) as driver:
        apply_schema(driver, settings, schema)
    return LoadResult(
        name,
        version,
        run_id,
        masked_uri(settings.uri),
        False,
        False,
        True,
        nodes,
        rels,
        time.monotonic() - started,
    )
