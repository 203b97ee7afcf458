"""`kg query`: the saved analysis queries (queries/*.cypher): list, show, run, open in Browser."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loader.cli.common import emit_json, emit_rows, failures, say, write_out
from loader.cli.context import connection, optional_workspace, workspace, workspace_for
from loader.cli.options import (
    FormatOpt,
    HomeOpt,
    ParamOpt,
    connection_options,
    connection_settings,
)
from loader.cli.params import parse_params
from loader.cli.render import Format
from loader.neo4j.target import ConnectionOptions

if TYPE_CHECKING:
    from loader.model.workspace import Workspace

app = typer.Typer(
    help="Saved analysis queries (queries/*.cypher): list, show, run, open in Browser.",
    no_args_is_help=True,
)
QueriesOpt = Annotated[
    Path | None,
    typer.Option("--queries", help="Folder of saved queries \\[default: the project's queries/]."),
]
NameArg = Annotated[str, typer.Argument(help="Query name.")]


def _folder(ctx: typer.Context, queries: Path | None) -> Path:
    """The folder named by --queries, else the project's."""
    return queries if queries is not None else workspace(ctx).queries


def _workspace_and_folder(
    ctx: typer.Context, queries: Path | None, elsewhere: Workspace | None
) -> tuple[Workspace | None, Path]:
    """The workspace and the saved queries' folder: the project's, or with --queries, that
    folder and `elsewhere` (the workspace if there is one where the command needs none)."""
    if queries is None:
        ws = workspace(ctx)
        return ws, ws.queries
    return elsewhere, queries


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = Format.table, queries: QueriesOpt = None) -> None:
    """List the saved queries with their titles, scopes (curated, gazetteer or both) and
    parameters."""
    with failures(ctx):
        from loader.neo4j.saved_queries import list_queries

        saved = list_queries(_folder(ctx, queries))
    if fmt is Format.json:
        emit_json([q.as_dict() for q in saved])
        return
    rows = [
        {
            "name": q.name,
            "title": q.title,
            "scope": q.scope,
            "parameters": ", ".join(f"{p.name}={p.example}" for p in q.parameters.values()),
        }
        for q in saved
    ]
    emit_rows(["name", "title", "scope", "parameters"], rows, fmt)


@app.command("show")
def show(ctx: typer.Context, name: NameArg, queries: QueriesOpt = None) -> None:
    """Print a saved query's text (with its header)."""
    with failures(ctx):
        from loader.neo4j.saved_queries import get_query

        saved = get_query(name, _folder(ctx, queries))
    write_out(saved.text if saved.text.endswith("\n") else saved.text + "\n")


@app.command("run")
@connection_options
def run(
    ctx: typer.Context,
    conn: ConnectionOptions,
    name: NameArg,
    param: ParamOpt = None,
    fmt: FormatOpt = Format.table,
    queries: QueriesOpt = None,
) -> None:
    """Run a saved query read-only; parameters default to the examples in its header."""
    from loader.jobs.queries import run_saved_query

    with failures(ctx):
        params = parse_params(param or [])
        ws, folder = _workspace_and_folder(ctx, queries, workspace_for(ctx, conn))
        with connection(conn, ws) as opened:
            done = run_saved_query(opened, name, params, folder=folder)
    emit_rows(done.result.columns, done.result.rows, fmt, title=done.query.title)


@app.command("browser")
def browser(
    ctx: typer.Context,
    name: NameArg,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Browser URL \\[default: the managed server's]."),
    ] = None,
    queries: QueriesOpt = None,
    home: HomeOpt = None,
) -> None:
    """Print a URL that opens Neo4j Browser with the saved query in its editor."""
    from loader.jobs.queries import saved_query_link

    with failures(ctx):
        settings = connection_settings(home=home)
        ws, folder = _workspace_and_folder(ctx, queries, optional_workspace(ctx))
        with connection(settings, ws) as opened:
            url = saved_query_link(opened, name, base_url, folder=folder)
    write_out(url + "\n")


@app.command("favorites")
def favorites(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--output", "-o", help="The .zip to write.", show_default=False)
    ],
    queries: QueriesOpt = None,
) -> None:
    """Write the saved queries as one .zip of Browser favorites: drop it on Browser's Favorites
    drawer once; each favorite is titled and runs as it is (example values written in)."""
    from loader.jobs.queries import write_favorites

    with failures(ctx):
        count = write_favorites(out, _folder(ctx, queries))
    say(f"wrote {count} favorites to {out}: drop it on Neo4j Browser's Favorites drawer")


@app.command("style")
def style(ctx: typer.Context) -> None:
    """Print the `:style` command that applies queries/jinshan.grass in Browser's editor."""
    from loader.jobs.queries import browser_style_command

    with failures(ctx):
        command = browser_style_command(workspace(ctx))
    write_out(command)
