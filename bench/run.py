"""Benchmark: China's divisions plus the curated graph, every contender in one run, one server.

Run on the managed server (its database is wiped!):
    .venv/bin/python bench/run.py            # full size (665k units): bench/results/latest.*
    .venv/bin/python bench/run.py --quick    # provinces 31, 32, 33 (57k units): quick.*
    .venv/bin/python bench/run.py --profile  # also cProfile `kg divisions import`
Ratios come from one run, so a shared machine's noise hits every contender alike; each contender
runs in its own process, whose own peak RSS is measured apart from its children's (the
neo4j-admin JVM). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import pstats
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import measure, targets  # noqa: E402
from bench.changes import write_changed  # noqa: E402
from bench.measure import Measured  # noqa: E402
from loader.divisions import gazetteer as divisions  # noqa: E402
from loader.model.workspace import Workspace  # noqa: E402
from loader.neo4j.connect import managed_server  # noqa: E402
from loader.neo4j.import_files import (  # noqa: E402
    NODES,
    RELATIONSHIPS,
    dataset_rows,
    write_files,
)
from loader.neo4j.server import ManagedServer  # noqa: E402
from loader.neo4j.target import ConnectionOptions  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")
PY = sys.executable
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
WORKSPACE = Workspace.at(ROOT)


@dataclass(frozen=True)
class Mode:
    name: str
    output: str  # bench/results/<output>.json and .md
    levels: list[str]
    within: list[str] | None
    sizes: tuple[str, ...]  # --levels of the extra loads that show the RSS as the data grows

    def selection(self) -> list[str]:
        """The `kg divisions import` options of this mode's selection."""
        chosen = ["--levels", ",".join(self.levels)]
        return chosen + (["--within", ",".join(self.within)] if self.within else [])

    def positional(self) -> list[str]:
        """The same selection as the bench scripts' arguments: LEVELS WITHIN."""
        return [",".join(self.levels), ",".join(self.within or [])]


FULL = Mode(
    "full",
    "latest",
    list(divisions.LEVELS),
    None,
    ("province,city,county", "province,city,county,town"),
)
QUICK = Mode("quick", "quick", list(divisions.LEVELS), ["31", "32", "33"], ())


def reset(server: ManagedServer, start: bool = True) -> None:
    """An empty database, fast: stop, delete the store and its logs, and start unless told not
    to (a stopped server with no store is what `kg load --bulk` fills without a restart)."""
    server.stop()
    for folder in ("databases", "transactions"):
        shutil.rmtree(server.home / "data" / folder / "neo4j", ignore_errors=True)
    if start:
        server.start()


def row(*runs: Measured) -> dict[str, float]:
    """One contender made of one or more commands run one after the other."""
    return {
        "seconds": sum(r.seconds for r in runs),
        "own_rss_mb": max(r.own_rss_mb for r in runs),
        "tree_rss_mb": max(r.tree_rss_mb for r in runs),
        "client_cpu_s": sum(r.cpu_s for r in runs),
    }


class ServerCpu:
    """The CPU seconds the running server spends on what runs inside the `with`: with the
    client's own, it says whose work a load's wall time is (2 cores shared by both)."""

    def __init__(self, server: ManagedServer) -> None:
        pid = server.status().pid
        if pid is None:
            raise SystemExit("the bench's server is not running")
        self.pid, self.seconds = pid, 0.0

    def __enter__(self) -> ServerCpu:
        self.start = measure.process_cpu_s(self.pid)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = measure.process_cpu_s(self.pid) - self.start


def kg_load(mode: Mode) -> tuple[dict[str, float], Measured]:
    """`kg load` in the bench's sense: the divisions, then the curated graph; and the
    divisions' part alone (the growth with rows is measured on it)."""
    first = measure.run([KG, "divisions", "import", *mode.selection(), "--format", "json"])
    return row(first, measure.run([KG, "load", "--format", "json"])), first


def rows_of(done: Measured) -> int:
    """The rows a `kg divisions import --format json` held after it: nodes and relationships."""
    summary = json.loads(done.stdout)
    return sum(
        int(summary[f"{section}_{what}"])
        for section in ("nodes", "relationships")
        for what in ("created", "updated", "unchanged")
    )


def growing(selection: list[str], positional: list[str], changed: Path) -> list[Measured]:
    """The divisions of one size: first load, unchanged reload, 1%-changed reload."""
    command = [KG, "divisions", "import", *selection, "--format", "json"]
    first, again = measure.run(command), measure.run(command)
    inproc = [PY, str(BENCH / "inproc.py"), "divisions", str(changed), *positional]
    return [first, again, measure.run(inproc)]


def export(args: list[str], path: Path) -> dict[str, float]:
    done = measure.run([KG, "export", "rdf", *args, "--format", "n-triples", "-o", str(path)])
    with path.open("rb") as handle:  # N-Triples: one triple a line
        triples = sum(1 for line in handle if line.strip() and not line.startswith(b"#"))
    return {**row(done), "triples": triples, "triples_per_s": triples / done.seconds}


def files_ready(mode: Mode, folder: Path) -> tuple[list[str], int, int]:
    """The importer's files for the bench's data, written untimed; their arguments and counts."""
    schema, tarball = WORKSPACE.schema, divisions.fetch(WORKSPACE.cache)
    rows = itertools.chain(
        dataset_rows(WORKSPACE.dataset, schema),
        divisions.import_rows(schema, tarball, mode.levels, mode.within),
    )
    done = write_files(rows, schema, folder)
    return (
        done.args,
        sum(c.created for c in done.total(NODES).values()),
        sum(c.created for c in done.total(RELATIONSHIPS).values()),
    )


def profile(mode: Mode) -> None:
    """cProfile of `kg divisions import` into an empty database: the .prof and its top lines."""
    RESULTS.mkdir(exist_ok=True)
    prof = RESULTS / f"profile-{mode.output}.prof"
    command = [PY, "-m", "cProfile", "-o", str(prof), KG, "divisions", "import"]
    measure.run([*command, *mode.selection(), "--format", "json"])
    with (RESULTS / f"profile-{mode.output}.txt").open("w", encoding="utf-8") as out:
        pstats.Stats(str(prof), stream=out).sort_stats("cumulative").print_stats(40)


def main(mode: Mode, with_profile: bool) -> dict[str, Any]:
    server = managed_server(WORKSPACE, ConnectionOptions())  # KG_NEO4J_HOME, else the project's
    server.install()
    work = server.home / "import" / "bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    loads: dict[str, dict[str, float]] = {}
    exports: dict[str, dict[str, float]] = {}
    try:
        reset(server, start=False)
        args, nodes, rels = files_ready(mode, work / "files")
        done = measure.run([PY, str(BENCH / "inproc.py"), "admin-import", *args])
        loads[targets.ADMIN] = row(done)
        shutil.rmtree(work / "files")

        reset(server, start=False)
        if mode is FULL:
            bulk = [KG, "load", "--bulk", "--with-divisions", "--format", "json"]
        else:  # kg load --bulk takes every division: the same functions, with a selection
            bulk = [PY, str(BENCH / "inproc.py"), "bulk", *mode.positional()]
        bulk_run = measure.run(bulk)
        phases = json.loads(bulk_run.stdout).get("phases_s", {})
        loads[targets.BULK] = {**row(bulk_run), "phases_s": phases}

        reset(server)
        with ServerCpu(server) as used:
            loads[targets.FIRST_LOAD], first = kg_load(mode)
        loads[targets.FIRST_LOAD]["server_cpu_s"] = used.seconds
        with ServerCpu(server) as used:
            loads[targets.UNCHANGED], unchanged = kg_load(mode)
        loads[targets.UNCHANGED]["server_cpu_s"] = used.seconds
        nt = work / "graph.nt"
        exports[targets.EXPORT_NEO4J] = export(["--from", "neo4j"], nt)
        exports[targets.EXPORT_DATA] = export(["--from", "data"], work / "data.nt")
        changed = work / "changed.tgz"
        write_changed(divisions.fetch(WORKSPACE.cache), changed)
        with ServerCpu(server) as used:
            changed_run = measure.run(
                [PY, str(BENCH / "inproc.py"), "divisions", str(changed), *mode.positional()]
            )
        loads[targets.CHANGED] = {**row(changed_run), "server_cpu_s": used.seconds}
        full_size = rows_of(first)
        growth: dict[str, list[tuple[float, float]]] = {name: [] for name in targets.GROWING}

        reset(server)
        plain = [PY, str(BENCH / "plain_merge.py"), *mode.positional()]
        with ServerCpu(server) as used:
            loads[targets.PLAIN] = row(measure.run(plain))
        loads[targets.PLAIN]["server_cpu_s"] = used.seconds

        reset(server)
        rdflib_neo4j = [PY, str(BENCH / "rdflib_neo4j_load.py"), str(nt)]
        with ServerCpu(server) as used:
            loads[targets.RDFLIB] = row(measure.run(rdflib_neo4j))
        loads[targets.RDFLIB]["server_cpu_s"] = used.seconds

        rss: dict[str, float] = {}  # the loader's own peak RSS as the data grows
        for levels in mode.sizes:
            reset(server)
            runs = growing(["--levels", levels], [levels, ""], changed)
            rss[levels] = runs[0].own_rss_mb
            for name, done in zip(targets.GROWING, runs, strict=True):
                growth[name].append((rows_of(runs[0]), done.seconds))
        rss[f"{mode.name}: {nodes:,} nodes"] = loads[targets.FIRST_LOAD]["own_rss_mb"]
        for name, done in zip(targets.GROWING, (first, unchanged, changed_run), strict=True):
            growth[name].append((full_size, done.seconds))
        if with_profile:
            reset(server)
            profile(mode)
    finally:  # an empty database, as after a wipe: not rdflib-neo4j's graph
        shutil.rmtree(work, ignore_errors=True)
        reset(server)

    starts = []
    for _ in range(5):
        starts.append(measure.run([KG, "--help"]).seconds)
    found_ratios = targets.ratios(loads)
    exponents = targets.growth_exponents(growth)
    found = targets.metrics(loads, exports, rss, min(starts), exponents)
    return {
        "mode": mode.name,
        "selection": mode.selection(),
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "nodes": nodes,
        "relationships": rels,
        "loads": loads,
        "exports": exports,
        "ratios": found_ratios,
        "targets": targets.check(found_ratios, found),
        "loader_peak_rss_mb_by_size": rss,
        "growth": growth,
        "growth_exponents": exponents,
        "kg_help_seconds": min(starts),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="57k units of three provinces")
    parser.add_argument("--profile", action="store_true", help="cProfile kg divisions import")
    options = parser.parse_args()
    chosen = QUICK if options.quick else FULL
    report = main(chosen, options.profile)
    RESULTS.mkdir(exist_ok=True)
    latest = RESULTS / f"{chosen.output}.json"
    if chosen is FULL:  # a target is met when two full runs meet it: keep the one before
        previous = RESULTS / "previous.json"
        if latest.is_file():
            latest.replace(previous)
        if previous.is_file():
            before = json.loads(previous.read_text("utf-8"))
            report["both_runs"] = targets.both(report["targets"], before.get("targets"))
            report["previous_finished"] = before.get("finished", "?")
    latest.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    text = targets.markdown(report)
    (RESULTS / f"{chosen.output}.md").write_text(text, "utf-8")
    print(text)
