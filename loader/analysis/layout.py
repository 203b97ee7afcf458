"""Where each node of a picture goes: one seeded layout shared by the static picture and the
HTML view."""

from __future__ import annotations

import networkx as nx

from loader.analysis.graph import SEED, simple_undirected, to_networkx
from loader.model.dataset import Dataset
from loader.model.schema import Schema


def layout(
    dataset: Dataset, schema: Schema
) -> tuple[nx.MultiDiGraph[str], dict[str, tuple[float, float]]]:
    graph = to_networkx(dataset, schema)
    positions = nx.spring_layout(simple_undirected(graph), seed=SEED, k=0.35, iterations=200)
    return graph, {n: (float(x), float(y)) for n, (x, y) in positions.items()}
