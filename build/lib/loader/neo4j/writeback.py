"""Storing analysis scores on the Neo4j nodes, so Browser styling and queries can use them."""

from __future__ import annotations

from loader.analysis.graph import Analysis
from loader.neo4j.cypher_text import write_scores
from loader.neo4j.driver import open_driver
from loader.neo4j.target import Target

BATCH = 1000


def write_back(analysis: Analysis, settings: Target, base_label: str) -> int:
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
    with open_driver(settings) as driver:
        for start in range(0, len(rows), BATCH):
            driver.execute_query(
                query, {"rows": rows[start : start + BATCH]}, database_=settings.database
            )
    return len(rows)
