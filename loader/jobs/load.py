"""Loads into Neo4j: the curated data, an exported RDF file, the national divisions.

Every option is honoured or refused: combinations that cannot work stop here, with one line,
before anything is read from a server or written to one. Each job gets the workspace and the
command's one connection from its caller and validates before it connects.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from loader.divisions import gazetteer as divisions
from loader.model.dataset import Dataset
from loader.model.errors import UsageError
from loader.model.workspace import Workspace
from loader.neo4j.apply import Progress
from loader.neo4j.bulk import bulk_load, timed
from loader.neo4j.connect import Connection
from loader.neo4j.import_files import Rows, dataset_rows
from loader.neo4j.lease import LeasePolicy, leased
from loader.neo4j.load_record import other_writer
from loader.neo4j.store import LoadResult, SyncOptions, load, sync
from loader.neo4j.target import ConnectionOptions
from loader.rdf.importer import parse_rdf, read_import
from loader.rdf.vocab import Names

DEFAULT_BATCH = 1000
# What each load record names as the command that wrote the dataset.
LOADER, BULK_LOADER, IMPORTER = "kg load", "kg load --bulk", "kg import rdf"
DIVISIONS_IMPORTER, RUNNER = "kg divisions import", "kg run"


@dataclass(frozen=True)
class LoadOptions:
    """How `kg load` writes; `batch_size` None means "not given" (the default applies)."""

    batch_size: int | None = None
    prune: bool = False
    dry_run: bool = False
    wipe: bool = False
    bulk: bool = False
    with_divisions: bool = False
    divisions_from: Path | None = None
    lease: LeasePolicy = field(default_factory=LeasePolicy)


def check_load_options(options: ConnectionOptions, how: LoadOptions) -> None:
    """Refuse, in one line, a combination of options that `kg load` cannot honour."""
    if how.divisions_from is not None and not how.with_divisions:
        raise UsageError("--divisions-from works with --with-divisions only")
    if how.with_divisions and not how.bulk:
        raise UsageError(
            "--with-divisions works with --bulk only; without it, run `kg divisions import`"
        )
    if not how.bulk:
        return
    conflicts = [
        ("--dry-run", how.dry_run),
        ("--prune", how.prune),
        ("--batch-size", how.batch_size is not None),
        ("--uri", options.uri is not None),
        ("NEO4J_URI", options.uri is None and options.chosen_uri() is not None),
        ("--database", options.database is not None),
        ("NEO4J_DATABASE", options.database is None and options.chosen_database() is not None),
        ("--username", options.username is not None),
        ("--break-lease", how.lease.break_existing),
    ]
    for name, present in conflicts:
        if present:
            raise UsageError(
                f"--bulk cannot be used with {name}: it fills the managed server's default "
                "database offline, whole"
            )


def run_load(
    workspace: Workspace,
    connection: Connection,
    how: LoadOptions,
    progress: Progress | None = None,
) -> LoadResult:
    """Validate the curated data, then sync it into the target (or bulk-import it)."""
    check_load_options(connection.options, how)
    dataset = workspace.dataset
    if how.bulk:
        return _bulk(workspace, connection, dataset, how)
    options = SyncOptions(
        batch_size=how.batch_size or DEFAULT_BATCH,
        prune=how.prune,
        dry_run=how.dry_run,
        wipe=how.wipe,
        progress=progress,
        lease=how.lease,
        command=LOADER,
    )
    return load(connection.graph(), dataset, workspace.schema, options)


def _bulk(
    workspace: Workspace, connection: Connection, curated: Dataset, how: LoadOptions
) -> LoadResult:
    """Fill the managed database with neo4j-admin import (curated data, and divisions): the
    divisions go from the tarball's rows to the importer's files with no dataset between."""
    schema = workspace.schema
    sources: list[Iterable[Rows]] = [dataset_rows(curated, schema)]
    name, version = curated.name, curated.version
    # The curated places' codes: their divisions' CSV rows cite the SAME_AS links made after.
    lines = {
        str(e.properties["code"]): "" for e in curated.entities.values() if "code" in e.properties
    }
    if how.with_divisions:
        tarball = divisions.fetch(workspace.cache, how.divisions_from)
        sources.append(divisions.import_rows(schema, tarball, list(divisions.LEVELS), lines=lines))
        name, version = f"{name}+{divisions.DATASET}", f"{version}+{divisions.VERSION}"
    result = bulk_load(
        connection,
        itertools.chain.from_iterable(sources),
        schema=schema,
        name=name,
        version=version,
        replace=how.wipe,
        lease_wait=how.lease.wait_s,
        command=BULK_LOADER,
    )
    found = {code: line for code, line in lines.items() if line}
    if found:  # as `kg divisions import` does: curated places linked to their divisions
        with timed(result.phases_s, "links"):
            divisions.link_curated_places(connection.graph(start=False), schema, found)
        result.elapsed_s += result.phases_s["links"]
    return result


# Asked before an import writes, with its dry run and the command that keeps the dataset when
# that is not an import (None: only --prune's deletions are in question); raises to refuse.
Consent = Callable[[LoadResult, str | None], None]


@dataclass
class ImportResult:
    """The import's load, and what the file held of other datasets, left unread."""

    load: LoadResult
    skipped: dict[str, int]  # entities of other datasets in the file, not imported, by dataset
    skipped_relations: int


def run_import(
    workspace: Workspace,
    connection: Connection,
    path: Path,
    *,
    fmt: str | None = None,
    base: str | None = None,
    options: SyncOptions | None = None,
    consent: Consent | None = None,
) -> ImportResult:
    """Load an exported RDF file into Neo4j, through the same checked, incremental loader.

    The file names its dataset, but the graph says who keeps it: when `kg load` (or any
    command but an import) has loaded the dataset whose nodes the graph holds, or `--prune`
    would delete, `consent` sees the import's dry run before anything is written (no
    `consent`: given already)."""
    names = Names.configured(base)
    schema = workspace.schema
    options = replace(options or SyncOptions(), command=IMPORTER)
    read = read_import(parse_rdf(path, fmt), schema, names, str(path))
    graph = connection.graph()
    if consent is not None and not options.wipe and not options.dry_run:
        keeper = other_writer(graph, schema.base_label, read.dataset.name, IMPORTER)
        if keeper or options.prune:
            preview = replace(options, dry_run=True, progress=None)
            consent(load(graph, read.dataset, schema, preview), keeper)
        # the load checks again under its lease: consent given is for the graph as it was
        options = replace(options, check_keeper=True, keeper=keeper)
    result = load(graph, read.dataset, schema, options)
    return ImportResult(result, read.skipped, read.skipped_relations)


@dataclass
class DivisionsResult:
    load: LoadResult
    linked: int


@dataclass(frozen=True)
class DivisionsChoice:
    """Which divisions to import: the levels, the codes they lie under (None: all) and the
    tarball (None: the cached download, checked)."""

    levels: list[str]
    within: list[str] | None = None
    from_file: Path | None = None


def run_divisions_import(
    workspace: Workspace,
    connection: Connection,
    choice: DivisionsChoice,
    options: SyncOptions,
) -> DivisionsResult:
    """Stream the chosen divisions into Neo4j, then link the curated places to them."""
    schema = workspace.schema
    division = schema.label_for("gazetteer")
    levels, within = choice.levels, choice.within
    tarball = divisions.fetch(workspace.cache, choice.from_file)
    # An unknown level or code, or a selection with nothing in it (which would prune every
    # division), fails here, before anything connects.
    if next(divisions.read_rows(tarball, levels, within), None) is None:
        raise UsageError("no division matches --levels/--within; nothing was changed")
    graph = connection.graph()
    options = replace(options, command=DIVISIONS_IMPORTER)
    lines = dict.fromkeys(divisions.curated_codes(graph, schema), "")
    result = sync(
        graph,
        lambda: divisions.source_chunks(schema, tarball, levels, within, lines=lines),
        name=divisions.DATASET,
        version=divisions.VERSION,
        schema=schema,
        label_of=lambda _id: division,
        options=options,
        id_prefix=divisions.ID_PREFIX,
        # the rows to go, for the progress's share and time left (--within reads them all too)
        rows_total=divisions.count_rows(tarball, levels),
    )
    found = {code: line for code, line in lines.items() if line}
    if options.dry_run:  # nothing written: the links it would make are the places it found
        return DivisionsResult(result, len(found))
    # under the links' own lease: a wipe starting now waits for them, or they wait for it
    with leased(graph, divisions.LINKS_DATASET, result.run_id, options.lease):
        linked = divisions.link_curated_places(graph, schema, found)
    return DivisionsResult(result, linked)
