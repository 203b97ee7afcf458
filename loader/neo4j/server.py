"""The managed local Neo4j, a real Community server from Maven Central jars: `install` copies the
pinned jars of the packaged `pom.xml` into a home folder with Maven; `start` writes `neo4j.conf`,
sets the initial password once and runs Neo4j's own bootstrapper
(`org.neo4j.server.startup.Neo4jCommand`) so pid files, logs and shutdown behave as in the tarball.
The probes its life depends on are here too: is a process alive, is a loopback port taken, are
its files the owner's alone.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.model.errors import Hint, ServerError
from loader.neo4j.graph import Graph
from loader.neo4j.install import (
    INSTALL_MARKER,
    InstallResult,
    first_error_line,
    install_jars,
    java_binary,
)
from loader.neo4j.server_conf import conf_text
from loader.neo4j.target import ENV_BOLT_PORT, ENV_HTTP_PORT, Target

log = logging.getLogger(__name__)

DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
USERNAME = "neo4j"
INITIAL_PASSWORD = "neo4j"  # what a fresh Neo4j accepts once, only to change it
STATE_FILE = "kg-server.json"
PASSWORD_FILE = "kg-password"
ENV_FILE_URLS = "KG_NEO4J_ALLOW_FILE_URLS"  # "1": LOAD CSV may read the home's import folder
PRIVATE_DIRS = ("conf", "data", "logs", "run", "import")


@dataclass(frozen=True)
class ServerStatus:
    home: Path
    installed: bool
    running: bool
    version: str | None
    pid: int | None
    bolt_port: int
    http_port: int

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    def as_dict(self) -> dict[str, object]:
        return {
            "home": str(self.home),
            "installed": self.installed,
            "running": self.running,
            "version": self.version,
            "pid": self.pid,
            "bolt_uri": self.bolt_uri,
            "browser_url": self.browser_url,
            "bolt_port": self.bolt_port,
            "http_port": self.http_port,
        }


@dataclass(frozen=True)
class StartResult:
    status: ServerStatus
    already_running: bool


class ManagedServer:
    """One Neo4j home: its jars, configuration, data, logs and the password the tool set.
    `style` gives the Browser stylesheet command written into neo4j.conf at start (None: none).
    """

    def __init__(
        self,
        home: Path,
        *,
        bolt_port: int | None = None,
        http_port: int | None = None,
        style: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.home = home.absolute()
        self.style = style
        self._pending: str | None = None  # the password a first start will set
        saved = self._saved_state()
        if saved and self._live_pid() is not None:  # running: reached where it listens
            bolt_port = http_port = None
        self.bolt_port = bolt_port or int(saved.get("bolt_port", DEFAULT_BOLT_PORT))
        self.http_port = http_port or int(saved.get("http_port", DEFAULT_HTTP_PORT))

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def password_file(self) -> Path:
        return self.home / PASSWORD_FILE

    @property
    def pending_file(self) -> Path:
        """The password a first start is setting: written (owner-only, synced) before the
        server is told, renamed to `password_file` after, so a start cut short at any step is
        finished by the next one."""
        return self.home / (PASSWORD_FILE + ".new")

    def password(self) -> str:
        try:
            return self.password_file.read_text("utf-8").strip()
        except FileNotFoundError:
            raise ServerError(
                f"no password for the managed server in {self.password_file}",
                hint=Hint.START_SERVER,
            ) from None

    def is_installed(self) -> bool:
        return (self.home / "lib" / INSTALL_MARKER).exists()

    def status(self) -> ServerStatus:
        pid = self._live_pid()
        saved = self._saved_state()
        return ServerStatus(
            home=self.home,
            installed=self.is_installed(),
            running=pid is not None,
            version=str(saved["version"]) if "version" in saved else self._lib_version(),
            pid=pid,
            bolt_port=self.bolt_port if pid is None else int(saved.get("bolt_port", 0)),
            http_port=self.http_port if pid is None else int(saved.get("http_port", 0)),
        )

    def is_running(self) -> bool:
        return self._live_pid() is not None

    def start(self, timeout: float = 180.0, *, graph: Graph | None = None) -> StartResult:
        """Start in the background and wait until Bolt accepts the password; no-op if running.

        The wait (and, on the first start, the change of Neo4j's built-in password to the one
        `login_target` names) goes through `graph`, a command's one connection opened on
        `login_target()`, or through a driver of its own when none is given."""
        if self.is_running():
            return StartResult(self.status(), already_running=True)
        if not self.is_installed():
            raise ServerError(f"Neo4j is not installed in {self.home}", hint=Hint.INSTALL_SERVER)
        java = java_binary()
        for port, setting in ((self.bolt_port, ENV_BOLT_PORT), (self.http_port, ENV_HTTP_PORT)):
            if port_in_use(port):
                raise ServerError(
                    f"port {port} on 127.0.0.1 is already in use by another program; "
                    f"choose a free one with {setting}"
                )
        self._write_conf()
        for folder in sweep_bulk_leftovers(self.home):
            log.warning("removed %s, left by a bulk load that was killed", folder)
        first_start = not self.password_file.exists()
        started_before = (self.home / "data" / "databases" / "system").exists()
        if first_start and started_before and not self._pending_password():
            raise ServerError(
                f"{self.password_file} is missing but the server has been started before; "
                f"delete {self.home / 'data'} to start afresh"
            )
        login = self.login_target()  # before the launch: after it, a first start has no password
        version = self._lib_version()
        self._save_state(
            {"bolt_port": self.bolt_port, "http_port": self.http_port, "version": version}
        )
        done = self._bootstrap(java, "start")
        if done.returncode != 0:
            raise ServerError(
                f"Neo4j did not start (exit {done.returncode}): "
                f"{first_error_line(done.stdout + done.stderr)}; see {self.home / 'logs'}"
            )
        if graph is not None:
            self._wait_for_bolt(graph, timeout, first_start=first_start)
        else:
            with Graph.open(login) as own:
                self._wait_for_bolt(own, timeout, first_start=first_start)
        return StartResult(self.status(), already_running=False)

    def login_target(self, database: str | None = None) -> Target:
        """Where the server is reached, as the tool's user with the password it set (before the
        first start: the password that start will set)."""
        if self.password_file.exists():
            password = self.password()
        elif pending := self._pending_password():  # a first start cut short: the one it set
            password = pending
        elif self.is_running():
            password = self.password()  # a running server without one: say so, do not guess
        else:
            self._pending = self._pending or secrets.token_urlsafe(18)
            password = self._pending
        return Target(self.bolt_uri, USERNAME, password, database, managed_home=self.home)

    def stop(self, timeout: float = 120.0) -> bool:
        """Shut down cleanly; returns False when it was not running. Never leaves a JVM behind."""
        pid = self._live_pid()
        if pid is None:
            return False
        done = self._bootstrap(
            java_binary(), "stop", env={"NEO4J_SHUTDOWN_TIMEOUT": str(int(timeout))}
        )
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if pid_alive(pid):
            log.warning("Neo4j (pid %s) ignored the shutdown request; killing it", pid)
            os.kill(pid, signal.SIGKILL)
        if done.returncode != 0 and pid_alive(pid):
            raise ServerError(f"could not stop Neo4j (pid {pid}): {first_error_line(done.stdout)}")
        return True

    def install(self) -> InstallResult:
        """Copy the pinned jars into `home/lib`; a no-op when the same pom was installed."""
        return install_jars(self.home, self.is_running())

    def conf_text(self) -> str:
        file_urls = os.environ.get(ENV_FILE_URLS) == "1"
        return conf_text(self.bolt_port, self.http_port, file_urls, self.style())

    def _write_conf(self) -> None:
        """The configuration, and the home made private: store, logs and conf are the owner's."""
        conf = self.home / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "neo4j.conf").write_text(self.conf_text(), "utf-8")
        make_private(self.home, PRIVATE_DIRS)

    def _set_password(self, graph: Graph) -> None:
        """Replace the built-in first-start password by the graph's, through Bolt (Neo4j allows
        nothing else until this is done), so it never sits in argv; then keep it, owner-only."""
        password = graph.target.password
        self._write_pending(password)
        graph.execute(
            "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
            {"old": INITIAL_PASSWORD, "new": password},
            secrets=[password],
            auth=(USERNAME, INITIAL_PASSWORD),
            database="system",
        )
        self._keep_pending()

    def _write_pending(self, password: str) -> None:
        """Whole or not at all: written to a new private file, synced, renamed into place."""
        temp = self.pending_file.with_name(f".{self.pending_file.name}.{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        for left in self.home.glob(f".{self.pending_file.name}.*"):  # of starts killed mid-write
            pid = left.name.rpartition(".")[2]
            if pid.isdigit() and not pid_alive(int(pid)):
                with contextlib.suppress(FileNotFoundError):
                    left.unlink()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(temp, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(password + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.pending_file)

    def _pending_password(self) -> str | None:
        """The password a first start cut short was setting (None: none, or an empty file)."""
        try:
            return self.pending_file.read_text("utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _keep_pending(self) -> None:
        """The password the server now has becomes the one kept."""
        os.chmod(self.pending_file, 0o600)
        os.replace(self.pending_file, self.password_file)
        folder = os.open(self.home, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        self._pending = None

    def _bootstrap(
        self, java: str, command: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                java,
                "-cp",
                str(self.home / "lib" / "*"),
                f"-Dbasedir={self.home}",
                "org.neo4j.server.startup.Neo4jCommand",
                command,
            ],
            capture_output=True,
            text=True,
            env={**self._env(), **(env or {})},
            check=False,
            stdin=subprocess.DEVNULL,
            umask=0o077,  # the JVM's store, logs and pid files are readable by the owner only
        )

    def _wait_for_bolt(self, graph: Graph, timeout: float, *, first_start: bool) -> None:
        """Until the server answers, accepts the graph's password and runs a query; on the first
        start, once it answers, its built-in password is replaced by the graph's."""
        deadline = time.monotonic() + timeout
        while True:
            if self._live_pid() is None:
                raise ServerError(f"Neo4j exited during start-up; see {self.home / 'logs'}")
            if port_in_use(self.bolt_port):
                try:
                    if first_start:  # accepts raises until Bolt answers
                        if graph.accepts(USERNAME, INITIAL_PASSWORD):
                            self._set_password(graph)
                        elif graph.accepts(USERNAME, graph.target.password):
                            self._keep_pending()  # changed before a start was cut short
                        first_start = False
                    graph.verify()
                    graph.records("RETURN 1")
                    return
                except Exception as exc:  # the server may accept sockets before it can log in
                    log.debug("Bolt not ready yet: %s", exc)
            if time.monotonic() > deadline:
                raise ServerError(
                    f"Neo4j did not answer on Bolt within {timeout:.0f}s; see {self.home / 'logs'}"
                )
            time.sleep(0.5)

    def admin_env(self) -> dict[str, str]:
        """The environment neo4j-admin needs to find this home and its configuration."""
        return self._env()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.home / "conf")
        env.pop("NEO4J_PASSWORD", None)
        return env

    def _live_pid(self) -> int | None:
        try:
            pid = int((self.home / "run" / "neo4j.pid").read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def _lib_version(self) -> str | None:
        for jar in (self.home / "lib").glob("neo4j-kernel-*.jar"):
            match = re.fullmatch(r"neo4j-kernel-(\d[\w.-]*)", jar.stem)
            if match:
                return match.group(1)
        return None

    def _saved_state(self) -> dict[str, Any]:
        try:
            data = json.loads((self.home / STATE_FILE).read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_state(self, state: dict[str, Any]) -> None:
        (self.home / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n", "utf-8")


BULK_PREFIX = "bulk-"


def bulk_folder(home: Path, run_id: str) -> Path:
    """Where a bulk load writes the importer's files: named for its process, so a load killed
    before it removed them is known by its dead process."""
    return home / "import" / f"{BULK_PREFIX}{os.getpid()}-{run_id}"


def sweep_bulk_leftovers(home: Path) -> list[Path]:
    """Remove the bulk-load folders whose process is gone (killed before its own clean-up,
    or named in an older way that holds no process); returns those removed."""
    removed = []
    for folder in sorted((home / "import").glob(BULK_PREFIX + "*")):
        pid = folder.name[len(BULK_PREFIX) :].partition("-")[0]
        if folder.is_dir() and not folder.is_symlink():
            if pid.isdigit() and folder.name.count("-") == 2 and pid_alive(int(pid)):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its parent has not reaped it yet
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return True


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def make_private(home: Path, folders: tuple[str, ...]) -> None:
    """`home` and the given folders in it (with what they hold) closed to other users.

    The JVM runs with umask 077 from now on; this mends what an older start left open."""
    home.chmod(0o700)
    for name in folders:
        top = home / name
        if not top.is_dir() or top.is_symlink():
            continue
        for folder, _dirs, files in os.walk(top):
            os.chmod(folder, 0o700)
            for file in files:
                path = Path(folder) / file
                if not path.is_symlink():
                    path.chmod(path.stat().st_mode & 0o700)
