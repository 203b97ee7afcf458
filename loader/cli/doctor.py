"""`kg doctor`: the machine and the project checked, one line each with its fix."""

from __future__ import annotations

import typer

from loader.cli.common import emit_json, emit_rows, failures
from loader.cli.context import connection, workspace
from loader.cli.options import FormatOpt, connection_options
from loader.cli.render import Format
from loader.model.errors import KgError
from loader.neo4j.target import ConnectionOptions

COLUMNS = ["check", "state", "detail", "fix"]


@connection_options
def doctor(ctx: typer.Context, conn: ConnectionOptions, fmt: FormatOpt = Format.table) -> None:
    """Check Python, Java, Maven, the ports, the fonts, Chromium (for the tests), disk space,
    the server's health and version, and the data: one line each with a fix. Installs,
    starts and writes nothing; exit 1 when a check fails (a warning does not)."""
    from loader.jobs.doctor import FAIL, run_doctor

    with failures(ctx):
        try:
            ws, problem = workspace(ctx), None
        except KgError as exc:  # no project, or a kg.toml that cannot be read: a line below
            ws, problem = None, str(exc)
        with connection(conn, ws) as opened:
            checks = run_doctor(ws, opened, problem)
    rows = [check.as_dict() for check in checks]
    if fmt is Format.json:
        emit_json({"ok": all(c.state != FAIL for c in checks), "checks": rows})
    else:
        emit_rows(COLUMNS, rows, fmt)
    if any(c.state == FAIL for c in checks):
        raise typer.Exit(1)
