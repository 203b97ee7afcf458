"""The main job, end to end: reach a Neo4j (the managed one unless NEO4J_URI is set), then work.

Each step returns data into one report; the CLI prints it. Later steps (validate, load, query,
export, report) join here as they are built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from loader.connection import ENV_URI, ConnectionSettings, open_driver, resolve_settings
from loader.neo4j_server import ManagedServer, ServerStatus, default_home


@dataclass
class JobReport:
    uri: str
    neo4j_version: str
    edition: str
    managed: ServerStatus | None = None
    steps: list[str] = field(default_factory=list)


def server_components(settings: ConnectionSettings) -> tuple[str, str]:
    """(version, edition) of the server behind `settings`."""
    with open_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
            database_=settings.database,
        )
    for record in records:
        if record["name"] == "Neo4j Kernel":
            return str(record["versions"][0]), str(record["edition"])
    return "unknown", "unknown"


def run_main_job(home: Path | None = None) -> JobReport:
    steps: list[str] = []
    managed: ServerStatus | None = None
    if not os.environ.get(ENV_URI):
        server = ManagedServer(home or default_home())
        installed = server.install()
        steps.append(
            f"Neo4j {installed.version} "
            + ("already installed" if installed.already_installed else "installed")
            + f" in {installed.home}"
        )
        started = server.start()
        steps.append("server already running" if started.already_running else "server started")
        managed = started.status
    settings = resolve_settings(home=home)
    version, edition = server_components(settings)
    return JobReport(settings.uri, version, edition, managed, steps)
