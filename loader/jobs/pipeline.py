"""The jobs the CLI runs end to end: reach a Neo4j, validate, load, report.

With no `NEO4J_URI` (or `--uri`) the target is the managed local server, installed and started
on demand. Data is validated before any connection is made, so invalid data never starts a
server or writes a byte.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from loader.analysis.graph import Analysis, analyze
from loader.analysis.viz import write_picture
from loader.model.dataset import Dataset, default_data_path
from loader.model.errors import ConfigError, DataInvalid
from loader.model.outputs import checked_output
from loader.model.readers import read_text, read_yaml
from loader.model.schema import Schema, load_schema
from loader.model.validation import load_dataset
from loader.neo4j.cypher import QueryResult
from loader.neo4j.driver import open_driver
from loader.neo4j.lexical_store import LexicalResult, write_lexical
from loader.neo4j.read import read_dataset
from loader.neo4j.saved_queries import browser_link, get_query, run_saved
from loader.neo4j.server import ManagedServer, ServerStatus, default_home
from loader.neo4j.store import LoadResult, Progress, load
from loader.neo4j.target import ENV_URI, Target
from loader.neo4j.writeback import write_back
from loader.rdf.export import (
    FORMATS,
    ExportResult,
    Quad,
    dataset_quads,
    lexical_quads,
    write_export,
)
from loader.rdf.importer import parse_rdf, rdf_to_dataset
from loader.rdf.ontology import json_ld_context
from loader.rdf.vocab import Names
from loader.text.extract import Extraction, Matcher, Scores, evaluate, extract, surface_forms

OVERVIEW_QUERY = "layout-overview"


@dataclass
class Target:
    settings: ConnectionSettings
    managed: ServerStatus | None = None
    steps: list[str] = field(default_factory=list)


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


def connect_target(
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> Target:
    """Settings for the configured server; the managed one is installed and started if needed."""
    steps: list[str] = []
    managed: ServerStatus | None = None
    if not (uri or os.environ.get(ENV_URI)):
        server = ManagedServer(home or default_home())
        installed = server.install()
        steps.append(
            f"Neo4j {installed.version} "
            + ("already installed" if installed.already_installed else "installed")
            + f" in {installed.home}"
        )
        started = server.start()
        steps.append("server already running" if started.already_running else "server started")
        managed = started.status
    settings = resolve_settings(uri=uri, username=username, database=database, home=home)
    return Target(settings, managed, steps)


def server_components(settings: ConnectionSettings) -> tuple[str, str]:
    """(version, edition) of the server behind `settings`."""
    with open_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition",
            database_=settings.database,
        )
    for record in records:
        if record["name"] == "Neo4j Kernel":
            return str(record["versions"][0]), str(record["edition"])
    return "unknown", "unknown"


def run_load(
    data: Path | None = None,
    schema_path: Path | None = None,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
    batch_size: int = 1000,
    prune: bool = False,
    dry_run: bool = False,
    wipe: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    schema = load_schema(schema_path)
    dataset = load_dataset(data, schema)
    target = connect_target(uri, username, database, home)
    return load(
        dataset,
        schema,
        target.settings,
        batch_size=batch_size,
        prune=prune,
        dry_run=dry_run,
        wipe=wipe,
        progress=progress,
    )


def run_bulk_load(
    data: Path | None = None,
    with_divisions: bool = False,
    home: Path | None = None,
) -> LoadResult:
    """Fill an empty managed database with neo4j-admin import (curated data, and divisions)."""
    from loader.divisions import gazetteer as divisions
    from loader.neo4j.bulk import bulk_load

    if os.environ.get(ENV_URI):
        raise ConfigError("--bulk works on the managed server only (NEO4J_URI is set)")
    schema = load_schema()
    curated = load_dataset(data, schema)
    sources: list[Iterable[Dataset]] = [[curated]]
    name, version = curated.name, curated.version
    if with_divisions:
        sources.append(divisions.chunks(divisions.fetch(), list(divisions.LEVELS)))
        name, version = f"{name}+{divisions.DATASET}", f"{version}+{divisions.VERSION}"
    target = connect_target(home=home)
    server = ManagedServer(home or default_home())
    return bulk_load(sources, schema, server, target.settings, name, version)


def run_main_job(
    home: Path | None = None,
    progress: Progress | None = None,
    report: Path = Path("report"),
    allow_outside: bool = False,
) -> JobReport:
    """Validate, reach the server (managed unless NEO4J_URI), load with pruning, analyse and
    write back the scores, write the report folder, run the layout overview."""
    report = checked_output(report, allow_outside, folder=True)
    schema = load_schema()
    dataset = load_dataset(None, schema)
    target = connect_target(home=home)
    version, edition = server_components(target.settings)
    result = load(dataset, schema, target.settings, prune=True, progress=progress)
    analysis = analyze(dataset)
    write_back(analysis, target.settings, schema.base_label)
    files = write_report(dataset, schema, report, analysis)
    overview = get_query(OVERVIEW_QUERY)
    rows = run_saved(target.settings, overview)
    link = browser_link(overview, target.managed.browser_url) if target.managed else None
    return JobReport(
        target.settings.uri,
        version,
        edition,
        target.managed,
        target.steps,
        result,
        overview.title,
        rows,
        link,
        files,
    )


def read_graph(
    source: str,
    data: Path | None,
    schema: Schema,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> Dataset:
    """The graph from the curated files (no server) or from Neo4j."""
    if source == "data":
        return load_dataset(data, schema)
    if source == "neo4j":
        return read_dataset(connect_target(uri, username, database, home).settings, schema)
    raise ConfigError(f"--from must be data or neo4j, not {source!r}")


def run_viz(
    output: Path,
    source: str = "data",
    data: Path | None = None,
    allow_outside: bool = False,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> Path:
    """Draw the graph into `output` (checked before anything is read)."""
    output = checked_output(output, allow_outside)
    schema = load_schema()
    return write_picture(
        read_graph(source, data, schema, uri, username, database, home), schema, output
    )


@dataclass
class AnalyzeResult:
    analysis: Analysis
    written_back: int = 0


def run_analyze(
    source: str = "data",
    data: Path | None = None,
    write_back_scores: bool = False,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> AnalyzeResult:
    schema = load_schema()
    if write_back_scores and source != "neo4j":
        source = "neo4j"  # scores belong to the nodes they were computed from
    dataset = read_graph(source, data, schema, uri, username, database, home)
    result = AnalyzeResult(analyze(dataset))
    if write_back_scores:
        settings = connect_target(uri, username, database, home).settings
        result.written_back = write_back(result.analysis, settings, schema.base_label)
    return result


def write_report(dataset: Dataset, schema: Schema, folder: Path, analysis: Analysis) -> list[Path]:
    """The report folder: analysis tables (JSON, CSV), the picture and the HTML view."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "analysis.json", folder / "nodes.csv"]
    written[0].write_text(
        json.dumps(analysis.as_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    with written[1].open("w", newline="", encoding="utf-8") as handle:
        rows = [s.as_dict() for s in sorted(analysis.nodes, key=lambda s: (-s.pagerank, s.id))]
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows(rows)
    written.append(write_picture(dataset, schema, folder / "layout.png"))
    written.append(write_picture(dataset, schema, folder / "layout.html"))
    return written


def run_export(
    fmt: str,
    source: str = "data",
    output: Path | None = None,
    data: Path | None = None,
    base: str | None = None,
    with_ontology: bool = True,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
    stdout: IO[bytes] | None = None,
    with_mentions: bool = False,
    allow_outside: bool = False,
) -> ExportResult:
    """Export the curated data (no server needed) or what Neo4j holds, in one RDF format."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown RDF format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if output is not None:
        output = checked_output(output, allow_outside)
    names = Names.configured(base)
    schema = load_schema()
    dataset = read_graph(source, data, schema, uri, username, database, home)
    quads = dataset_quads(dataset, schema, names, with_ontology)
    if with_mentions:
        quads = itertools.chain(quads, _source_mentions(data, schema, names))
    context = json_ld_context(schema, names)
    if output is None:
        assert stdout is not None
        count = write_export(quads, fmt, stdout, names, context)
        return ExportResult(fmt, count, None)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:  # a failed export leaves no half-written file behind
        with partial.open("wb") as handle:
            count = write_export(quads, fmt, handle, names, context)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(fmt, count, str(output))


def _source_mentions(data: Path | None, schema: Schema, names: Names) -> Iterator[Quad]:
    """The lexical graph of every source text of the curated data."""
    dataset = load_dataset(data, schema)
    matcher = Matcher(surface_forms(dataset))
    for source in sorted(dataset.sources.values(), key=lambda s: s.id):
        yield from lexical_quads(extract(source.text, dataset, source.id, matcher), names)


def run_import(
    path: Path,
    fmt: str | None = None,
    base: str | None = None,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
    prune: bool = False,
    wipe: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load an exported RDF file into Neo4j, through the same checked, incremental loader."""
    names = Names.configured(base)
    schema = load_schema()
    dataset = rdf_to_dataset(parse_rdf(path, fmt), schema, names, str(path))
    target = connect_target(uri, username, database, home)
    return load(dataset, schema, target.settings, prune=prune, wipe=wipe, progress=progress)


@dataclass
class ExtractReport:
    extractions: list[Extraction]
    written: list[LexicalResult] = field(default_factory=list)
    scores: Scores | None = None


def document_id(path: Path, dataset: Dataset, data: Path | None = None) -> str:
    """A known source's id when the file is its text, else an ASCII id from the file name."""
    root = data or default_data_path()
    for source_id in dataset.sources:
        meta = root / "sources" / f"{source_id}.yaml"
        candidate = root / "sources" / f"{source_id}.txt"
        if meta.exists() and candidate.exists() and candidate.resolve() == path.resolve():
            return source_id
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if stem and stem.isascii() and len(stem) >= 3:
        return stem
    return "doc-" + hashlib.sha256(path.name.encode("utf-8")).hexdigest()[:12]


def run_extract(
    files: list[Path],
    write: bool = False,
    gold: Path | None = None,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
) -> ExtractReport:
    schema = load_schema()
    dataset = load_dataset(None, schema)
    matcher = Matcher(surface_forms(dataset))
    report = ExtractReport([])
    for path in files:
        text, problems = read_text(path, str(path))
        if text is None:
            raise ConfigError(str(problems[0]))
        report.extractions.append(extract(text, dataset, document_id(path, dataset), matcher))
    if gold is not None:
        if len(files) != 1:
            raise ConfigError("--evaluate takes exactly one document")
        report.scores = evaluate(report.extractions[0].mentions, read_gold(gold))
    if write:
        settings = connect_target(uri, username, database, home).settings
        report.written = [write_lexical(x, schema, settings) for x in report.extractions]
    return report


def read_gold(path: Path) -> set[tuple[int, int, str]]:
    """Gold mentions as (start, end, entity id), from a file like data/gold/*.mentions.yaml."""
    read = read_yaml(path, str(path))
    if read.problems:
        raise DataInvalid("invalid gold file", read.problems)
    rows = read.data.get("mentions") if isinstance(read.data, dict) else None
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: a gold file needs `mentions:`")
    gold = set()
    for row in rows:
        if not (
            isinstance(row, list)
            and len(row) == 5
            and isinstance(row[1], int)
            and isinstance(row[2], int)
        ):
            raise ConfigError(f"{path}: each mention is [sentence, start, end, surface, entity]")
        gold.add((row[1], row[2], str(row[4])))
    return gold


@dataclass
class DivisionsResult:
    load: LoadResult
    linked: int


def run_divisions_import(
    levels: list[str],
    within: list[str] | None = None,
    uri: str | None = None,
    username: str | None = None,
    database: str | None = None,
    home: Path | None = None,
    batch_size: int = 5000,
    prune: bool = True,
    progress: Progress | None = None,
) -> DivisionsResult:
    from loader.divisions import gazetteer as divisions
    from loader.neo4j.stream_load import stream_load

    schema = load_schema()
    tarball = divisions.fetch()
    # An unknown level or code, or a selection with nothing in it (which would prune every
    # division), fails here, before anything connects.
    if next(divisions.read_rows(tarball, levels, within), None) is None:
        raise ConfigError("no division matches --levels/--within; nothing was changed")
    target = connect_target(uri, username, database, home)
    lines = dict.fromkeys(divisions.curated_codes(target.settings, schema.base_label), "")
    result = stream_load(
        lambda: divisions.chunks(tarball, levels, within, max(batch_size, 1000), lines),
        divisions.DATASET,
        divisions.VERSION,
        schema,
        target.settings,
        label_of=lambda _id: "Division",
        batch_size=batch_size,
        prune=prune,
        progress=progress,
    )
    found = {code: line for code, line in lines.items() if line}
    linked = divisions.link_curated_places(target.settings, schema.base_label, found)
    return DivisionsResult(result, linked)
