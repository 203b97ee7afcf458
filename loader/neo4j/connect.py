"""One function turns options, then the environment, then the managed server into a `Target`.

"Managed server or a URI?" is decided here and nowhere else.
"""

from __future__ import annotations

import os

from loader.model.errors import ConnectionFailed
from loader.neo4j.server import USERNAME, ManagedServer, default_home
from loader.neo4j.target import (
    ENV_USERNAME,
    ConnectionOptions,
    Target,
    checked_uri,
    env_password,
)


def managed_server(
    options: ConnectionOptions, bolt_port: int | None = None, http_port: int | None = None
) -> ManagedServer:
    """The project's managed server (or the one `--home` names), on the ports given if any."""
    return ManagedServer(options.home or default_home(), bolt_port=bolt_port, http_port=http_port)


def resolve_target(
    options: ConnectionOptions, *, start: bool = False, password: str | None = None
) -> Target:
    """The Neo4j a command talks to: a named URI, else the managed server.

    With `start`, the managed server is installed and started when needed (jobs that load do
    this); without it, a stopped managed server is an error that says how to start it.
    """
    uri = options.chosen_uri()
    database = options.chosen_database()
    if uri:
        uri = checked_uri(uri)
        username = options.username or os.environ.get(ENV_USERNAME) or "neo4j"
        return Target(
            uri=uri,
            username=username,
            password=password if password is not None else env_password(uri, username),
            database=database,
        )
    server = managed_server(options)
    steps: list[str] = []
    if start:
        installed = server.install()
        steps.append(
            f"Neo4j {installed.version} "
            + ("already installed" if installed.already_installed else "installed")
            + f" in {installed.home}"
        )
        started = server.start()
        steps.append("server already running" if started.already_running else "server started")
    elif not server.is_running():
        raise ConnectionFailed(
            f"the managed Neo4j server in {server.home} is not running: "
            "start it with `kg neo4j start`, or set NEO4J_URI"
        )
    return Target(
        uri=server.bolt_uri,
        username=USERNAME,
        password=server.password(),
        database=database,
        managed_home=server.home,
        steps=tuple(steps),
    )
