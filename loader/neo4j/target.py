"""Where a command sends its Cypher: one `Target`, and the options a user gives to choose it.

`ConnectionOptions` is what the command line says; `Target` is what a job connects to, built
once by `connect.resolve_target`. Settings use the driver's names: `NEO4J_URI`,
`NEO4J_USERNAME`, `NEO4J_PASSWORD` (or `NEO4J_PASSWORD_FILE`) and `NEO4J_DATABASE`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loader.model.errors import ConfigError, Hint

ENV_URI, ENV_USERNAME, ENV_PASSWORD, ENV_DATABASE = (
    "NEO4J_URI",
    "NEO4J_USERNAME",
    "NEO4J_PASSWORD",
    "NEO4J_DATABASE",
)
ENV_PASSWORD_FILE = "NEO4J_PASSWORD_FILE"
# The managed server's ports: an option of `kg neo4j start`, else these, for every command.
ENV_BOLT_PORT, ENV_HTTP_PORT = "KG_NEO4J_BOLT_PORT", "KG_NEO4J_HTTP_PORT"
ENV_HOME = "KG_NEO4J_HOME"
SUPPORTED_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
PasswordPrompt = Callable[[str], str | None]


@dataclass(frozen=True)
class ConnectionOptions:
    """What the user chose on the command line; None means "not said" (the environment decides).
    `prompt` asks for a password none of the settings give (the CLI asks on a terminal)."""

    uri: str | None = None
    username: str | None = None
    database: str | None = None
    home: Path | None = None
    prompt: PasswordPrompt | None = field(default=None, compare=False, repr=False)
    bolt_port: int | None = None
    http_port: int | None = None

    def given(self) -> list[str]:
        """The options the user gave, by name."""
        chosen = (("uri", self.uri), ("username", self.username), ("database", self.database))
        return [name for name, value in (*chosen, ("home", self.home)) if value is not None]

    def chosen_uri(self) -> str | None:
        """The URI of a server the user names (option, then NEO4J_URI); None: the managed one."""
        return self.uri or os.environ.get(ENV_URI) or None

    def chosen_database(self) -> str | None:
        return self.database or os.environ.get(ENV_DATABASE) or None

    def chosen_ports(self) -> tuple[int | None, int | None]:
        """The managed server's Bolt and HTTP ports: the options, then KG_NEO4J_BOLT_PORT and
        KG_NEO4J_HTTP_PORT; None: the port it last ran on, else the default. The one place every
        command that starts or reaches the managed server takes them from."""
        return (
            self.bolt_port or _env_port(ENV_BOLT_PORT),
            self.http_port or _env_port(ENV_HTTP_PORT),
        )

    def chosen_home(self) -> Path | None:
        """The managed server's home named by the option, then KG_NEO4J_HOME; None: the
        project's. A relative KG_NEO4J_HOME is from the project root."""
        if self.home is not None:
            return self.home
        return Path(os.environ[ENV_HOME]).expanduser() if os.environ.get(ENV_HOME) else None


@dataclass(frozen=True)
class Target:
    """A Neo4j to connect to: the managed server (`managed_home` set) or one the user named."""

    uri: str
    username: str
    password: str = field(repr=False)
    database: str | None = None
    managed_home: Path | None = None
    steps: tuple[str, ...] = ()  # what was done to reach it (installed, started …)

    def describe(self) -> str:
        """Where this connects, for messages: never the password."""
        uri = masked_uri(self.uri)
        return f"{uri} (database {self.database})" if self.database else uri


def masked_uri(uri: str) -> str:
    """`uri` fit for a message: any `user:password@` in it shown as `***@`. The credentials
    are everything before the last `@`: a password may hold any character (`/`, `#`, `?`, `@`),
    so the URI is not parsed by its delimiters, which would end it early and show the rest."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return "***" if "@" in uri else uri
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return f"{scheme}{sep}{rest}"


def uri_secrets(uri: str) -> list[str]:
    """The `user:password` in a URI, and the password alone: never to be shown."""
    _scheme, sep, rest = uri.partition("://")
    userinfo = (rest if sep else uri).rpartition("@")[0]
    return [userinfo, userinfo.partition(":")[2]] if userinfo else []


def checked_uri(uri: str) -> str:
    """`uri` if the driver can use it; credentials in it are refused (they belong in
    NEO4J_USERNAME and NEO4J_PASSWORD, where no message, log or process list shows them)."""
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme not in SUPPORTED_SCHEMES:
        raise ConfigError(
            f"unsupported Neo4j URI {masked_uri(uri)[:200]!r}: use one of "
            + ", ".join(f"{s}://" for s in SUPPORTED_SCHEMES)
        )
    if "@" in uri.partition("://")[2]:  # any character may precede it: see masked_uri
        raise ConfigError(
            f"the Neo4j URI {masked_uri(uri)[:200]} carries credentials: give the URI without them",
            hint=Hint.CREDENTIALS,
        )
    return uri


def env_password_set() -> str | None:
    """The password the environment sets (NEO4J_PASSWORD, else NEO4J_PASSWORD_FILE's), if any;
    never asks."""
    if ENV_PASSWORD in os.environ:
        return os.environ[ENV_PASSWORD]
    path = os.environ.get(ENV_PASSWORD_FILE)
    if not path:
        return None
    try:
        return Path(path).read_text("utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read NEO4J_PASSWORD_FILE {path}: {exc.strerror}") from None


def env_password(uri: str, username: str, prompt: PasswordPrompt | None = None) -> str:
    """NEO4J_PASSWORD, else NEO4J_PASSWORD_FILE, else the prompt, else a clear error."""
    given = env_password_set()
    if given is not None:
        return given
    if prompt is not None:
        answer = prompt(f"Neo4j password for {username} at {masked_uri(uri)}: ")
        if answer is not None:
            return answer
    raise ConfigError(
        "NEO4J_URI is set but no password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE, "
        "or run on a terminal to be asked"
    )


def _env_port(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdecimal() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"{name} is {raw!r}: a port is a whole number from 1 to 65535")
    return int(raw)
