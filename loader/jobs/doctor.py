"""`kg doctor`: what this machine and project need, checked one line each, with the fix.

Every check returns a `Check` and none raises: a missing tool, a taken port or a stopped server
is a line, not a traceback. `fail` is what stops the main job or the tests; `warn` is what only
some commands need (Chromium for the Browser tests; Maven once Neo4j is installed; Java and
Maven when NEO4J_URI names another server) or what is low but not out (disk space). Nothing is
installed, started or written.
"""

from __future__ import annotations

import platform
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loader.analysis.fonts import find_cjk_font
from loader.model.errors import KgError
from loader.model.workspace import Workspace
from loader.neo4j.connect import Connection
from loader.neo4j.cypher import server_components
from loader.neo4j.install import MIN_JAVA, java_found, maven_binary, pinned_version
from loader.neo4j.server import ManagedServer, port_in_use
from loader.neo4j.target import ENV_BOLT_PORT, ENV_HTTP_PORT

MIN_PYTHON = (3, 11)
LOW_DISK = 2 << 30  # below this free: warn (the divisions and a bench load need about 2 GiB)
NO_DISK = 512 << 20  # below this: fail (an install and a load would not fit)
OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, its state, what was found and the fix."""

    name: str
    state: str
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "state": self.state, "detail": self.detail, "fix": self.fix}


def run_doctor(
    workspace: Workspace | None, connection: Connection, project_error: str | None = None
) -> list[Check]:
    """Every check, in the order a newcomer meets them. `workspace` is None outside a project
    (or with an unreadable kg.toml: `project_error` says why)."""
    remote = connection.options.chosen_uri() is not None
    server, why_none = _managed(connection, project_error)
    installed = server is not None and _is_installed(server)
    unneeded = (
        "NEO4J_URI names the server"
        if remote
        else "Neo4j is installed: needed only to install it again"
        if installed
        else None
    )
    checks = [
        _guarded("python", _python),
        _guarded("java", lambda: _java(needed=not remote)),
        _guarded("maven", lambda: _maven(unneeded=unneeded)),
    ]
    if not remote and server is not None:
        checks += _guarded_list("ports", lambda: _ports(server))
    checks += [
        _guarded("fonts", _fonts),
        _guarded("chromium", _chromium),
        _guarded("disk", lambda: _disk(workspace.root if workspace else Path.cwd())),
        _guarded("server", lambda: _server(connection, server, remote, why_none)),
        _guarded("data", lambda: _data(workspace, project_error)),
    ]
    return checks


def _is_installed(server: ManagedServer) -> bool:
    try:
        return server.is_installed()
    except OSError:  # a home that cannot be read: the server line says why
        return False


def _managed(connection: Connection, project_error: str | None) -> tuple[ManagedServer | None, str]:
    """The managed server the commands would use, or None and why there is none."""
    try:
        return connection.server(), ""
    except KgError as exc:  # no project and no home named, or a setting that cannot work
        return None, project_error or str(exc)
    except OSError as exc:  # a home that cannot be read
        return None, _os_error(exc)


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """A check that raises becomes its failed line (a bad setting, an unreadable file)."""
    try:
        return check()
    except (KgError, OSError) as exc:
        return _failed(name, exc)


def _guarded_list(name: str, checks: Callable[[], list[Check]]) -> list[Check]:
    try:
        return checks()
    except (KgError, OSError) as exc:
        return [_failed(name, exc)]


def _failed(name: str, exc: KgError | OSError) -> Check:
    return Check(name, FAIL, _os_error(exc) if isinstance(exc, OSError) else str(exc))


def _os_error(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _python() -> Check:
    version = platform.python_version()
    if sys.version_info[:2] < MIN_PYTHON:
        return Check("python", FAIL, f"Python {version}", "install Python 3.11 or newer")
    return Check("python", OK, f"Python {version} ({sys.executable})")


def _java(*, needed: bool) -> Check:
    try:
        path, major = java_found()
    except KgError as exc:
        fix = (
            f"install a JDK {MIN_JAVA}+ (apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
        if not needed:
            return Check("java", WARN, f"{exc} (NEO4J_URI names the server)", fix)
        return Check("java", FAIL, str(exc), fix)
    return Check("java", OK, f"Java {major} ({path})")


def _maven(*, unneeded: str | None) -> Check:
    """Maven builds the managed server's home; `unneeded` says why it is not needed now."""
    try:
        path = maven_binary()
    except KgError as exc:
        fix = "install Maven (apt-get install maven)"
        if unneeded:
            return Check("maven", WARN, f"{exc} ({unneeded})", fix)
        return Check("maven", FAIL, str(exc), fix)
    return Check("maven", OK, f"Maven ({path}) to install Neo4j {pinned_version()}")


def _ports(server: ManagedServer) -> list[Check]:
    status = server.status()
    if status.bolt_port == status.http_port:
        fix = "set KG_NEO4J_BOLT_PORT and KG_NEO4J_HTTP_PORT to two different ports"
        return [Check("ports", FAIL, f"Bolt and HTTP are both set to {status.bolt_port}", fix)]
    found = []
    for kind, port, env in (
        ("bolt", status.bolt_port, ENV_BOLT_PORT),
        ("http", status.http_port, ENV_HTTP_PORT),
    ):
        name = f"port {kind}"
        if status.running:
            found.append(Check(name, OK, f"{port}: the managed server listens there"))
        elif port_in_use(port):
            fix = f"set {env} to a free port (or stop what listens on {port})"
            found.append(Check(name, FAIL, f"{port} on 127.0.0.1 is taken by another program", fix))
        else:
            found.append(Check(name, OK, f"{port} is free"))
    return found


def _fonts() -> Check:
    try:
        return Check("fonts", OK, f"CJK font {find_cjk_font()}")
    except KgError as exc:
        fix = "apt-get install fonts-noto-cjk fontconfig (make run does), or set KG_CJK_FONT"
        return Check("fonts", FAIL, f"{exc} (the main job draws with it)", fix)


def _chromium() -> Check:
    missing = [tool for tool in ("chromium", "chromedriver") if shutil.which(tool) is None]
    if missing:
        fix = "make sysdeps (apt-get install chromium chromium-driver)"
        return Check("chromium", WARN, f"no {' or '.join(missing)}: needed by the tests only", fix)
    return Check("chromium", OK, f"{shutil.which('chromium')} and its driver (for the tests)")


def _disk(root: Path) -> Check:
    free = shutil.disk_usage(root).free
    detail = f"{free / (1 << 30):.1f} GiB free on {root}"
    if free < NO_DISK:
        return Check("disk", FAIL, detail, "free space: Neo4j and a load need about 2 GiB")
    if free < LOW_DISK:
        return Check("disk", WARN, detail, "free space: the divisions and the bench need 2 GiB")
    return Check("disk", OK, detail)


def _server(
    connection: Connection, server: ManagedServer | None, remote: bool, why_none: str
) -> Check:
    name = "server"
    if not remote:
        if server is None:
            return Check(name, FAIL, why_none, "fix the setting, or run kg in a project folder")
        status = server.status()
        if not status.installed:
            return Check(name, WARN, f"not installed in {status.home}", "kg neo4j install")
        if not status.running:
            return Check(
                name, WARN, f"Neo4j {status.version} installed, not running", "kg neo4j start"
            )

    def reach() -> Check:
        graph = connection.graph(start=False)
        version, edition = server_components(graph)
        where = graph.target.describe()
        if not remote and version != pinned_version():
            fix = "kg neo4j stop, then kg neo4j install and start (the pinned version)"
            return Check(
                name,
                WARN,
                f"Neo4j {version} {edition} at {where}, pinned is {pinned_version()}",
                fix,
            )
        return Check(name, OK, f"Neo4j {version} {edition}, healthy at {where}")

    found = _guarded(name, reach)
    if found.state == FAIL:
        return Check(name, FAIL, found.detail, "see the error; kg neo4j status for the server")
    return found


def _data(workspace: Workspace | None, project_error: str | None) -> Check:
    if workspace is None:
        detail = project_error or "no project here"
        return Check("data", FAIL, detail, "run kg in a project folder, or kg --project PATH")

    def validate() -> Check:
        report = workspace.validation
        errors = sum(p.severity == "error" for p in report.problems)
        counts = report.dataset
        if errors or counts is None:
            return Check("data", FAIL, f"{errors} problem(s) in the data", "kg validate")
        detail = f"valid: {len(counts.entities)} entities, {len(counts.relations)} relations"
        warnings = len(report.problems)
        return Check("data", OK, detail + (f", {warnings} warning(s)" if warnings else ""))

    found = _guarded("data", validate)
    if found.state == FAIL and not found.fix:  # the schema itself cannot be read
        return Check("data", FAIL, found.detail, "kg validate")
    return found
