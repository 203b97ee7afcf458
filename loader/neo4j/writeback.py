"""Storing analysis scores on the Neo4j nodes, so Browser styling and queries can use them."""

from __future__ import annotations

from loader.analysis.graph import Analysis
from loader.neo4j.cypher_text import write_scores
from loader.neo4j.graph import Graph

BATCH = 1000


def write_back(graph: Graph, analysis: Analysis, base_label: str) -> int:
    """Set pagerank, betweenness, degree and community on every analysed node; returns the count."""
    rows = [
        {
            "id": s.id,
            "scores": {
                "pagerank": s.pagerank,
                "betweenness": s.betweenness,
                "degree": s.degree,
                "community": s.community,
            },
        }
        for s in analysis.nodes
    ]
    query = write_scores(base_label)
    for start in range(0, len(rows), BATCH):
        graph.execute(query, {"rows": rows[start : start + BATCH]})
    return len(rows)
