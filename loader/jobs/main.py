"""The main job (`kg run`): validate, reach the target, load with pruning, write the lexical
graph of the sources, analyse, report.

With no `NEO4J_URI` the target is the managed server, installed and started on demand. Data is
validated before any connection is made, so invalid data never starts a server. Every step
after that uses the command's one connection, so on a cluster each read sees the load before it.
The lexical graph (sentences and their mentions, which `sentences-mentioning` reads) is first
unlinked from what the new data drops, so the sync deletes a removed entity instead of keeping
it as linked, then rewritten from the sources once they are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loader.analysis.graph import analyze
from loader.jobs.load import RUNNER
from loader.jobs.report import write_report
from loader.model.outputs import report_folder
from loader.model.workspace import Workspace
from loader.neo4j.apply import Progress
from loader.neo4j.connect import Connection
from loader.neo4j.cypher import QueryResult, server_components
from loader.neo4j.lexical_store import LexicalResult, unlink_dropped, write_lexical
from loader.neo4j.saved_queries import browser_link, get_query, run_saved
from loader.neo4j.server import ServerStatus
from loader.neo4j.store import LoadResult, SyncOptions, load
from loader.neo4j.target import masked_uri
from loader.neo4j.writeback import write_back
from loader.text.extract import source_extractions

OVERVIEW_QUERY = "layout-overview"


@dataclass
class JobReport:
    uri: str
    neo4j_version: str
    edition: str
    managed: ServerStatus | None = None
    steps: list[str] = field(default_factory=list)
    load: LoadResult | None = None
    lexical: list[LexicalResult] = field(default_factory=list)
    overview_title: str = ""
    overview: QueryResult | None = None
    overview_link: str | None = None
    report: list[Path] = field(default_factory=list)


def run_main_job(
    workspace: Workspace,
    connection: Connection,
    *,
    progress: Progress | None = None,
    report: Path | None = None,
) -> JobReport:
    """Load with pruning, write back the scores, write the report folder, run the overview."""
    folder = report_folder(report or workspace.report)
    schema, dataset = workspace.schema, workspace.dataset
    graph = connection.graph()
    managed = connection.managed_status()
    version, edition = server_components(graph)
    extractions = list(source_extractions(dataset, schema))
    unlink_dropped(graph, schema, dataset.name, sorted(dataset.entities), sorted(dataset.sources))
    how = SyncOptions(prune=True, progress=progress, command=RUNNER)
    result = load(graph, dataset, schema, how)
    lexical = [write_lexical(graph, extraction, schema) for extraction in extractions]
    analysis = analyze(dataset, schema)
    write_back(graph, analysis, schema.base_label)
    files = write_report(dataset, schema, folder, analysis, queries=workspace.queries)
    overview = get_query(OVERVIEW_QUERY, workspace.queries)
    rows = run_saved(graph, overview)
    return JobReport(
        uri=masked_uri(graph.target.uri),
        neo4j_version=version,
        edition=edition,
        managed=managed,
        steps=list(graph.target.steps),
        load=result,
        lexical=lexical,
        overview_title=overview.title,
        overview=rows,
        overview_link=browser_link(overview, managed.browser_url) if managed else None,
        report=files,
    )
