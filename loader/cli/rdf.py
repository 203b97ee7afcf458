"""`kg export rdf` and `kg import rdf`: the graph as RDF for sharing, and back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import failures, note, to_stdout
from loader.cli.context import connection, workspace
from loader.cli.options import (
    BaseOpt,
    BreakLeaseOpt,
    DataOpt,
    FormatOpt,
    LeaseWaitOpt,
    SourceOpt,
    YesOpt,
    connection_options,
    lease_policy,
)
from loader.cli.render import Format
from loader.cli.summaries import confirm_wipe, consent_to_import, print_load, progress
from loader.neo4j.target import ConnectionOptions

export_app = typer.Typer(help="Export the graph for sharing.", no_args_is_help=True)
import_app = typer.Typer(help="Import a shared graph into Neo4j.", no_args_is_help=True)


@export_app.command("rdf")
@connection_options
def export_rdf(
    ctx: typer.Context,
    conn: ConnectionOptions,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="turtle, json-ld, n-triples, rdf-xml, trig or n-quads (or ttl, jsonld, nt, "
            "xml, nq) \\[default: from the -o file's extension; Turtle on stdout].",
            show_default=False,
        ),
    ] = None,
    source: SourceOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write, atomically \\[default: stdout]."),
    ] = None,
    data: DataOpt = None,
    base: BaseOpt = None,
    ontology: Annotated[
        bool, typer.Option("--ontology/--no-ontology", help="Include the derived ontology.")
    ] = True,
    mentions: Annotated[
        bool, typer.Option("--with-mentions", help="Add the lexical graph of the source texts.")
    ] = False,
    catalog: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Also list the -o file (media type, size, SHA-256) in this DCAT catalog "
            "(Turtle; created or updated, other files kept) \\[default: no catalog].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export the graph as RDF (entities, ontology, and a citation for every relation)."""
    from loader.jobs.export import ExportChoice, run_export
    from loader.jobs.graph import GraphSource

    where = GraphSource(source, data_given=data is not None)
    choice = ExportChoice(
        fmt, base, with_ontology=ontology, with_mentions=mentions, catalog=catalog
    )
    with failures(ctx), to_stdout():
        ws = workspace(ctx, data=data)
        with connection(conn, ws) as opened:
            result = run_export(ws, opened, where, choice, output=output, stdout=sys.stdout.buffer)
    if result.path:
        note(f"wrote {result.triples} statements as {result.format} to {result.path}")
    if catalog is not None:
        note(f"listed {output.name if output else ''} in the catalog {catalog}")


@import_app.command("rdf")
@connection_options
def import_rdf(
    ctx: typer.Context,
    conn: ConnectionOptions,
    path: Annotated[Path, typer.Argument(help="An RDF file written by `kg export rdf`.")],
    rdf_format: Annotated[
        str | None,
        typer.Option("--rdf-format", help="The file's RDF format \\[default: from its name]."),
    ] = None,
    base: BaseOpt = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete what the file no longer has.")
    ] = False,
    wipe: Annotated[bool, typer.Option("--wipe", help="Empty the database first.")] = False,
    yes: YesOpt = False,
    fmt: FormatOpt = Format.table,
    lease_wait: LeaseWaitOpt = 10.0,
    break_lease: BreakLeaseOpt = False,
) -> None:
    """Load an exported RDF file into Neo4j (checked against the schema first)."""
    from loader.jobs.load import run_import
    from loader.neo4j.store import SyncOptions

    if wipe and not yes:
        with failures(ctx):
            confirm_wipe()
    with failures(ctx), progress(enabled=fmt.for_people) as tick:
        options = SyncOptions(
            prune=prune, wipe=wipe, progress=tick, lease=lease_policy(lease_wait, break_lease)
        )
        ws = workspace(ctx)
        with connection(conn, ws) as opened:
            result = run_import(
                ws,
                opened,
                path,
                fmt=rdf_format,
                base=base,
                options=options,
                consent=None if yes else consent_to_import,
            )
    if result.skipped:
        held = ", ".join(f"{n:,} of {name}" for name, n in sorted(result.skipped.items()))
        note(
            f"not imported: entities of the file's other datasets ({held}) and the "
            f"{result.skipped_relations:,} relationships that touch them"
        )
    print_load(result.load, fmt)
