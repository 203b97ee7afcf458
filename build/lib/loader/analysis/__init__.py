"""Analysis: the graph as networkx sees it, and pictures of it.

- `graph`: degree, PageRank, betweenness, communities, cut points, health, shortest paths.
- `viz`: a self-contained interactive HTML view and static PNG/SVG with CJK labels.
"""
