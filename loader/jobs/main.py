"""The main job (`kg run`): validate, reach the target, load with pruning, analyse, report.

With no `NEO4J_URI` the target is the managed server, installed and started on demand. Data is
validated before any connection is made, so invalid data never starts a server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loader.analysis.graph import analyze
from loader.jobs.report import write_report
from loader.model.outputs import report_folder
from loader.model.project import current_project
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.apply import Progress
from loader.neo4j.connect import managed_server, resolve_target
from loader.neo4j.cypher import QueryResult, server_components
from loader.neo4j.saved_queries import browser_link, get_query, run_saved
from loader.neo4j.server import ServerStatus
from loader.neo4j.store import LoadResult, load
from loader.neo4j.target import ConnectionOptions, masked_uri
from loader.neo4j.writeback import write_back

OVERVIEW_QUERY = "layout-overview"


@dataclass
class JobReport:
    uri: str
    neo4j_version: str
    edition: str
    managed: ServerStatus | None = None
    steps: list[str] = field(default_factory=list)
    load: LoadResult | None = None
    overview_title: str = ""
    overview: QueryResult | None = None
    overview_link: str | None = None
    report: list[Path] = field(default_factory=list)


def run_main_job(
    options: ConnectionOptions,
    progress: Progress | None = None,
    report: Path | None = None,
) -> JobReport:
    """Load with pruning, write back the scores, write the report folder, run the overview."""
    report = report_folder(report or current_project().report)
    schema = load_schema()
    dataset = load_dataset(None, schema)
    target = resolve_target(options, start=True)
    managed = managed_server(options).status() if target.managed_home else None
    version, edition = server_components(target)
    result = load(dataset, schema, target, prune=True, progress=progress)
    analysis = analyze(dataset, schema)
    write_back(analysis, target, schema.base_label)
    files = write_report(dataset, schema, report, analysis)
    overview = get_query(OVERVIEW_QUERY)
    rows = run_saved(target, overview)
    link = browser_link(overview, managed.browser_url) if managed else None
    return JobReport(
        masked_uri(target.uri),
        version,
        edition,
        managed,
        list(target.steps),
        result,
        overview.title,
        rows,
        link,
        files,
    )
