"""A command's way to Neo4j: options, then the environment, then the managed server become one
`Target`, and the one `Graph` to it is opened on first use and closed once, at the command's end.

"Managed server or a URI?" is decided here and nowhere else. The command line makes one
`Connection` per command and hands it to the job; a job that refuses its options or finds its
data invalid returns before anything is resolved, so it never starts a server or connects.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from loader.model.errors import ConfigError, ConnectionFailed, Hint
from loader.model.project import ProjectMissing
from loader.model.workspace import Workspace
from loader.neo4j.browser_style import login_style
from loader.neo4j.graph import Graph
from loader.neo4j.install import InstallResult
from loader.neo4j.server import ManagedServer, ServerStatus, StartResult
from loader.neo4j.target import (
    ENV_USERNAME,
    ConnectionOptions,
    Target,
    checked_uri,
    env_password,
    env_password_set,
)


def managed_server(workspace: Workspace | None, options: ConnectionOptions) -> ManagedServer:
    """The project's managed server (or the one `--home` names), on the options' or the
    environment's ports (`chosen_ports`), styling Browser from the project's schema when it
    starts."""
    home = options.chosen_home()
    bolt_port, http_port = options.chosen_ports()
    if workspace is None:  # outside a project: the home must be named, and there is no style
        if home is None:
            raise ProjectMissing(
                "the managed server is a project's, and there is no project", hint=Hint.PROJECT
            )
        return ManagedServer(home, bolt_port=bolt_port, http_port=http_port)
    return ManagedServer(
        workspace.server_home(home),
        bolt_port=bolt_port,
        http_port=http_port,
        style=lambda: login_style(lambda: workspace.schema),
    )


def resolve_target(
    workspace: Workspace | None, options: ConnectionOptions, *, start: bool = False
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
            password=env_password(uri, username, options.prompt),
            database=database,
        )
    server = managed_server(workspace, options)
    check_env_password(server)  # before anything is installed or started
    steps: list[str] = []
    if start:
        steps.append(_installed(server.install()))
        steps.append(_started(server.start()))
    elif not server.is_running():
        raise ConnectionFailed(
            f"the managed Neo4j server in {server.home} is not running", hint=Hint.START_SERVER
        )
    return replace(managed_login(server, database), steps=tuple(steps))


def managed_login(server: ManagedServer, database: str | None) -> Target:
    """The managed server's login, with the password the tool keeps (`check_env_password`)."""
    check_env_password(server)
    return server.login_target(database)


def check_env_password(server: ManagedServer) -> None:
    """A password the environment sets is refused unless it is the managed server's own (never
    silently ignored); before a first start the server has none yet, and makes its own."""
    given = env_password_set()
    if given is None:
        return
    if not server.password_file.exists():
        raise ConfigError(
            "NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE) is set, but the managed server in "
            f"{server.home} has no password yet: its first start makes one and keeps it in "
            f"{server.password_file}; unset it, or set NEO4J_URI to reach the server it is for"
        )
    if given != server.password():
        raise ConfigError(
            "NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE) is set, but the managed server in "
            f"{server.home} has the password the tool keeps in {server.password_file}: unset "
            "it, or set NEO4J_URI to reach the server it is for"
        )


def _installed(installed: InstallResult) -> str:
    state = "already installed" if installed.already_installed else "installed"
    return f"Neo4j {installed.version} {state} in {installed.home}"


def _started(started: StartResult) -> str:
    return "server already running" if started.already_running else "server started"


@dataclass
class Connection:
    """The one connection of a command: its target resolved and its `Graph` opened on first use
    (`graph()`), the same ones on every later use, closed once by `close()`."""

    workspace: Workspace | None
    options: ConnectionOptions = field(default_factory=ConnectionOptions)
    _target: Target | None = field(default=None, init=False, repr=False)
    _graph: Graph | None = field(default=None, init=False, repr=False)

    @classmethod
    def to(cls, target: Target, workspace: Workspace | None = None) -> Connection:
        """A connection to a target already resolved (a script's, a test's)."""
        made = cls(workspace)
        made._target = target
        return made

    def target(self, *, start: bool = True) -> Target:
        """Where the command connects; with `start`, the managed server is started if need be."""
        if self._target is None:
            self._target = resolve_target(self.workspace, self.options, start=start)
        return self._target

    def graph(self, *, start: bool = True) -> Graph:
        """The command's one Graph, opened the first time it is asked for. With `start`, a
        managed server that is not running is installed and started through this Graph (its
        wait, and on a first start its password change), so the command opens one driver."""
        if self._graph is None:
            if start and self._target is None and not self.options.chosen_uri():
                self._graph = self._start_managed()
            else:
                self._graph = Graph.open(self.target(start=start))
        return self._graph

    def start_server(self) -> None:
        """Start the managed server again (after an offline import) through the command's Graph;
        a no-op when it runs."""
        graph = self.graph(start=True)
        self.server().start(graph=graph)

    def _start_managed(self) -> Graph:
        server = self.server()
        check_env_password(server)  # before anything is installed or started
        installed = _installed(server.install())
        target = managed_login(server, self.options.chosen_database())
        graph = Graph.open(replace(target, steps=(installed,)))
        started = _started(server.start(graph=graph))
        graph.target = self._target = replace(target, steps=(installed, started))
        return graph

    def database_replaced(self) -> None:
        """The managed database was replaced offline: what the graph knew of it is void."""
        if self._graph is not None:
            self._graph.forget_bookmarks()

    def server(self) -> ManagedServer:
        """The managed server this command would use (whether or not it connects to it)."""
        return managed_server(self.workspace, self.options)

    def managed_status(self) -> ServerStatus | None:
        """The managed server's status, when the command's target is that server (never
        starting it)."""
        target = self._target or self.target(start=False)
        return self.server().status() if target.managed_home is not None else None

    def close(self) -> None:
        if self._graph is not None:
            self._graph.close()
            self._graph = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
