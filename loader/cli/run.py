"""`kg run`: the main job, on the managed server unless NEO4J_URI names another."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import emit_rows, failures, note, say
from loader.cli.context import connection, workspace
from loader.cli.options import connection_options
from loader.cli.render import Format
from loader.cli.summaries import print_load, progress
from loader.neo4j.target import ConnectionOptions


@connection_options
def run(
    ctx: typer.Context,
    conn: ConnectionOptions,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report", help="Folder for the analysis report \\[default: report/]."),
    ] = None,
) -> None:
    """The main job: start the managed server (unless NEO4J_URI is set), validate, load,
    analyse, write the report folder, and show the layout overview."""
    from loader.jobs.main import run_main_job

    with failures(ctx), progress(enabled=True) as tick:
        ws = workspace(ctx)
        with connection(conn, ws) as opened:
            report = run_main_job(ws, opened, progress=tick, report=report_dir)
    for step in report.steps:
        say(step)
    say(f"Connected to Neo4j {report.neo4j_version} {report.edition} at {report.uri}")
    if report.load is not None:
        print_load(report.load, Format.table)
        nodes = report.load.total("nodes", "deleted")
        links = report.load.total("relationships", "deleted")
        if nodes or links:  # the main job syncs: say what it removed, not only in the table
            note(
                f"removed {nodes:,} nodes and {links:,} relationships that are no longer in "
                "data/ (kg run keeps the database equal to the curated data)"
            )
    if report.lexical:
        sentences = sum(x.sentences for x in report.lexical)
        mentions = sum(x.mentions for x in report.lexical)
        say(
            f"Lexical graph of {len(report.lexical)} sources: {sentences:,} sentences, "
            f"{mentions:,} mentions (query sentences-mentioning)"
        )
    if report.report:
        say("Report: " + ", ".join(str(p) for p in report.report))
    if report.overview is not None:
        emit_rows(
            report.overview.columns, report.overview.rows, Format.table, title=report.overview_title
        )
    if report.overview_link:
        say(f"Open it in Neo4j Browser: {report.overview_link}")
    if report.managed is not None:
        say(f"Browser: {report.managed.browser_url}")
        say(f"User neo4j; password in {report.managed.home / 'kg-password'}")
