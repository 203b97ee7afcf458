"""Pictures of the graph: a self-contained interactive HTML view and a static PNG/SVG.

Both share one seeded layout and the labels' styles from the schema (as Browser's stylesheet
does). The HTML carries its data and its small script inline (nothing loads from a network); the
static picture is drawn with matplotlib in a real CJK font (Noto Sans CJK from fonts-noto-cjk),
so names never turn into tofu boxes. A missing CJK font is an error, not a silent fallback.
"""

from __future__ import annotations

import html
import io
import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import networkx as nx

from loader.analysis.graph import SEED, simple_undirected, to_networkx
from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, ToolMissing
from loader.model.outputs import write_file
from loader.model.schema import Schema

FONT_FAMILY = "Noto Sans CJK SC"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


def find_cjk_font() -> Path:
    """$KG_CJK_FONT, else what fontconfig gives for Noto Sans CJK SC, else a known path."""
    chosen = os.environ.get("KG_CJK_FONT")
    if chosen:
        if not Path(chosen).is_file():
            raise ToolMissing(f"KG_CJK_FONT={chosen} is not a font file")
        return Path(chosen)
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", FONT_FAMILY], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and "CJK" in found and Path(found).is_file():
            return Path(found)
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ToolMissing(
        "no CJK font found for pictures: install fonts-noto-cjk "
        "(apt-get install fonts-noto-cjk) or set KG_CJK_FONT"
    )


def layout(
    dataset: Dataset, schema: Schema
) -> tuple[nx.MultiDiGraph[str], dict[str, tuple[float, float]]]:
    graph = to_networkx(dataset, schema)
    positions = nx.spring_layout(simple_undirected(graph), seed=SEED, k=0.35, iterations=200)
    return graph, {n: (float(x), float(y)) for n, (x, y) in positions.items()}


def picture_kind(path: Path) -> str:
    """html, png or svg, from the file name; anything else is refused."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("html", "png", "svg"):
        raise ConfigError(f"cannot draw {path.name}: use a .html, .png or .svg file name")
    return kind


def write_picture(dataset: Dataset, schema: Schema, path: Path) -> Path:
    """Draw into `path` (atomically: a failure leaves no partial picture)."""
    kind = picture_kind(path)
    if kind == "html":
        data = render_html(dataset, schema).encode("utf-8")
    else:
        data = render_static(dataset, schema, kind)
    return write_file(path, data)


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


def render_html(dataset: Dataset, schema: Schema) -> str:
    graph, pos = layout(dataset, schema)
    styles = {label: spec.style for label, spec in schema.labels.items()}
    document = schema.label_for("document")
    sources: dict[str, set[str]] = {n: set() for n in graph.nodes}
    for start, end, data in graph.edges(data=True):
        sources[start].add(data["source"])
        sources[end].add(data["source"])
    titles = {
        e.id: e.properties.get("title", e.name)
        for e in dataset.entities.values()
        if e.label == document
    }
    nodes = [
        {
            "id": n,
            "name": d["name"],
            "name_en": d["name_en"],
            "label": d["label"],
            "zh": schema.labels[d["label"]].zh,
            "x": round(pos[n][0] * 1000, 1),
            "y": round(pos[n][1] * -1000, 1),
            "colour": styles[d["label"]].colour,
            "pillar": styles[d["label"]].emphasis,
            "sources": sorted(titles.get(s, s) for s in sources[n] if s),
        }
        for n, d in graph.nodes(data=True)
    ]
    edges = [{"s": s, "t": t, "type": d["type"]} for s, t, d in graph.edges(data=True)]
    legend = [
        {"label": lab, "zh": schema.labels[lab].zh, "colour": styles[lab].colour}
        for lab in sorted({d["label"] for _n, d in graph.nodes(data=True)})
    ]
    payload = json.dumps({"nodes": nodes, "edges": edges, "legend": legend}, ensure_ascii=False)
    template = resources.files("loader.analysis").joinpath("viz_template.html").read_text("utf-8")
    return template.replace("__DATA__", payload.replace("</", "<\\/")).replace(
        "__TITLE__", html.escape("金山区“一谷一城一区一带一中心”知识图谱")
    )
