"""Analysis: the graph as networkx sees it, and pictures of it.

- `graph`: degree, PageRank, betweenness, communities, cut points, health, shortest paths.
- `layout`: where each node of a picture goes.
- `fonts`: the CJK font pictures are drawn in.
- `static_picture`: PNG/SVG with CJK labels; `html_view`: the self-contained interactive page.
- `viz`: which kind a file name asks for, written atomically.
"""
