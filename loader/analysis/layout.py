"""Where each node of a picture goes, and which pillar it belongs to: shared by the static picture
and the HTML view, so both show the same structure."""

from __future__ import annotations

import networkx as nx

from loader.analysis.graph import SEED, simple_undirected, to_networkx
from loader.model.dataset import Dataset
from loader.model.schema import Schema

SHARED_BY = 3  # a node beside this many pillars is context for all (the district, the layout)


def emphasised(graph: nx.MultiDiGraph[str], schema: Schema) -> list[str]:
    """The emphasised nodes (the five pillars), in a stable order."""
    return sorted(n for n, d in graph.nodes(data=True) if schema.labels[d["label"]].style.emphasis)


def shared_context(graph: nx.MultiDiGraph[str], schema: Schema) -> set[str]:
    """Nodes beside several pillars (the district, the layout): context, not members."""
    pillars = set(emphasised(graph, schema))
    simple = simple_undirected(graph)
    return {
        n
        for n in simple.nodes
        if n not in pillars and len(pillars & set(simple.neighbors(n))) >= SHARED_BY
    }


def pillar_of(graph: nx.MultiDiGraph[str], schema: Schema) -> dict[str, str | None]:
    """Each node's nearest pillar, not counting paths through the shared context; ties go to the
    first pillar in order, and a node no pillar reaches gets None."""
    pillars = emphasised(graph, schema)
    simple = simple_undirected(graph)
    simple.remove_nodes_from(shared_context(graph, schema))
    best: dict[str, tuple[int, int, str]] = {}
    for rank, pillar in enumerate(pillars):
        for node, distance in nx.single_source_shortest_path_length(simple, pillar).items():
            if node in pillars and node != pillar:
                continue
            candidate = (distance, rank, pillar)
            if node not in best or candidate < best[node]:
                best[node] = candidate
    return {n: (best[n][2] if n in best else None) for n in graph.nodes}


def layout(
    dataset: Dataset, schema: Schema
) -> tuple[nx.MultiDiGraph[str], dict[str, tuple[float, float]]]:
    graph = to_networkx(dataset, schema)
    positions = nx.spring_layout(simple_undirected(graph), seed=SEED, k=0.35, iterations=200)
    return graph, {n: (float(x), float(y)) for n, (x, y) in positions.items()}
