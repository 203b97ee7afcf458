"""The static picture (PNG or SVG), drawn with matplotlib in a real CJK font.

The layout follows the structure (`layout.structured`: the pillars' clusters around the shared
context; `layout.around` for one entity's neighbourhood). Every label's box is measured in the
font before anything is drawn, the boxes are pushed apart until none overlaps, and the figure
grows to fit them, so text is never shrunk to make room. After drawing, the rendered label,
marker, title and legend boxes are measured again and their overlaps counted: that count is
reported, not assumed. SVG keeps labels as `<text>` in the named font (searchable, selectable).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from loader.analysis.fonts import find_cjk_font, font_family
from loader.analysis.graph import simple_undirected
from loader.analysis.label_boxes import Box, count_overlaps, separate
from loader.analysis.layout import around, middle_of, shared_context, structured
from loader.model.schema import Schema

DPI = 100
GAP = 6.0  # pixels between boxes
MARGIN = 24.0
TITLE_ROOM = 70.0
LEGEND_ROOM = 270.0
TITLE_SIZE, SUBTITLE_SIZE = 17.0, 11.0
FALLBACK = "DejaVu Sans"  # for scripts the CJK font lacks (Arabic, Hebrew, …): no tofu boxes
TITLE = "金山区“一谷一城一区一带一中心”知识图谱 · Jinshan layout knowledge graph"


@dataclass(frozen=True)
class StaticPicture:
    data: bytes
    labels: int
    overlaps: int  # pairs of rendered boxes (labels, markers, titles, legend) sharing area,
    # and boxes reaching past the picture's edge
    positions: dict[str, tuple[float, float]]  # each node's marker, in pixels
    fingerprint: str  # what is drawn where: kept in the file, so a stale copy can be told


@dataclass(frozen=True)
class _Look:
    radius: float  # marker radius, pixels
    size: float  # font size, points
    bold: bool


@dataclass(frozen=True)
class _Placed:
    """Where each node is drawn, the box its marker and label take, how it looks, and which
    nodes are the shared context."""

    pos: dict[str, tuple[float, float]]
    boxes: dict[str, Box]
    looks: dict[str, _Look]
    shared: set[str]


@dataclass(frozen=True)
class _Lettering:
    """The font families, the subtitle, and the width the title and subtitle need."""

    family: list[str]
    subtitle: str
    title_width: float


def render_static(
    graph: nx.MultiDiGraph[str],
    schema: Schema,
    kind: str = "png",
    *,
    font: Path | None = None,
    centre: str | None = None,
    subtitle: str = "",
) -> StaticPicture:
    """Draw `graph` (the whole layout, or with `centre` one entity's neighbourhood)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties

    family = [font_family(font or find_cjk_font()), FALLBACK]
    shared = shared_context(graph, schema)
    looks = {n: _look(graph, schema, n, shared, centre) for n in graph.nodes}
    measure = plt.figure(dpi=DPI)
    renderer: Any = measure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes: dict[str, Box] = {}
    for node, look in looks.items():
        prop = FontProperties(family=family, size=look.size, weight=_weight(look))
        wide, tall, _descent = renderer.get_text_width_height_descent(
            graph.nodes[node]["name"], prop, ismath=False
        )
        half = max(wide / 2 + 2, look.radius)
        boxes[node] = Box(half, half, look.radius + 3 + tall + 2, look.radius)
    headings = ((TITLE, TITLE_SIZE, "bold"), (subtitle, SUBTITLE_SIZE, "normal"))
    title_width = max(
        renderer.get_text_width_height_descent(
            text, FontProperties(family=family, size=size, weight=weight), False
        )[0]
        for text, size, weight in headings
    )
    plt.close(measure)
    sizes = {n: (b.left + b.right, b.above + b.below) for n, b in boxes.items()}
    start = (
        around(graph, centre, sizes, GAP)
        if centre is not None
        else structured(graph, schema, sizes, GAP)
    )
    middle = middle_of(graph, schema) if centre is None else None
    pos = separate(start, boxes, GAP, pinned=frozenset({middle} if middle else ()))
    placed = _Placed(pos, boxes, looks, shared)
    return _draw(graph, schema, placed, _Lettering(family, subtitle, title_width), kind)


def _look(
    graph: nx.MultiDiGraph[str], schema: Schema, node: str, shared: set[str], centre: str | None
) -> _Look:
    style = schema.labels[graph.nodes[node]["label"]].style
    if style.emphasis or node == centre:
        return _Look(13.0, 14.0, True)
    if node in shared:
        return _Look(11.0, 12.5, True)
    return _Look(4.0 + style.diameter / 25, 9.0, False)


def _weight(look: _Look) -> str:
    return "bold" if look.bold else "normal"


def _draw(
    graph: nx.MultiDiGraph[str],
    schema: Schema,
    placed: _Placed,
    lettering: _Lettering,
    kind: str,
) -> StaticPicture:
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    pos, boxes, looks, shared = placed.pos, placed.boxes, placed.looks, placed.shared
    family, subtitle, title_width = lettering.family, lettering.subtitle, lettering.title_width

    x0 = min(pos[n][0] - b.left for n, b in boxes.items()) - MARGIN
    x1 = max(pos[n][0] + b.right for n, b in boxes.items()) + MARGIN
    y0 = min(pos[n][1] - b.below for n, b in boxes.items()) - MARGIN
    y1 = max(pos[n][1] + b.above for n, b in boxes.items()) + MARGIN
    width = max(x1 - x0 + LEGEND_ROOM, title_width + 2 * MARGIN)
    height = max(y1 - y0, 520.0) + TITLE_ROOM
    figure = plt.figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    axes = figure.add_axes((0.0, 0.0, (x1 - x0) / width, (y1 - y0) / height))
    axes.set_xlim(x0, x1)
    axes.set_ylim(y0, y1)
    axes.set_axis_off()
    styles = {label: spec.style for label, spec in schema.labels.items()}
    for start, end in simple_undirected(graph).edges():
        faint = start in shared or end in shared
        axes.plot(
            [pos[start][0], pos[end][0]],
            [pos[start][1], pos[end][1]],
            color="#D5D8DE" if faint else "#9EA3AD",
            linewidth=0.5 if faint else 0.8,
            zorder=1,
        )
    texts, markers = [], []
    for node in sorted(graph.nodes):
        x, y = pos[node]
        look = looks[node]
        colour = styles[graph.nodes[node]["label"]].colour
        markers.append(
            axes.scatter(
                [x],
                [y],
                s=(2 * look.radius * 72 / DPI) ** 2,
                color=colour,
                zorder=3,
                edgecolors="#222222" if look.bold else "white",
                linewidths=1.5 if look.bold else 0.6,
            )
        )
        texts.append(
            axes.text(
                x,
                y - look.radius - 3,
                graph.nodes[node]["name"],
                ha="center",
                va="top",
                fontproperties=FontProperties(family=family, size=look.size, weight=_weight(look)),
                zorder=4,
                parse_math=False,
                bbox={
                    "boxstyle": "square,pad=0.05",
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.75,
                },
            )
        )
    title_font = FontProperties(family=family, size=TITLE_SIZE, weight="bold")
    title = figure.text(
        MARGIN / width,
        1 - 12 / height,
        TITLE,
        va="top",
        fontproperties=title_font,
        parse_math=False,
    )
    heading = [title]
    if subtitle:
        heading.append(
            figure.text(
                MARGIN / width,
                1 - 44 / height,
                subtitle,
                va="top",
                fontproperties=FontProperties(family=family, size=SUBTITLE_SIZE),
                parse_math=False,
            )
        )
    used = sorted({d["label"] for _n, d in graph.nodes(data=True)})
    handles = [
        Line2D(
            [0],
            [0],
            marker="o",
            linestyle="",
            color=styles[label].colour,
            markersize=9,
            label=f"{schema.labels[label].zh} {label}",
        )
        for label in used
    ]
    legend = figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1 - LEGEND_ROOM / width, 1 - TITLE_ROOM / height),
        prop=FontProperties(family=family, size=10),
        frameon=False,
        title="图例 Legend",
        title_fontproperties=FontProperties(family=family, size=11, weight="bold"),
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
    figure.canvas.draw()
    renderer: Any = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    extents = [a.get_window_extent(renderer) for a in (*texts, *markers, *heading, legend)]
    overlaps = count_overlaps([(e.x0, e.y0, e.x1, e.y1) for e in extents])
    cut_off = sum(1 for e in extents if e.x0 < 0 or e.y0 < 0 or e.x1 > width or e.y1 > height)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "jinshan-kg"}):
        mark = "kg-picture sha256:" + hashlib.sha256(_saved(figure, "svg", {})).hexdigest()
        data = _saved(figure, kind, {"Description": mark})
    plt.close(figure)
    return StaticPicture(
        data=data, labels=len(texts), overlaps=overlaps + cut_off, positions=pos, fingerprint=mark
    )


def _saved(figure: Any, kind: str, metadata: dict[str, Any]) -> bytes:
    """The figure as `kind` bytes; an SVG without its date, so the same drawing gives the same
    bytes (its digest is the picture's fingerprint: what is drawn, where, in what look)."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format=kind,
        dpi=DPI,
        metadata={**metadata, **({"Date": None} if kind == "svg" else {})},
    )
    return buffer.getvalue()
