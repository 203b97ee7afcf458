"""The graph for analysis, paths and pictures: from the curated files or from Neo4j."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.analysis.graph import Analysis, PathStep, analyze, shortest_paths
from loader.analysis.viz import write_picture
from loader.model.dataset import Dataset
from loader.model.errors import ConfigError
from loader.model.outputs import checked_output
from loader.model.schema import Schema, load_schema
from loader.model.validation import load_dataset
from loader.neo4j.connect import resolve_target
from loader.neo4j.read import read_dataset
from loader.neo4j.target import ConnectionOptions
from loader.neo4j.writeback import write_back

SOURCES = ("data", "neo4j")


def read_graph(
    source: str, data: Path | None, schema: Schema, options: ConnectionOptions
) -> Dataset:
    """The graph from the curated files (no server) or from Neo4j."""
    if source == "data":
        return load_dataset(data, schema)
    if source == "neo4j":
        return read_dataset(resolve_target(options, start=True), schema)
    raise ConfigError(f"--from must be data or neo4j, not {source!r}")


@dataclass
class AnalyzeResult:
    analysis: Analysis
    written_back: int = 0


def run_analyze(
    options: ConnectionOptions,
    source: str = "data",
    data: Path | None = None,
    write_back_scores: bool = False,
) -> AnalyzeResult:
    schema = load_schema()
    if write_back_scores and source != "neo4j":
        source = "neo4j"  # scores belong to the nodes they were computed from
    dataset = read_graph(source, data, schema, options)
    result = AnalyzeResult(analyze(dataset, schema))
    if write_back_scores:
        target = resolve_target(options, start=True)
        result.written_back = write_back(result.analysis, target, schema.base_label)
    return result


def run_path(
    options: ConnectionOptions,
    a: str,
    b: str,
    source: str = "data",
    data: Path | None = None,
    limit: int = 5,
) -> list[list[PathStep]]:
    """Shortest paths between two entities named by name, alias or id."""
    schema = load_schema()
    return shortest_paths(read_graph(source, data, schema, options), schema, a, b, limit)


def run_viz(
    options: ConnectionOptions,
    output: Path,
    source: str = "data",
    data: Path | None = None,
    allow_outside: bool = False,
) -> Path:
    """Draw the graph into `output` (checked before anything is read)."""
    output = checked_output(output, allow_outside)
    schema = load_schema()
    return write_picture(read_graph(source, data, schema, options), schema, output)
