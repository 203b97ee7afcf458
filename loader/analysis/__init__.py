"""Analysis: the graph as networkx sees it, and pictures of it.

- `graph`: degree, PageRank, betweenness, communities, cut points, health, shortest paths.
- `layout`: which pillar each node belongs to, and where it starts in a picture.
- `label_boxes`: labels pushed apart until none overlaps, and the overlaps counted.
- `fonts`: the CJK font pictures are drawn in.
- `static_picture`: PNG/SVG with CJK labels; `html_view` (+ `html_view.html`, `html_view.js`,
  the vendored Cytoscape.js in `vendor/`): the self-contained interactive page.
- `viz`: which kind a file name asks for, what to draw, written atomically.
"""
