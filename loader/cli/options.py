"""Options shared by many commands, declared once.

`@connection_options` adds `--uri`, `--username`, `--database` and `--home` to a command and
hands it one `ConnectionOptions` as `conn`, so no command declares or forwards them itself.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from loader.cli.common import ask_password
from loader.cli.render import Format
from loader.neo4j.target import ConnectionOptions

if TYPE_CHECKING:
    from loader.neo4j.lease import LeasePolicy

FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]
UriOpt = Annotated[
    str | None,
    typer.Option(
        "--uri", help="Bolt/Neo4j URI \\[env: NEO4J_URI; default: the managed server, started]."
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option("--username", "-u", help="User name \\[env: NEO4J_USERNAME; default: neo4j]."),
]
DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database", "-d", help="Database \\[env: NEO4J_DATABASE; default: the server's default]."
    ),
]
HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home", help="Managed server home \\[env: KG_NEO4J_HOME; default: the project's]."
    ),
]
BaseOpt = Annotated[
    str | None,
    typer.Option(
        "--base",
        help="Base IRI \\[env: KG_RDF_BASE; default: https://example.org/jinshan-kg/].",
        show_default=False,
    ),
]
SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="data (the curated files, no server) or neo4j \\[default: data].",
        show_default=False,
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Data folder for --from data \\[default: the project's data/]."),
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param", "-p", help="name=value or 'name => value'; JSON when valid JSON, else text."
    ),
]
YesOpt = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Do not ask before --wipe or --prune deletes loaded data, or an import changes "
        "a dataset another command keeps.",
    ),
]
BreakLeaseOpt = Annotated[
    bool,
    typer.Option(
        "--break-lease",
        help="Delete the leases left by a killed load: the dataset's, and the database-wide "
        "one of a killed --wipe/--prune load (only if you know it is gone).",
    ),
]
LeaseWaitOpt = Annotated[
    float,
    typer.Option(
        "--lease-wait",
        help="Seconds to wait for another load of the dataset (or, with --wipe/--prune, of "
        "any dataset) to end.",
        min=0,
    ),
]

_CONNECTION = {"uri": UriOpt, "username": UserOpt, "database": DatabaseOpt, "home": HomeOpt}
F = TypeVar("F", bound=Callable[..., Any])


def connection_options(command: F) -> F:
    """Give `command` the four connection options, packed into its `conn` parameter."""
    signature = inspect.signature(command, eval_str=True)  # typer reads the annotations
    kept = [p for p in signature.parameters.values() if p.name != "conn"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind)
        for name, kind in _CONNECTION.items()
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        conn = connection_settings(**{name: kwargs.pop(name, None) for name in _CONNECTION})
        return command(*args, conn=conn, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=kept + added)  # type: ignore[attr-defined]
    hints = {p.name: p.annotation for p in kept if p.annotation is not inspect.Parameter.empty}
    wrapper.__annotations__ = {**hints, **_CONNECTION}
    return wrapper  # type: ignore[return-value]


def connection_settings(
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> ConnectionOptions:
    """The connection options as given (a `--home` taken from the working directory), asking on
    a terminal for a password none of the settings give."""
    if home is not None:
        home = home.expanduser().absolute()
    return ConnectionOptions(uri, username, database, home, prompt=ask_password)


def lease_policy(wait_s: float, break_lease: bool) -> LeasePolicy:
    from loader.neo4j.lease import LeasePolicy

    return LeasePolicy(wait_s=wait_s, break_existing=break_lease)
