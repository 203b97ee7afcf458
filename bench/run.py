"""Benchmark: loading China's divisions (665k units) plus the curated graph, side by side.

Run on the managed server (it is wiped!):  .venv/bin/python bench/run.py
Writes bench/results/latest.json and bench/results/latest.md. Ratios come from one run, so the
noise of a shared machine hits every contender alike. See docs/benchmarks.md.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.divisions import gazetteer as divisions  # noqa: E402
from loader.model.dataset import Dataset  # noqa: E402
from loader.model.schema import Schema, load_schema  # noqa: E402
from loader.model.validation import load_dataset  # noqa: E402
from loader.neo4j.bulk import admin_import, write_files  # noqa: E402
from loader.neo4j.connect import resolve_target  # noqa: E402
from loader.neo4j.driver import open_driver  # noqa: E402
from loader.neo4j.server import ManagedServer, default_home  # noqa: E402
from loader.neo4j.target import ConnectionOptions  # noqa: E402
from loader.rdf.export import dataset_quads, write_export  # noqa: E402
from loader.rdf.vocab import Names  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")
NAIVE_SAMPLE = 2000


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (kB) of one command, measured by GNU time."""
    start = time.monotonic()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
        check=False,
    )
    wall = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-500:]}")
    return wall, int(done.stderr.strip().splitlines()[-1])


def fresh(server: ManagedServer) -> None:
    """An empty database, fast: stop, delete the store and its logs, start (Neo4j creates an
    empty one). Deleting 665k nodes in Cypher is slow, and rdflib-neo4j's graph has nodes with
    hundreds of thousands of relationships."""
    server.stop()
    for folder in ("databases", "transactions"):
        shutil.rmtree(server.home / "data" / folder / "neo4j", ignore_errors=True)
    server.start()


def divisions_nt(schema: Schema, tarball: Path, curated: Dataset, path: Path) -> int:
    """The curated graph and the divisions as one N-Triples file (what rdflib-neo4j loads)."""
    names = Names()
    quads = dataset_quads(curated, schema, names, with_ontology=False)
    for chunk in divisions.chunks(schema, tarball, list(divisions.LEVELS)):
        quads = itertools.chain(  # each chunk repeats the 3 dataset triples: skip them
            quads, itertools.islice(dataset_quads(chunk, schema, names, False), 3, None)
        )
    with path.open("wb") as handle:
        return write_export(quads, "n-triples", handle, names)


def main() -> None:
    schema = load_schema()
    server = ManagedServer(default_home())
    server.install()
    server.start()
    settings = resolve_target(ConnectionOptions())
    curated = load_dataset(None, schema)
    tarball = divisions.fetch()
    nodes, rels = len(curated.entities), len(curated.relations)
    for chunk in divisions.chunks(schema, tarball, list(divisions.LEVELS)):
        nodes += len(chunk.entities)
        rels += len(chunk.relations)
    results: dict[str, dict[str, float]] = {}

    fresh(server)
    wall, rss = timed([KG, "load", "--bulk", "--with-divisions", "--format", "json"])
    results["kg load --bulk"] = {"seconds": wall, "rss_mb": rss / 1024}

    fresh(server)
    folder = server.home / "import" / "bench"
    args, _n, _r = write_files(
        [[curated], divisions.chunks(schema, tarball, list(divisions.LEVELS))],
        schema,
        folder,
        "bench",
    )
    server.stop()
    start = time.monotonic()
    admin_import(server, "neo4j", args).check_returncode()
    results["neo4j-admin import (files ready)"] = {
        "seconds": time.monotonic() - start,
        "rss_mb": 0.0,
    }
    server.start()

    growth: dict[str, float] = {}  # the loader's peak RSS as the data grows
    for levels in ("province,city,county", "province,city,county,town"):
        fresh(server)
        _wall, rss = timed([KG, "divisions", "import", "--levels", levels, "--format", "json"])
        growth[levels] = rss / 1024
    fresh(server)
    wall_d, rss_d = timed([KG, "divisions", "import", "--format", "json"])
    growth["all five levels"] = rss_d / 1024
    wall_c, rss_c = timed([KG, "load", "--format", "json"])
    results["kg load"] = {"seconds": wall_d + wall_c, "rss_mb": max(rss_d, rss_c) / 1024}
    wall_r, rss_r = timed([KG, "divisions", "import", "--format", "json"])
    results["kg divisions import, unchanged reload"] = {"seconds": wall_r, "rss_mb": rss_r / 1024}

    fresh(server)
    sample = list(
        itertools.islice(
            (
                e
                for c in divisions.chunks(schema, tarball, ["province", "city", "county"])
                for e in c.entities.values()
            ),
            NAIVE_SAMPLE,
        )
    )
    start = time.monotonic()
    with open_driver(settings) as driver:
        for entity in sample:  # what a first script does: one MERGE, one transaction, per row
            driver.execute_query(
                "MERGE (n:Entity:Division {id: $id}) SET n += $props",
                {"id": entity.id, "props": entity.properties},
            )
    per_row = (time.monotonic() - start) / len(sample)
    results["naive MERGE per row (extrapolated)"] = {
        "seconds": per_row * (nodes + rels),
        "rss_mb": 0.0,
    }

    fresh(server)
    nt = server.home / "import" / "bench.nt"
    triples = divisions_nt(schema, tarball, curated, nt)
    wall, rss = timed([sys.executable, str(ROOT / "bench" / "rdflib_neo4j_load.py"), str(nt)])
    nt.unlink()
    results["rdflib-neo4j (same data as N-Triples)"] = {"seconds": wall, "rss_mb": rss / 1024}
    fresh(server)

    names = Names()
    quads = list(
        itertools.islice(
            (
                q
                for c in divisions.chunks(schema, tarball, list(divisions.LEVELS))
                for q in dataset_quads(c, schema, names, with_ontology=False)
            ),
            300_000,
        )
    )
    start = time.monotonic()
    count = write_export(iter(quads), "n-triples", io.BytesIO(), names)
    streamed = count / (time.monotonic() - start)
    start = time.monotonic()
    count = write_export(iter(quads[:100_000]), "turtle", io.BytesIO(), names)
    rdflib_rate = count / (time.monotonic() - start)

    starts = []
    for _ in range(5):
        start = time.monotonic()
        subprocess.run([KG, "--help"], capture_output=True, check=True)
        starts.append(time.monotonic() - start)

    for row in results.values():
        row["nodes_per_s"] = nodes / row["seconds"]
        row["relationships_per_s"] = rels / row["seconds"]
    kg_load = results["kg load"]["seconds"]
    admin = results["neo4j-admin import (files ready)"]["seconds"]
    ratios = {
        "kg load vs rdflib-neo4j (x faster)": results["rdflib-neo4j (same data as N-Triples)"][
            "seconds"
        ]
        / kg_load,
        "kg load vs naive (x faster)": results["naive MERGE per row (extrapolated)"]["seconds"]
        / kg_load,
        "kg load vs neo4j-admin import (x slower)": kg_load / admin,
        "kg load --bulk vs neo4j-admin import (x slower)": results["kg load --bulk"]["seconds"]
        / admin,
    }
    report = {
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "nodes": nodes,
        "relationships": rels,
        "rdf_triples": triples,
        "loads": results,
        "ratios": ratios,
        "loader_peak_rss_mb_by_size": growth,
        "rdf_export_triples_per_s": {"streamed n-triples": streamed, "rdflib turtle": rdflib_rate},
        "kg_help_seconds_min_of_5": min(starts),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    lines = [
        "| loader | seconds | nodes/s | relationships/s | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['seconds']:.1f} | {row['nodes_per_s']:,.0f} | "
            f"{row['relationships_per_s']:,.0f} | "
            f"{row['rss_mb']:.0f} |"
            if row["rss_mb"]
            else f"| {name} | {row['seconds']:.1f} | {row['nodes_per_s']:,.0f} | "
            f"{row['relationships_per_s']:,.0f} | — |"
        )
    lines.append("")
    for name, value in ratios.items():
        lines.append(f"- {name}: {value:.2f}")
    sizes = ", ".join(f"{level}: {mb:.0f} MB" for level, mb in growth.items())
    lines.append(f"- loader peak RSS as the data grows (kg divisions import, --levels): {sizes}")
    lines.append(f"- rdflib-neo4j loaded {triples:,} triples")
    lines.append(
        f"- RDF export: streamed N-Triples {streamed:,.0f} triples/s; rdflib Turtle "
        f"{rdflib_rate:,.0f} triples/s"
    )
    lines.append(f"- `kg --help`: {min(starts):.2f} s (best of 5)")
    (out / "latest.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
