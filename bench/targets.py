"""The bench's arithmetic: ratios between contenders, the targets met or missed, the report.

Pure functions over the measured loads, so a test checks them without a server. Every ratio is
named for what it divides and says whether higher is better; every target says met or not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

FIRST_LOAD = "kg load (first load: kg divisions import + kg load)"
BULK = "kg load --bulk --with-divisions"
ADMIN = "neo4j-admin import (files ready)"
PLAIN = "plain batched UNWIND MERGE (10k rows per transaction)"
RDFLIB = "rdflib-neo4j (the kg export of the loaded graph, N-Triples)"
UNCHANGED = "unchanged reload (kg divisions import + kg load)"
CHANGED = "1%-changed reload (kg divisions import, 1% of names changed)"
EXPORT_NEO4J = "kg export rdf --from neo4j --format n-triples"
EXPORT_DATA = "kg export rdf --from data --format n-triples"
LOADERS = (FIRST_LOAD, BULK, UNCHANGED, CHANGED)  # the kg processes whose own RSS is the target's
# The loads timed at every size, for the growth of time with rows (the divisions alone).
GROWING = ("kg divisions import (first load)", "unchanged reload", "1%-changed reload")


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str
    denominator: str
    higher_is_better: bool


RATIOS = [
    Ratio("kg load speedup over rdflib-neo4j (x, higher is better)", RDFLIB, FIRST_LOAD, True),
    Ratio(
        "kg load speedup over plain batched MERGE (x, higher is better)", PLAIN, FIRST_LOAD, True
    ),
    Ratio("kg load time / neo4j-admin import time (lower is better)", FIRST_LOAD, ADMIN, False),
    Ratio(
        "unchanged reload time / first load time (lower is better)", UNCHANGED, FIRST_LOAD, False
    ),
    Ratio("1%-changed reload time / first load time (lower is better)", CHANGED, FIRST_LOAD, False),
    Ratio("kg load --bulk time / neo4j-admin import time (lower is better)", BULK, ADMIN, False),
]


@dataclass(frozen=True)
class Target:
    name: str
    metric: str  # a ratio's name or a key of `metrics`
    limit: float
    at_least: bool  # met when value >= limit (else value <= limit)


TARGETS = [
    Target("kg load >= 5x faster than rdflib-neo4j", RATIOS[0].name, 5.0, True),
    Target("kg load >= 1.5x faster than plain batched MERGE", RATIOS[1].name, 1.5, True),
    Target("kg load <= 3x neo4j-admin import time", RATIOS[2].name, 3.0, False),
    Target("unchanged reload <= 0.15x the first load", RATIOS[3].name, 0.15, False),
    Target("1%-changed reload <= 0.25x the first load", RATIOS[4].name, 0.25, False),
    Target("kg load --bulk <= 1.3x neo4j-admin import", RATIOS[5].name, 1.3, False),
    Target("loader peak RSS <= 300 MB at every size", "loader_peak_rss_mb", 300.0, False),
    Target(
        "export from Neo4j >= 100k triples/s (N-Triples)",
        "export_neo4j_triples_per_s",
        100_000.0,
        True,
    ),
    Target("export from Neo4j peak RSS <= 300 MB", "export_neo4j_rss_mb", 300.0, False),
    Target("kg --help <= 0.3 s", "kg_help_seconds", 0.3, False),
    Target(
        "time grows at most as rows^1.1 (first load and reloads)", "growth_exponent", 1.1, False
    ),
]


def exponent(points: list[tuple[float, float]]) -> float | None:
    """The slope of log(seconds) against log(rows), least squares: 1 is linear growth. None
    with fewer than two sizes."""
    if len({rows for rows, _s in points}) < 2:
        return None
    xs = [math.log(rows) for rows, _s in points]
    ys = [math.log(seconds) for _r, seconds in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def growth_exponents(growth: dict[str, list[tuple[float, float]]]) -> dict[str, float | None]:
    """Each growing load's exponent, from its (rows, seconds) at every size measured."""
    return {name: exponent(points) for name, points in growth.items()}


def ratios(loads: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Each ratio whose two loads were measured."""
    found: dict[str, dict[str, Any]] = {}
    for ratio in RATIOS:
        if ratio.numerator in loads and ratio.denominator in loads:
            value = loads[ratio.numerator]["seconds"] / loads[ratio.denominator]["seconds"]
            found[ratio.name] = {
                "value": value,
                "higher_is_better": ratio.higher_is_better,
                "compares": f"{ratio.numerator} / {ratio.denominator} (seconds)",
            }
    return found


def metrics(
    loads: dict[str, dict[str, float]],
    exports: dict[str, dict[str, float]],
    rss_by_size: dict[str, float],
    help_seconds: float,
    exponents: dict[str, float | None] | None = None,
) -> dict[str, float]:
    """The single numbers the non-ratio targets judge (the growth target: the largest
    exponent, when every growing load has one)."""
    own = [loads[name]["own_rss_mb"] for name in LOADERS if name in loads]
    found = {"loader_peak_rss_mb": max([*own, *rss_by_size.values()], default=0.0)}
    slopes = list((exponents or {}).values())
    if slopes and all(s is not None for s in slopes):
        found["growth_exponent"] = max(s for s in slopes if s is not None)
    if EXPORT_NEO4J in exports:
        found["export_neo4j_triples_per_s"] = exports[EXPORT_NEO4J]["triples_per_s"]
        found["export_neo4j_rss_mb"] = exports[EXPORT_NEO4J]["own_rss_mb"]
    found["kg_help_seconds"] = help_seconds
    return found


def check(found_ratios: dict[str, dict[str, Any]], found: dict[str, float]) -> dict[str, Any]:
    """Every target with its value and whether it is met; a target not measured is not met."""
    judged: dict[str, Any] = {}
    for target in TARGETS:
        value = found_ratios[target.metric]["value"] if target.metric in found_ratios else None
        value = found.get(target.metric, value)
        met = value is not None and (
            value >= target.limit if target.at_least else value <= target.limit
        )
        judged[target.name] = {
            "value": value,
            "limit": target.limit,
            "at_least": target.at_least,
            "met": met,
        }
    return judged


def both(latest: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The targets of two full runs: met when both runs meet it (a target the previous run did
    not measure is not met)."""
    judged: dict[str, Any] = {}
    for name, target in latest.items():
        before = (previous or {}).get(name)
        judged[name] = {
            "value": target["value"],
            "previous": before["value"] if before else None,
            "met": bool(target["met"] and before and before["met"]),
        }
    return judged


def markdown(report: dict[str, Any]) -> str:
    """The report as the markdown docs/benchmarks.md quotes."""
    lines = [
        f"{report['mode']} run: {report['nodes']:,} nodes, {report['relationships']:,} "
        f"relationships; {report['machine']}",
        "",
        "| contender | seconds | nodes/s | relationships/s | own peak RSS (MB) | "
        "with children (MB) | client CPU (s) | server CPU (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in report["loads"].items():
        own = f"{row['own_rss_mb']:.0f}" if row.get("own_rss_mb") else "—"
        tree = f"{row['tree_rss_mb']:.0f}" if row.get("tree_rss_mb") else "—"
        client, server = (
            f"{row[key]:.1f}" if row.get(key) is not None else "—"
            for key in ("client_cpu_s", "server_cpu_s")
        )
        lines.append(
            f"| {name} | {row['seconds']:.1f} | {report['nodes'] / row['seconds']:,.0f} | "
            f"{report['relationships'] / row['seconds']:,.0f} | {own} | {tree} | {client} | "
            f"{server} |"
        )
    phases = report["loads"].get(BULK, {}).get("phases_s")
    if phases:
        lines += ["", f"{BULK}, by step (seconds):", ""]
        lines += ["| " + " | ".join(phases) + " |", "|" + " ---: |" * len(phases)]
        lines.append("| " + " | ".join(f"{s:.1f}" for s in phases.values()) + " |")
    lines += ["", "| export | triples | seconds | triples/s | own peak RSS (MB) |"]
    lines.append("| --- | ---: | ---: | ---: | ---: |")
    for name, row in report["exports"].items():
        lines.append(
            f"| {name} | {row['triples']:,} | {row['seconds']:.1f} | "
            f"{row['triples_per_s']:,.0f} | {row['own_rss_mb']:.0f} |"
        )
    lines += ["", "| ratio | value |", "| --- | ---: |"]
    for name, ratio in report["ratios"].items():
        lines.append(f"| {name} | {ratio['value']:.2f} |")
    lines += ["", "| target | value | met |", "| --- | ---: | :---: |"]
    for name, target in report["targets"].items():
        value = "—" if target["value"] is None else f"{target['value']:,.2f}"
        lines.append(f"| {name} | {value} | {'yes' if target['met'] else 'no'} |")
    if report.get("both_runs"):
        lines += [
            "",
            f"Both full runs (this one and the previous, finished {report['previous_finished']}):",
            "",
            "| target | this run | previous run | met in both |",
            "| --- | ---: | ---: | :---: |",
        ]
        for name, target in report["both_runs"].items():
            now, then = (
                "—" if v is None else f"{v:,.2f}" for v in (target["value"], target["previous"])
            )
            lines.append(f"| {name} | {now} | {then} | {'yes' if target['met'] else 'no'} |")
    sizes = ", ".join(f"{k}: {v:.0f} MB" for k, v in report["loader_peak_rss_mb_by_size"].items())
    if sizes:
        lines += ["", f"Loader peak RSS as the data grows (kg divisions import): {sizes}."]
    growth = report.get("growth", {})
    if growth:
        lines += ["", "| load (divisions) | rows: seconds at each size | exponent |"]
        lines.append("| --- | --- | ---: |")
        for name, points in growth.items():
            shown = ", ".join(f"{rows:,.0f}: {sec:.1f}" for rows, sec in points)
            slope = report["growth_exponents"].get(name)
            lines.append(f"| {name} | {shown} | {'—' if slope is None else f'{slope:.2f}'} |")
    lines.append(f"`kg --help`: {report['kg_help_seconds']:.2f} s (best of 5).")
    return "\n".join(lines) + "\n"
