"""The static picture (PNG or SVG), drawn with matplotlib in a real CJK font (Noto Sans CJK from
fonts-noto-cjk)."""

from __future__ import annotations

import io
from pathlib import Path

from loader.analysis.fonts import find_cjk_font
from loader.analysis.graph import simple_undirected
from loader.analysis.layout import layout
from loader.model.dataset import Dataset
from loader.model.schema import Schema


def render_static(
    dataset: Dataset, schema: Schema, kind: str = "png", font: Path | None = None
) -> bytes:
    """The picture as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    font_props = FontProperties(fname=str(font or find_cjk_font()))
    graph, pos = layout(dataset, schema)
    styles = {label: spec.style for label, spec in schema.labels.items()}
    figure, axes = plt.subplots(figsize=(22, 16), dpi=100)
    axes.set_axis_off()
    for start, end in simple_undirected(graph).edges():
        (x1, y1), (x2, y2) = pos[start], pos[end]
        axes.plot([x1, x2], [y1, y2], color="#B8BCC4", linewidth=0.6, zorder=1)
    for node, data in graph.nodes(data=True):
        x, y = pos[node]
        style = styles[data["label"]]
        emphasis = style.emphasis
        axes.scatter(
            [x],
            [y],
            s=900 if emphasis else 160,
            color=style.colour,
            edgecolors="#222222" if emphasis else "white",
            linewidths=2.5 if emphasis else 0.8,
            zorder=3 if emphasis else 2,
        )
        axes.annotate(
            data["name"],
            (x, y),
            xytext=(0, 12 if emphasis else 7),
            textcoords="offset points",
            ha="center",
            fontproperties=font_props,
            fontsize=15 if emphasis else 8,
            weight="bold" if emphasis else "normal",
            zorder=4,
        )
    used = sorted({d["label"] for _n, d in graph.nodes(data=True)})
    handles = [
        Line2D(
            [0],
            [0],
            marker="o",
            linestyle="",
            color=styles[label].colour,
            markersize=10,
            label=f"{schema.labels[label].zh} {label}",
        )
        for label in used
    ]
    axes.legend(handles=handles, loc="lower left", prop=font_props, frameon=False, fontsize=11)
    axes.set_title(
        "金山区“一谷一城一区一带一中心”知识图谱 · Jinshan layout knowledge graph",
        fontproperties=font_props,
        fontsize=20,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=kind)
    plt.close(figure)
    return buffer.getvalue()
