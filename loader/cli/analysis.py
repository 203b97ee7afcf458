"""`kg analyze`, `kg path`, `kg viz`: networkx analytics, paths with citations, pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from loader.cli.common import emit_json, emit_rows, failures, note, say, write_out
from loader.cli.context import connection, workspace
from loader.cli.options import (
    DataOpt,
    FormatOpt,
    SourceOpt,
    connection_options,
)
from loader.cli.render import Format, to_csv
from loader.neo4j.target import ConnectionOptions

COLUMNS = ["name", "label", "degree", "pagerank", "betweenness", "community"]
TRANSPORT_COLUMNS = [
    "name",
    "label",
    "transport_degree",
    "transport_pagerank",
    "transport_betweenness",
]
METRICS = (
    "degree",
    "pagerank",
    "betweenness",
    "transport_degree",
    "transport_pagerank",
    "transport_betweenness",
)


@connection_options
def analyze(
    ctx: typer.Context,
    conn: ConnectionOptions,
    source: SourceOpt = None,
    top: Annotated[int, typer.Option("--top", help="Rows per table.", min=1)] = 10,
    fmt: FormatOpt = Format.table,
    write_back: Annotated[
        bool, typer.Option("--write-back", help="Store the scores on the Neo4j nodes.")
    ] = False,
    data: DataOpt = None,
) -> None:
    """Degree, PageRank, betweenness, communities, cut points and a health report (networkx).

    With --from neo4j: only the curated graph (no divisions), at most 50,000 nodes.
    """
    from loader.jobs.graph import GraphSource, run_analyze

    where = GraphSource(source, data_given=data is not None)
    with failures(ctx):
        ws = workspace(ctx, data=data)
        with connection(conn, ws) as opened:
            result = run_analyze(ws, opened, where, write_back_scores=write_back)
    analysis = result.analysis
    if fmt is Format.json:
        emit_json(analysis.as_dict(top))
        return
    if fmt is Format.csv:
        ranked = sorted(analysis.nodes, key=lambda s: (-s.pagerank, s.id))[:top]
        rows = [s.as_dict() for s in ranked]
        write_out(to_csv(list(rows[0]) if rows else [], rows))
        return
    for metric in METRICS:
        cols = TRANSPORT_COLUMNS if metric.startswith("transport") else COLUMNS
        rows = [s.as_dict() for s in analysis.top(metric, top) if getattr(s, metric) is not None]
        emit_rows(cols, rows, fmt, title=f"Top {top} by {metric}")
    say(
        f"{len(analysis.communities)} communities (Louvain, seed 42); "
        f"{len(analysis.components)} connected components; "
        f"{len(analysis.articulation_points)} articulation points; "
        f"{len(analysis.bridges)} bridges; transport subgraph of "
        f"{analysis.transport_nodes} nodes"
    )
    for check, items in analysis.health.items():
        shown = ", ".join(str(i) for i in items[:8]) + (" …" if len(items) > 8 else "")
        say(f"health {check}: {len(items)}" + (f" ({shown})" if items else ""))
    if result.written_back:
        say(f"wrote pagerank, betweenness, degree and community to {result.written_back} nodes")


@connection_options
def path(
    ctx: typer.Context,
    conn: ConnectionOptions,
    a: Annotated[str, typer.Argument(help="First entity: Chinese or English name, alias or id.")],
    b: Annotated[str, typer.Argument(help="Second entity.")],
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    limit: Annotated[int, typer.Option("--limit", help="At most this many paths.", min=1)] = 5,
    data: DataOpt = None,
) -> None:
    """Shortest paths between two entities, with relationship types and citing sentences.

    With --from neo4j: only the curated graph (no divisions), at most 50,000 nodes.
    """
    from loader.jobs.graph import GraphSource, run_path

    where = GraphSource(source, data_given=data is not None)
    with failures(ctx):
        ws = workspace(ctx, data=data)
        with connection(conn, ws) as opened:
            paths = run_path(ws, opened, where, (a, b), limit=limit)
    rows = [
        {
            "path": i + 1,
            "step": j + 1,
            "from": s.start_name,
            "relationship": s.type if s.forward else f"<-{s.type}",
            "to": s.end_name,
            "sentence": s.sentence,
            "source": s.source,
        }
        for i, steps in enumerate(paths)
        for j, s in enumerate(steps)
    ]
    emit_rows(["path", "step", "from", "relationship", "to", "sentence", "source"], rows, fmt)


@connection_options
def viz(
    ctx: typer.Context,
    conn: ConnectionOptions,
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.html, FILE.png or FILE.svg")],
    source: SourceOpt = None,
    data: DataOpt = None,
    focus: Annotated[
        str | None,
        typer.Option(
            help="Draw only this entity's neighbourhood (name, alias or id; PNG/SVG) "
            "\\[default: the whole graph]."
        ),
    ] = None,
    depth: Annotated[
        int | None, typer.Option(help="With --focus: how many steps out \\[default: 1].")
    ] = None,
) -> None:
    """Draw the graph: interactive self-contained HTML, or a PNG/SVG with CJK labels.

    A PNG/SVG places every label without overlap and says how many overlap or are cut off
    (0 expected).
    With --from neo4j: only the curated graph (no divisions), at most 50,000 nodes.
    """
    from loader.jobs.graph import Focus, GraphSource, run_viz

    where = GraphSource(source, data_given=data is not None)
    with failures(ctx):
        ws = workspace(ctx, data=data)
        with connection(conn, ws) as opened:
            drawn = run_viz(ws, opened, where, output, Focus(focus, depth))
    if drawn.labels is None:
        note(f"wrote {drawn.path}")
    else:
        note(f"wrote {drawn.path}: {drawn.labels} labels, {drawn.overlaps} overlapping or cut off")
