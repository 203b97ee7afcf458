"""How to reach Neo4j: settings by the driver's names, and driver errors as typed failures.

Explicit options win over `NEO4J_URI`, `NEO4J_USERNAME`, `NEO4J_PASSWORD` (or
`NEO4J_PASSWORD_FILE`) and `NEO4J_DATABASE`; with no URI anywhere, the managed local server
and its stored password are used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from loader.errors import (
    AuthFailed,
    ConfigError,
    ConnectionFailed,
    DatabaseMissing,
    KgError,
    QueryFailed,
)

if TYPE_CHECKING:
    from neo4j import Driver

# The driver's own names for connection settings; docker-compose.yml sets the same ones.
ENV_URI, ENV_USERNAME, ENV_PASSWORD, ENV_DATABASE = (
    "NEO4J_URI",
    "NEO4J_USERNAME",
    "NEO4J_PASSWORD",
    "NEO4J_DATABASE",
)
ENV_PASSWORD_FILE = "NEO4J_PASSWORD_FILE"
SUPPORTED_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class ConnectionSettings:
    uri: str
    username: str
    password: str = field(repr=False)
    database: str | None = None
    managed_home: Path | None = None

    def describe(self) -> str:
        """Where this connects, for messages: never the password."""
        where = f"{self.uri}"
        return f"{where} (database {self.database})" if self.database else where


def resolve_settings(
    uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> ConnectionSettings:
    """Settings from options, then the environment, then the managed local server."""
    uri = uri or os.environ.get(ENV_URI) or None
    database = database or os.environ.get(ENV_DATABASE) or None
    if uri:
        scheme = uri.split("://", 1)[0] if "://" in uri else ""
        if scheme not in SUPPORTED_SCHEMES:
            raise ConfigError(
                f"unsupported Neo4j URI {uri!r}: use one of "
                + ", ".join(f"{s}://" for s in SUPPORTED_SCHEMES)
            )
        username = username or os.environ.get(ENV_USERNAME) or "neo4j"
        return ConnectionSettings(
            uri=uri,
            username=username,
            password=password if password is not None else _env_password(uri, username),
            database=database,
        )
    from loader.neo4j_server import USERNAME, ManagedServer, default_home

    server = ManagedServer(home or default_home())
    if not server.is_running():
        raise ConnectionFailed(
            f"the managed Neo4j server in {server.home} is not running: "
            "start it with `kg neo4j start`, or set NEO4J_URI"
        )
    return ConnectionSettings(
        uri=server.bolt_uri,
        username=USERNAME,
        password=server.password(),
        database=database,
        managed_home=server.home,
    )


PasswordPrompt = Callable[[str], str | None]
_prompt: list[PasswordPrompt] = []  # set by the CLI: asks on a terminal, never echoes


def set_password_prompt(prompt: PasswordPrompt) -> None:
    """How to ask for a password none of the settings give (the CLI asks on the terminal)."""
    _prompt[:] = [prompt]


def _env_password(uri: str, username: str) -> str:
    if ENV_PASSWORD in os.environ:
        return os.environ[ENV_PASSWORD]
    path = os.environ.get(ENV_PASSWORD_FILE)
    if path:
        try:
            return Path(path).read_text("utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read NEO4J_PASSWORD_FILE {path}: {exc.strerror}") from None
    for prompt in _prompt:
        answer = prompt(f"Neo4j password for {username} at {uri}: ")
        if answer is not None:
            return answer
    raise ConfigError(
        "NEO4J_URI is set but no password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE, "
        "or run on a terminal to be asked"
    )


@contextmanager
def translated_errors(settings: ConnectionSettings) -> Iterator[None]:
    """Turn the driver's exceptions into one-line typed failures naming the cause."""
    from neo4j import exceptions as ex

    try:
        yield
    except KgError:
        raise
    except ex.AuthError:
        raise AuthFailed(
            f"authentication failed for user {settings.username!r} at {settings.uri}"
        ) from None
    except (ex.ServiceUnavailable, ex.SessionExpired) as exc:
        raise ConnectionFailed(f"cannot reach Neo4j at {settings.uri}: {_one_line(exc)}") from None
    except ex.ConfigurationError as exc:
        raise ConfigError(f"bad connection settings for {settings.uri}: {_one_line(exc)}") from None
    except ex.Neo4jError as exc:
        code = exc.code or ""
        if code.endswith("DatabaseNotFound"):
            raise DatabaseMissing(
                f"database {settings.database!r} does not exist at {settings.uri}"
            ) from None
        if code.endswith("CredentialsExpired"):
            raise AuthFailed(f"the password of {settings.username!r} has expired") from None
        kind = "Cypher syntax error" if code.endswith("SyntaxError") else "query failed"
        raise QueryFailed(f"{kind}: {_one_line(exc.message or str(exc))} [{code}]") from None
    except ex.DriverError as exc:
        raise ConnectionFailed(f"Neo4j driver error at {settings.uri}: {_one_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise ConnectionFailed(f"cannot use Neo4j at {settings.uri}: {_one_line(exc)}") from None


@contextmanager
def open_driver(settings: ConnectionSettings) -> Iterator[Driver]:
    """A driver whose failures, while it is used, come out as typed errors."""
    from neo4j import GraphDatabase

    with translated_errors(settings):
        driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            connection_timeout=10.0,
            max_transaction_retry_time=15.0,
        )
        try:
            yield driver
        finally:
            driver.close()


def verify(settings: ConnectionSettings, run_query: bool = True) -> None:
    """Fail unless the server answers and accepts the credentials (and, by default, a query)."""
    with open_driver(settings) as driver:
        driver.verify_connectivity()
        if run_query:
            driver.execute_query("RETURN 1", database_=settings.database)


def change_initial_password(settings: ConnectionSettings, new_password: str) -> None:
    """Replace the first-start password; Neo4j allows nothing else until this is done."""
    with open_driver(settings) as driver:
        driver.execute_query(
            "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
            old=settings.password,
            new=new_password,
            database_="system",
        )


def _one_line(exc: object) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
