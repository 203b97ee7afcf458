"""The graph for analysis, paths and pictures: from the curated files or from Neo4j."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.analysis.graph import Analysis, PathStep, analyze, shortest_paths
from loader.analysis.viz import Drawn, picture_kind, write_picture
from loader.model.dataset import Dataset
from loader.model.errors import UsageError
from loader.model.outputs import check_output
from loader.model.workspace import Workspace
from loader.neo4j.connect import Connection
from loader.neo4j.read import read_dataset
from loader.neo4j.target import ConnectionOptions
from loader.neo4j.writeback import write_back

SOURCES = ("data", "neo4j")


def choose_source(
    source: str | None,
    options: ConnectionOptions,
    *,
    data_given: bool = False,
    needs_neo4j: bool = False,
    data_used: bool = False,
) -> str:
    """`--from` as given, else data (neo4j when the job writes to it); an option the choice
    makes meaningless is refused rather than ignored."""
    chosen = source or ("neo4j" if needs_neo4j else "data")
    if chosen not in SOURCES:
        raise UsageError(f"--from must be data or neo4j, not {chosen!r}")
    if chosen == "data":
        if needs_neo4j:
            raise UsageError(
                "--write-back stores the scores on the nodes they were computed from: "
                "use --from neo4j (the default with --write-back)"
            )
        given = options.given()
        if given:
            raise UsageError(f"--{given[0]} applies to --from neo4j; --from data uses no server")
    elif data_given and not data_used:
        raise UsageError("--data applies to --from data; --from neo4j reads the server's graph")
    return chosen


@dataclass(frozen=True)
class GraphSource:
    """Where a command reads the graph: `--from` (None: the default) and whether `--data`
    named a data folder (the workspace's then)."""

    source: str | None = None
    data_given: bool = False


def read_graph(workspace: Workspace, connection: Connection, where: GraphSource) -> Dataset:
    """The graph from the curated files (no server) or from Neo4j."""
    chosen = choose_source(where.source, connection.options, data_given=where.data_given)
    if chosen == "data":
        return workspace.dataset
    return read_dataset(connection.graph(), workspace.schema)


@dataclass
class AnalyzeResult:
    analysis: Analysis
    written_back: int = 0


def run_analyze(
    workspace: Workspace,
    connection: Connection,
    where: GraphSource,
    *,
    write_back_scores: bool = False,
) -> AnalyzeResult:
    """Analyse the graph; with `write_back_scores`, store the scores on the nodes read."""
    schema = workspace.schema
    if not write_back_scores:
        return AnalyzeResult(analyze(read_graph(workspace, connection, where), schema))
    choose_source(where.source, connection.options, data_given=where.data_given, needs_neo4j=True)
    graph = connection.graph()  # one graph: read from and written to
    result = AnalyzeResult(analyze(read_dataset(graph, schema), schema))
    result.written_back = write_back(graph, result.analysis, schema.base_label)
    return result


def run_path(
    workspace: Workspace,
    connection: Connection,
    where: GraphSource,
    ends: tuple[str, str],
    *,
    limit: int = 5,
) -> list[list[PathStep]]:
    """Shortest paths between two entities named by name, alias or id."""
    dataset = read_graph(workspace, connection, where)
    return shortest_paths(dataset, workspace.schema, ends[0], ends[1], limit)


@dataclass(frozen=True)
class Focus:
    """Draw one entity's neighbourhood (`centre`, named by name, alias or id) `depth` steps out
    instead of the whole graph; None: not given."""

    centre: str | None = None
    depth: int | None = None


def run_viz(
    workspace: Workspace,
    connection: Connection,
    where: GraphSource,
    output: Path,
    focus: Focus | None = None,
) -> Drawn:
    """Draw the graph, or one entity's neighbourhood, into `output` (its name and folder
    checked before anything is read)."""
    kind = picture_kind(output)
    centre, depth = (focus.centre, focus.depth) if focus else (None, None)
    if depth is not None and centre is None:
        raise UsageError("--depth says how far --focus reaches: give --focus NAME too")
    if centre is not None and kind == "html":
        raise UsageError("--focus draws a PNG or SVG; the HTML view has its own search")
    if depth is not None and depth < 1:
        raise UsageError(f"--depth must be at least 1, not {depth}")
    output = check_output(output)
    dataset = read_graph(workspace, connection, where)
    return write_picture(dataset, workspace.schema, output, centre, depth or 1)
