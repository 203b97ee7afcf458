"""The interactive HTML view: one self-contained file, its data and script inline (nothing loads
from a network), the labels' colours from the schema as in Browser's stylesheet.
"""

from __future__ import annotations

import html
import json
from importlib import resources

from loader.analysis.layout import layout
from loader.model.dataset import Dataset
from loader.model.schema import Schema


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
    template = resources.files("loader.analysis").joinpath("html_view.html").read_text("utf-8")
    return template.replace("__DATA__", payload.replace("</", "<\\/")).replace(
        "__TITLE__", html.escape("金山区“一谷一城一区一带一中心”知识图谱")
    )
