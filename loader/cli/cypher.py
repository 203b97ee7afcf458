"""`kg cypher`: ad-hoc Cypher like cypher-shell, from an argument, a file or stdin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import emit_json, emit_rows, failures, write_out
from loader.cli.context import connection, workspace_for
from loader.cli.options import FormatOpt, ParamOpt, connection_options
from loader.cli.params import parse_params
from loader.cli.render import Format
from loader.model.errors import ConfigError, UsageError
from loader.model.safe_text import terminal_safe
from loader.neo4j.target import ConnectionOptions


@connection_options
def cypher(
    ctx: typer.Context,
    conn: ConnectionOptions,
    query: Annotated[
        str | None, typer.Argument(help="The Cypher; `-` reads it from stdin.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the Cypher from this file.")
    ] = None,
    param: ParamOpt = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the query to write.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run ad-hoc Cypher (read-only unless --write), like cypher-shell; statements separated
    by `;` run in turn."""
    from loader.jobs.queries import run_statements

    with failures(ctx):
        text = _query_text(query, file)
        params = parse_params(param or [])
        with connection(conn, workspace_for(ctx, conn)) as opened:
            results = run_statements(opened, text, params, write=write)
    if len(results) == 1:
        emit_rows(results[0].result.columns, results[0].result.rows, fmt)
    elif fmt is Format.json:  # one document: each statement with its rows
        emit_json([{"statement": run.statement, "rows": run.result.rows} for run in results])
    else:  # a block per statement, named by a header line (CSV) or the table's title
        for index, run in enumerate(results, 1):
            named = f"statement {index}: {' '.join(run.statement.split())}"
            if fmt is Format.csv:
                write_out(("\n" if index > 1 else "") + f"# {terminal_safe(named)}\n")
            emit_rows(run.result.columns, run.result.rows, fmt, title=named)


def _query_text(query: str | None, file: Path | None) -> str:
    if (query is None) == (file is None):
        raise UsageError("give the Cypher as an argument, `-` for stdin, or --file FILE (one)")
    if file is not None:
        from loader.model.readers import read_text

        text, problems = read_text(file, str(file))
        if text is None:
            raise ConfigError(str(problems[0]))
        return text
    if query == "-":
        return sys.stdin.read()
    assert query is not None
    return query
