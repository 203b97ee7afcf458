"""`kg validate`: the curated data checked against the schema, or an RDF file against SHACL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from loader.cli.common import emit_json, failures, note, say, write_out
from loader.cli.context import workspace
from loader.cli.data import PathArg, SchemaOpt
from loader.cli.options import BaseOpt, FormatOpt
from loader.cli.render import Format, to_csv
from loader.model.errors import DataInvalid

if TYPE_CHECKING:
    from loader.model.dataset import Dataset
    from loader.model.problems import Problem

PROBLEM_COLUMNS = ["file", "line", "code", "severity", "message"]


def validate(
    ctx: typer.Context,
    path: PathArg = None,
    schema: SchemaOpt = None,
    rdf: Annotated[
        Path | None, typer.Option("--rdf", help="Validate this RDF file with SHACL instead.")
    ] = None,
    base: BaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check the curated data against the schema; report every problem with its line and code.

    Each is printed as file:line: message, then its code in brackets (see docs/curation.md).
    With --rdf, check an RDF file against the SHACL shapes derived from the schema.
    Exit 0 when clean or with warnings only, 2 on any error. Never touches Neo4j.
    """
    if rdf is not None:
        _validate_rdf(ctx, rdf, schema, base, fmt)
        return
    with failures(ctx):
        ws = workspace(ctx, data=path, schema=schema)
        try:
            report = ws.validation
            problems, dataset = report.problems, report.dataset
        except DataInvalid as exc:  # the schema itself is broken
            problems, dataset = exc.problems, None
    errors = sum(p.severity == "error" for p in problems)
    rows = [{column: getattr(p, column) for column in PROBLEM_COLUMNS} for p in problems]
    if fmt is Format.json:
        emit_json({"ok": not errors, "problems": rows, **_dataset_counts(dataset)})
    elif fmt is Format.csv:
        write_out(to_csv(PROBLEM_COLUMNS, rows))
    else:
        for problem in problems:
            say(_problem_line(problem))
        if errors:
            note(f"kg: {len(problems)} problem(s) found")
        elif dataset is not None:
            say(ok_line(dataset) + (f", {len(problems)} warning(s)" if problems else ""))
    if errors:
        raise typer.Exit(2)


def _validate_rdf(
    ctx: typer.Context, path: Path, schema: Path | None, base: str | None, fmt: Format
) -> None:
    from loader.rdf.shacl import validate_rdf
    from loader.rdf.vocab import Names

    with failures(ctx):
        report = validate_rdf(path, workspace(ctx, schema=schema).schema, Names.configured(base))
    if fmt is Format.json:
        emit_json({"conforms": report.conforms, "violations": report.violations})
    elif fmt is Format.csv:
        write_out(to_csv(["violation"], [{"violation": v} for v in report.violations]))
    else:
        for line in report.violations:
            say(line)
        if report.conforms:
            say(f"ok: {path} conforms to the shapes")
        else:
            note(f"kg: {len(report.violations)} SHACL violation(s)")
    if not report.conforms:
        raise typer.Exit(2)


def _problem_line(problem: Problem) -> str:
    warning = "warning: " if problem.severity == "warning" else ""
    return f"{problem.file}:{problem.line}: {warning}{problem.message} [{problem.code}]"


def ok_line(dataset: Dataset) -> str:
    """What `kg validate` says of valid data (the README's tour quotes it)."""
    counts = _dataset_counts(dataset)
    return (
        f"ok: {counts['entities']} entities, {counts['relations']} relations, "
        f"{counts['sources']} sources ({dataset.name} {dataset.version})"
    )


def _dataset_counts(dataset: Dataset | None) -> dict[str, int]:
    if dataset is None:
        return {}
    return {
        "entities": len(dataset.entities),
        "relations": len(dataset.relations),
        "sources": len(dataset.sources),
    }
