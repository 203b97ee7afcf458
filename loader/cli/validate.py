"""`kg validate`: the curated data checked against the schema, or an RDF file against SHACL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from loader.cli.common import emit_json, failures, note, say, write_out
from loader.cli.context import workspace
from loader.cli.data import PathArg, SchemaOpt
from loader.cli.options import BaseOpt, FormatOpt
from loader.cli.render import Format, to_csv
from loader.model.dataset import Dataset
from loader.model.errors import DataInvalid

PROBLEM_COLUMNS = ["file", "line", "message"]


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
    """Check the curated data against the schema; report every problem as file:line: message.

    With --rdf, check an RDF file against the SHACL shapes derived from the schema.
    Exit 0 when clean, 2 when anything is wrong. Never touches Neo4j.
    """
    if rdf is not None:
        _validate_rdf(ctx, rdf, schema, base, fmt)
        return
    with failures(ctx):
        ws = workspace(ctx, data=path, schema=schema)
        try:
            report = ws.validation
            problems, dataset = [str(p) for p in report.problems], report.dataset
        except DataInvalid as exc:  # the schema itself is broken
            problems, dataset = [str(p) for p in exc.problems], None
    rows = [_problem_row(p) for p in problems]
    if fmt is Format.json:
        emit_json({"ok": not problems, "problems": rows, **_dataset_counts(dataset)})
    elif fmt is Format.csv:
        write_out(to_csv(PROBLEM_COLUMNS, rows))
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
