"""`kg sparql`: SPARQL over the project's RDF, in an embedded store (no server needed)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import emit_rows, failures
from loader.cli.context import workspace
from loader.cli.options import BaseOpt, FormatOpt, ParamOpt
from loader.cli.params import parse_params
from loader.cli.render import Format


def sparql(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(help="The SPARQL; `-` reads it from stdin.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="Read the SPARQL from this file (e.g. queries/sparql/*.rq)."
        ),
    ] = None,
    param: ParamOpt = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Data folder \\[default: the project's data/].")
    ] = None,
    base: BaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the curated graph as RDF,
    in an embedded Oxigraph store: no server, no network (SERVICE is refused). The default
    graph is the union of all graphs; the export's prefixes (kg:, kgo:, skos: and others) are
    declared; -p binds ?name, over a query file's `# :param` lines."""
    from loader.jobs.sparql import run_sparql_query, sparql_text

    with failures(ctx):
        text, params = sparql_text(query, file)  # refuses both or neither before reading stdin
        text = sys.stdin.read() if query == "-" else text
        params |= parse_params(param or [])
        result = run_sparql_query(workspace(ctx, data=data), text, params, base)
    emit_rows(result.columns, result.rows, fmt)
