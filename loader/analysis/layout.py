"""Where each node of a picture goes, and which pillar it belongs to: shared by the static picture
and the HTML view, so both show the same structure."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

from loader.analysis.graph import SEED, simple_undirected
from loader.model.schema import Schema

SHARED_BY = 3  # a node beside this many pillars is context for all (the district, the layout)


def pillars(graph: nx.MultiDiGraph[str], schema: Schema) -> list[str]:
    """The pillars: what starts a relation of the schema's `pillar` role (PILLAR_OF), sorted."""
    kinds = set(schema.types_with_role("pillar"))
    return sorted({s for s, _e, d in graph.edges(data=True) if d["type"] in kinds})


def shared_context(graph: nx.MultiDiGraph[str], schema: Schema) -> set[str]:
    """Nodes beside several pillars (the district, the layout): context, not members."""
    chosen = set(pillars(graph, schema))
    simple = simple_undirected(graph)
    return {
        n
        for n in simple.nodes
        if n not in chosen and len(chosen & set(simple.neighbors(n))) >= SHARED_BY
    }


def pillar_of(graph: nx.MultiDiGraph[str], schema: Schema) -> dict[str, str | None]:
    """Each node's nearest pillar, not counting paths through the shared context; ties go to the
    first pillar in order, and a node no pillar reaches gets None."""
    chosen = pillars(graph, schema)
    simple = simple_undirected(graph)
    simple.remove_nodes_from(shared_context(graph, schema))
    best: dict[str, tuple[int, int, str]] = {}
    for rank, pillar in enumerate(chosen):
        reach = nx.single_source_shortest_path_length(simple, pillar)
        for node, distance in reach.items():
            if node in chosen and node != pillar:
                continue
            candidate = (distance, rank, pillar)
            if node not in best or candidate < best[node]:
                best[node] = candidate
    return {n: (best[n][2] if n in best else None) for n in graph.nodes}


Point = tuple[float, float]


def focus(graph: nx.MultiDiGraph[str], centre: str, depth: int) -> nx.MultiDiGraph[str]:
    """The entities within `depth` steps of `centre`, in either direction, and their relations."""
    near = nx.single_source_shortest_path_length(simple_undirected(graph), centre, cutoff=depth)
    kept: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    kept.add_nodes_from((n, graph.nodes[n]) for n in sorted(near))
    for start, end, key, data in graph.edges(keys=True, data=True):
        if start in near and end in near:
            kept.add_edge(start, end, key=key, **data)
    return kept


def structured(
    graph: nx.MultiDiGraph[str], schema: Schema, sizes: dict[str, Point], gap: float
) -> dict[str, Point]:
    """Start positions that follow the layout: the shared context (the district, the layout and
    what only they reach) in the middle around the district, each pillar's members clustered
    around the pillar, the pillars on a ring around the middle, each given an arc in proportion
    to its cluster's size.

    `sizes` are the nodes' box sizes (width, height): a cluster gets room for its boxes.
    """
    member = pillar_of(graph, schema)
    core = [n for n in sorted(graph.nodes) if member[n] is None]
    anchor = _anchor(graph, schema, core, shared_context(graph, schema))
    positions = _cluster(graph, core, anchor, sizes, gap)
    core_radius = _radius(core, sizes, gap)
    clusters = {p: [n for n in graph.nodes if member[n] == p] for p in pillars(graph, schema)}
    radii = {a: _radius(nodes, sizes, gap) for a, nodes in clusters.items()}
    total = sum(radii.values()) or 1.0
    angle = math.pi / 2
    for name, nodes in clusters.items():
        share = 2 * math.pi * radii[name] / total
        middle = angle - share / 2
        distance = max(core_radius + radii[name] + gap, radii[name] / max(math.sin(share / 2), 0.3))
        dx, dy = distance * math.cos(middle), distance * math.sin(middle)
        cluster = _cluster(graph, nodes, name, sizes, gap)
        positions.update({n: (x + dx, y + dy) for n, (x, y) in cluster.items()})
        angle -= share
    return positions


def middle_of(graph: nx.MultiDiGraph[str], schema: Schema) -> str | None:
    """The node `structured` draws the middle around (the layout): a picture keeps it there
    while the boxes around it are pushed apart."""
    member = pillar_of(graph, schema)
    core = [n for n in sorted(graph.nodes) if member[n] is None]
    return _anchor(graph, schema, core, shared_context(graph, schema))


def around(
    graph: nx.MultiDiGraph[str], centre: str, sizes: dict[str, Point], gap: float
) -> dict[str, Point]:
    """Start positions for one entity's neighbourhood: the entity in the middle."""
    return _cluster(graph, sorted(graph.nodes), centre, sizes, gap)


def _anchor(
    graph: nx.MultiDiGraph[str], schema: Schema, nodes: list[str], shared: set[str]
) -> str | None:
    """The node the middle is drawn around: the layout the pillars are pillars of (the schema's
    `pillar` relation), else the best connected shared node."""
    pillar_types = set(schema.types_with_role("pillar"))
    ends = Counter(
        end
        for _start, end, data in graph.edges(data=True)
        if data["type"] in pillar_types and end in nodes
    )
    if ends:
        return min(ends, key=lambda n: (-ends[n], n))
    candidates = sorted(shared & set(nodes), key=lambda n: (-graph.degree(n), n))
    return candidates[0] if candidates else None


def _radius(nodes: list[str], sizes: dict[str, Point], gap: float) -> float:
    """A disc with room for the nodes' boxes, loosely packed, and for half of them on its rim
    (a spring layout puts a star's leaves on a ring)."""
    area = sum((sizes[n][0] + gap) * (sizes[n][1] + gap) for n in nodes)
    rim = sum(sizes[n][0] + gap for n in nodes) / (2 * math.pi)
    return max(math.sqrt(2.5 * area / math.pi), rim / 2)


def _cluster(
    graph: nx.MultiDiGraph[str],
    nodes: list[str],
    anchor: str | None,
    sizes: dict[str, Point],
    gap: float,
) -> dict[str, Point]:
    """A seeded spring layout of one cluster around (0, 0), the anchor fixed in the middle of
    the square the other nodes start in, scaled to the cluster's disc."""
    if not nodes:
        return {}
    sub = _induced(simple_undirected(graph), nodes)
    middle = (0.5, 0.5)
    start = {anchor: middle} if anchor is not None else None
    fixed = [anchor] if anchor is not None else None
    unit = nx.spring_layout(sub, pos=start, fixed=fixed, seed=SEED, iterations=300)
    if anchor is None:
        middle = (0.0, 0.0)  # unfixed layouts are centred on the origin
    shifted = {n: (float(unit[n][0]) - middle[0], float(unit[n][1]) - middle[1]) for n in nodes}
    spread = max(math.hypot(*xy) for xy in shifted.values()) or 1.0
    scale = _radius(nodes, sizes, gap) / spread
    return {n: (x * scale, y * scale) for n, (x, y) in shifted.items()}


def _induced(simple: nx.Graph[str], nodes: list[str]) -> nx.Graph[str]:
    """The subgraph on `nodes`, in a fixed order (networkx's subgraph view may walk a set, and
    the spring layout depends on the order)."""
    inside = set(nodes)
    sub: nx.Graph[str] = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(sorted((a, b) for a, b in simple.edges(inside) if b in inside))
    return sub
