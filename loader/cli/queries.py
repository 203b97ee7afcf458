"""`kg query`: the saved analysis queries (queries/*.cypher): list, show, run, open in Browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import emit_json, emit_rows, failures, say, write_out
from loader.cli.options import FormatOpt, HomeOpt, ParamOpt, connection_options
from loader.cli.params import parse_params
from loader.cli.render import Format
from loader.neo4j.saved_queries import get_query, list_queries
from loader.neo4j.target import ConnectionOptions

app = typer.Typer(
    help="Saved analysis queries (queries/*.cypher): list, show, run, open in Browser.",
    no_args_is_help=True,
)
QueriesOpt = Annotated[
    Path | None,
    typer.Option("--queries", help="Folder of saved queries \\[default: the project's queries/]."),
]
NameArg = Annotated[str, typer.Argument(help="Query name.")]


@app.command("list")
def list_(fmt: FormatOpt = Format.table, queries: QueriesOpt = None) -> None:
    """List the saved queries with their titles, scopes (curated, gazetteer or both) and
    parameters."""
    with failures():
        saved = list_queries(queries)
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
def show(name: NameArg, queries: QueriesOpt = None) -> None:
    """Print a saved query's text (with its header)."""
    with failures():
        saved = get_query(name, queries)
    write_out(saved.text if saved.text.endswith("\n") else saved.text + "\n")


@app.command("run")
@connection_options
def run(
    conn: ConnectionOptions,
    name: NameArg,
    param: ParamOpt = None,
    fmt: FormatOpt = Format.table,
    queries: QueriesOpt = None,
) -> None:
    """Run a saved query read-only; parameters default to the examples in its header."""
    from loader.jobs.queries import run_saved_query

    with failures():
        done = run_saved_query(conn, name, parse_params(param or []), queries)
    emit_rows(done.result.columns, done.result.rows, fmt, title=done.query.title)


@app.command("browser")
def browser(
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

    with failures():
        url = saved_query_link(ConnectionOptions(home=home), name, base_url, queries)
    write_out(url + "\n")


@app.command("favorites")
def favorites(
    out: Annotated[
        Path, typer.Option("--output", "-o", help="The .zip to write.", show_default=False)
    ],
    queries: QueriesOpt = None,
) -> None:
    """Write the saved queries as one .zip of Browser favorites: drop it on Browser's Favorites
    drawer once; each favorite is titled and runs as it is (example values written in)."""
    from loader.jobs.queries import write_favorites

    with failures():
        count = write_favorites(out, queries)
    say(f"wrote {count} favorites to {out}: drop it on Neo4j Browser's Favorites drawer")


@app.command("style")
def style() -> None:
    """Print the `:style` command that applies queries/jinshan.grass in Browser's editor."""
    from loader.jobs.queries import browser_style_command

    with failures():
        command = browser_style_command()
    write_out(command)
