"""`kg neo4j`: install, start, stop and inspect the managed local Neo4j server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loader.cli.common import emit_json, failures, say, write_out
from loader.cli.context import workspace_for
from loader.cli.options import FormatOpt, HomeOpt, connection_settings
from loader.cli.render import Format, to_csv

if TYPE_CHECKING:
    from loader.neo4j.server import ManagedServer

app = typer.Typer(
    help="Install, start, stop and inspect the managed local Neo4j server.",
    no_args_is_help=True,
)


def _server(
    ctx: typer.Context,
    home: Path | None,
    bolt_port: int | None = None,
    http_port: int | None = None,
) -> ManagedServer:
    """The managed server `--home` names, else the project's; a project's server styles
    Browser from its schema when it starts."""
    settings = replace(connection_settings(home=home), bolt_port=bolt_port, http_port=http_port)
    from loader.neo4j.connect import managed_server

    return managed_server(workspace_for(ctx, settings), settings)


@app.command("install")
def install(ctx: typer.Context, home: HomeOpt = None) -> None:
    """Build a Neo4j Community home from Maven Central (pinned jars, Browser included)."""
    with failures(ctx):
        result = _server(ctx, home).install()
    state = "already installed" if result.already_installed else "installed"
    say(f"Neo4j {result.version} {state} in {result.home}")


@app.command("start")
def start(
    ctx: typer.Context,
    home: HomeOpt = None,
    bolt_port: Annotated[
        int | None,
        typer.Option(
            help="Bolt port \\[env: KG_NEO4J_BOLT_PORT, read by every command; default: 7687].",
            min=1,
            max=65535,
        ),
    ] = None,
    http_port: Annotated[
        int | None,
        typer.Option(
            help="HTTP/Browser port \\[env: KG_NEO4J_HTTP_PORT, read by every command; "
            "default: 7474].",
            min=1,
            max=65535,
        ),
    ] = None,
) -> None:
    """Start the managed server in the background and wait until Bolt answers."""
    with failures(ctx):
        result = _server(ctx, home, bolt_port, http_port).start()
    status = result.status
    word = "already running" if result.already_running else "started"
    say(f"Neo4j {status.version} {word} (pid {status.pid})")
    say(f"Bolt:    {status.bolt_uri}")
    say(f"Browser: {status.browser_url}")
    say(f"User neo4j; password in {status.home / 'kg-password'}")


@app.command("stop")
def stop(ctx: typer.Context, home: HomeOpt = None) -> None:
    """Shut the managed server down cleanly."""
    with failures(ctx):
        stopped = _server(ctx, home).stop()
    say("Neo4j stopped" if stopped else "Neo4j was not running")


@app.command("status")
def status(ctx: typer.Context, home: HomeOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Say whether the managed server runs, its version, ports and home (exit 3 if stopped)."""
    with failures(ctx):
        current = _server(ctx, home).status()
    info = current.as_dict()
    if fmt is Format.json:
        emit_json(info)
    elif fmt is Format.csv:
        write_out(to_csv(list(info), [info]))
    else:
        for key, value in info.items():
            say(f"{key + ':':<13}{value}")
    if not current.running:
        raise typer.Exit(3)
