"""Graph analytics with networkx (Neo4j Community has no Graph Data Science library).

From the in-memory model (read from `data/` or from Neo4j): degree, PageRank and betweenness for
the whole graph and for the transport subgraph (the relations of the schema's `transport` types),
Louvain communities with a fixed seed, connected
components, articulation points and bridges, a health report, and shortest paths by any name.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from loader.model.dataset import Dataset
from loader.model.errors import ConfigError
from loader.model.schema import Schema

SEED = 42
SMALL_COMPONENT = 3


@dataclass
class NodeScores:
    id: str
    name: str
    label: str
    degree: int
    pagerank: float
    betweenness: float
    transport_degree: int | None
    transport_pagerank: float | None
    transport_betweenness: float | None
    community: int
    component: int
    articulation: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Analysis:
    nodes: list[NodeScores]
    communities: list[list[str]]
    components: list[list[str]]
    articulation_points: list[str]
    bridges: list[tuple[str, str]]
    transport_nodes: int
    health: dict[str, list[Any]] = field(default_factory=dict)

    def top(self, metric: str, n: int) -> list[NodeScores]:
        def score(s: NodeScores) -> float:
            return float(getattr(s, metric) or 0.0)

        return sorted(self.nodes, key=lambda s: (-score(s), s.id))[:n]

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        nodes = sorted(self.nodes, key=lambda s: (-s.pagerank, s.id))
        return {
            "nodes": [s.as_dict() for s in (nodes[:top] if top else nodes)],
            "communities": self.communities,
            "components": self.components,
            "articulation_points": self.articulation_points,
            "bridges": [list(b) for b in self.bridges],
            "transport_nodes": self.transport_nodes,
            "health": self.health,
        }


def layout_view(dataset: Dataset, schema: Schema) -> Dataset:
    """The layout as the sources that name its pillars state it: their relations and the
    entities those join (documents kept). What the interactive view opens on: fitted to its
    window with every label readable, it holds the layout, not every later source (those are
    reached with a picture's focus). Without pillars, the whole dataset."""
    kinds = schema.types_with_role("pillar")
    named = {r.properties["source"] for r in dataset.relations if r.type in kinds}
    if not named:
        return dataset
    relations = [r for r in dataset.relations if r.properties["source"] in named]
    joined = {r.start for r in relations} | {r.end for r in relations} | set(dataset.sources)
    entities = {k: e for k, e in dataset.entities.items() if k in joined}
    return replace(dataset, entities=entities, relations=relations)


def to_networkx(
    dataset: Dataset, schema: Schema, include_documents: bool = False
) -> nx.MultiDiGraph[str]:
    """The layout without its context labels (the documents stay when asked for)."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    left_out = set(schema.labels_with_role("context"))
    if include_documents:
        left_out.discard(schema.label_for("document"))
    # Sorted, so results do not depend on where the data was read from (Louvain is order-bound).
    for entity in sorted(dataset.entities.values(), key=lambda e: e.id):
        if entity.label in left_out:
            continue
        graph.add_node(
            entity.id,
            label=entity.label,
            name=entity.name,
            name_en=entity.properties.get("name_en", ""),
            aliases=entity.properties.get("aliases", []),
        )
    for relation in sorted(dataset.relations, key=lambda r: r.key):
        if relation.start not in graph or relation.end not in graph:
            continue
        graph.add_edge(
            relation.start,
            relation.end,
            key=relation.type,
            type=relation.type,
            sentence=relation.properties.get("sentence", ""),
            source=relation.properties.get("source", ""),
        )
    return graph


def simple_undirected(graph: nx.MultiDiGraph[str]) -> nx.Graph[str]:
    """One undirected edge per connected pair: what betweenness, cuts and communities need."""
    simple: nx.Graph[str] = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for start, end in graph.edges():
        if start != end:
            simple.add_edge(start, end)
    return simple


def transport_subgraph(graph: nx.MultiDiGraph[str], schema: Schema) -> nx.Graph[str]:
    """Every relation of a transport type: roads and railways, the places they connect and the
    roads they relieve."""
    transport = set(schema.types_with_role("transport"))
    sub: nx.Graph[str] = nx.Graph()
    for start, end, data in graph.edges(data=True):
        if data["type"] in transport:
            sub.add_edge(start, end)
    return sub


def analyze(dataset: Dataset, schema: Schema) -> Analysis:
    graph = to_networkx(dataset, schema)
    undirected = simple_undirected(graph)
    directed: nx.DiGraph[str] = nx.DiGraph()
    directed.add_nodes_from(graph.nodes())
    for start, end in graph.edges():
        weight = directed.get_edge_data(start, end, {"weight": 0})["weight"]
        directed.add_edge(start, end, weight=weight + 1)
    pagerank = nx.pagerank(directed, weight="weight") if len(directed) else {}
    betweenness = nx.betweenness_centrality(undirected, normalized=True)
    transport = transport_subgraph(graph, schema)
    transport_betweenness = nx.betweenness_centrality(transport, normalized=True)
    transport_pagerank = nx.pagerank(transport) if len(transport) else {}
    communities = sorted(
        (sorted(c) for c in nx.community.louvain_communities(undirected, seed=SEED)),
        key=lambda c: (-len(c), c[0]),
    )
    community_of = {node: i for i, members in enumerate(communities) for node in members}
    components = sorted(
        (sorted(c) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), c[0])
    )
    component_of = {node: i for i, members in enumerate(components) for node in members}
    articulation = sorted(nx.articulation_points(undirected))
    bridges = sorted((min(edge), max(edge)) for edge in nx.bridges(undirected))
    cut = set(articulation)
    nodes = [
        NodeScores(
            id=node,
            name=data["name"],
            label=data["label"],
            degree=graph.degree(node),
            pagerank=round(pagerank.get(node, 0.0), 6),
            betweenness=round(betweenness.get(node, 0.0), 6),
            transport_degree=transport.degree(node) if node in transport else None,
            transport_pagerank=(
                round(transport_pagerank[node], 6) if node in transport_pagerank else None
            ),
            transport_betweenness=(
                round(transport_betweenness[node], 6) if node in transport_betweenness else None
            ),
            community=community_of[node],
            component=component_of[node],
            articulation=node in cut,
        )
        for node, data in graph.nodes(data=True)
    ]
    return Analysis(
        nodes=nodes,
        communities=communities,
        components=components,
        articulation_points=articulation,
        bridges=bridges,
        transport_nodes=transport.number_of_nodes(),
        health=health(dataset, schema.label_for("document"), graph, components),
    )


def health(
    dataset: Dataset, document: str, graph: nx.MultiDiGraph[str], components: list[list[str]]
) -> dict[str, list[Any]]:
    """What needs the curator's eye; `document` is the label of the source documents."""
    cited = {r.start for r in dataset.relations if r.properties.get("source")}
    cited |= {r.end for r in dataset.relations if r.properties.get("source")}
    return {
        "orphans": sorted(n for n in graph.nodes if graph.degree(n) == 0),  # no relation at all
        "small_components": [c for c in components if len(c) < SMALL_COMPONENT],
        "without_sources": sorted(
            e.id
            for e in dataset.entities.values()
            if e.label != document and e.id not in cited and not e.properties.get("sources")
        ),
        "uncertain": sorted(
            e.id for e in dataset.entities.values() if e.properties.get("uncertain")
        ),
    }


@dataclass
class PathStep:
    start: str
    start_name: str
    type: str
    forward: bool
    end: str
    end_name: str
    sentence: str
    source: str


def resolve(dataset: Dataset, name: str) -> str:
    """An entity id from its id, Chinese name, English name or any alias."""
    wanted = name.strip()
    hits = sorted(
        e.id
        for e in dataset.entities.values()
        if wanted in (e.id, e.name, e.properties.get("name_en"))
        or wanted in e.properties.get("aliases", [])
    )
    if not hits:
        raise ConfigError(f"no entity is called {name!r}")
    if len(hits) > 1:
        raise ConfigError(f"{name!r} names several entities: {', '.join(hits)}")
    return hits[0]


def shortest_paths(
    dataset: Dataset, schema: Schema, a: str, b: str, limit: int = 5
) -> list[list[PathStep]]:
    graph = to_networkx(dataset, schema)
    start, end = resolve(dataset, a), resolve(dataset, b)
    undirected = simple_undirected(graph)
    if start == end:
        return [[]]
    try:
        node_paths = list(_limited(nx.all_shortest_paths(undirected, start, end), limit))
    except nx.NetworkXNoPath:
        raise ConfigError(f"no path between {a!r} and {b!r}") from None
    return [_steps(graph, path) for path in node_paths]


def _limited(paths: Any, limit: int) -> Any:
    for i, path in enumerate(paths):
        if i >= limit:
            return
        yield path


def _steps(graph: nx.MultiDiGraph[str], path: list[str]) -> list[PathStep]:
    steps = []
    for here, there in itertools.pairwise(path):
        forward = graph.has_edge(here, there)
        a, b = (here, there) if forward else (there, here)
        _key, data = sorted(graph.get_edge_data(a, b).items())[0]
        steps.append(
            PathStep(
                start=here,
                start_name=graph.nodes[here]["name"],
                type=data["type"],
                forward=forward,
                end=there,
                end_name=graph.nodes[there]["name"],
                sentence=data["sentence"],
                source=data["source"],
            )
        )
    return steps
