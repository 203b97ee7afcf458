"""The graph for analysis, paths and pictures: from the curated files or from Neo4j."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.analysis.graph import Analysis, PathStep, analyze, shortest_paths
from loader.analysis.viz import Drawn, picture_kind, write_picture
from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, UsageError
from loader.model.outputs import check_output
from loader.model.schema import Schema, load_schema
from loader.model.validation import load_dataset
from loader.neo4j.connect import resolve_target
from loader.neo4j.read import read_dataset
from loader.neo4j.target import ConnectionOptions
from loader.neo4j.writeback import write_back

SOURCES = ("data", "neo4j")


def choose_source(
    source: str | None,
    data: Path | None,
    options: ConnectionOptions,
    needs_neo4j: bool = False,
    data_used: bool = False,
) -> str:
    """`--from` as given, else data (neo4j when the job writes to it); an option the choice
    makes meaningless is refused rather than ignored."""
    chosen = source or ("neo4j" if needs_neo4j else "data")
    if chosen not in SOURCES:
        raise ConfigError(f"--from must be data or neo4j, not {chosen!r}")
    if chosen == "data":
        if needs_neo4j:
            raise UsageError(
                "--write-back stores the scores on the nodes they were computed from: "
                "use --from neo4j (the default with --write-back)"
            )
        given = [name for name, value in vars(options).items() if value is not None]
        if given:
            raise UsageError(f"--{given[0]} applies to --from neo4j; --from data uses no server")
    elif data is not None and not data_used:
        raise UsageError("--data applies to --from data; --from neo4j reads the server's graph")
    return chosen


def read_graph(
    source: str | None, data: Path | None, schema: Schema, options: ConnectionOptions
) -> Dataset:
    """The graph from the curated files (no server) or from Neo4j."""
    if choose_source(source, data, options) == "data":
        return load_dataset(data, schema)
    return read_dataset(resolve_target(options, start=True), schema)


@dataclass
class AnalyzeResult:
    analysis: Analysis
    written_back: int = 0


def run_analyze(
    options: ConnectionOptions,
    source: str | None = None,
    data: Path | None = None,
    write_back_scores: bool = False,
) -> AnalyzeResult:
    """Analyse the graph; with `write_back_scores`, store the scores on the nodes read."""
    schema = load_schema()
    if not write_back_scores:
        return AnalyzeResult(analyze(read_graph(source, data, schema, options), schema))
    choose_source(source, data, options, needs_neo4j=True)
    target = resolve_target(options, start=True)  # one target: read from and written to
    result = AnalyzeResult(analyze(read_dataset(target, schema), schema))
    result.written_back = write_back(result.analysis, target, schema.base_label)
    return result


def run_path(
    options: ConnectionOptions,
    a: str,
    b: str,
    source: str | None = None,
    data: Path | None = None,
    limit: int = 5,
) -> list[list[PathStep]]:
    """Shortest paths between two entities named by name, alias or id."""
    schema = load_schema()
    return shortest_paths(read_graph(source, data, schema, options), schema, a, b, limit)


def run_viz(
    options: ConnectionOptions,
    output: Path,
    source: str | None = None,
    data: Path | None = None,
    centre: str | None = None,
    depth: int | None = None,
) -> Drawn:
    """Draw the graph, or one entity's neighbourhood, into `output` (its name and folder
    checked before anything is read)."""
    kind = picture_kind(output)
    if depth is not None and centre is None:
        raise UsageError("--depth says how far --focus reaches: give --focus NAME too")
    if centre is not None and kind == "html":
        raise UsageError("--focus draws a PNG or SVG; the HTML view has its own search")
    if depth is not None and depth < 1:
        raise UsageError(f"--depth must be at least 1, not {depth}")
    output = check_output(output)
    schema = load_schema()
    dataset = read_graph(source, data, schema, options)
    return write_picture(dataset, schema, output, centre, depth or 1)
