"""The interactive HTML view: one self-contained file that works offline. The page's data, its
script and the vendored graph library (Cytoscape.js with the fCoSE layout, `vendor/`) are all
inline; the labels' colours come from the schema, as in Browser's stylesheet, and each node's
pillar from `layout.pillar_of`, so the pillar filter follows the structure the pictures show.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

from loader.analysis.graph import to_networkx
from loader.analysis.layout import pillar_of, pillars
from loader.model.dataset import Dataset
from loader.model.schema import Schema

TITLE = "金山区“一谷一城一区一带一中心”知识图谱"
HERE = resources.files("loader.analysis")
# A script may hold neither `</script` nor `<!--`: either would end or bend the HTML element.
UNSAFE_IN_SCRIPT = re.compile(r"<(?=/script|!--)", re.IGNORECASE)


def view_data(dataset: Dataset, schema: Schema) -> dict[str, Any]:
    """What the page shows: every node with its names and pillar, every edge with its citing
    sentence and the source's title, the labels present (the legend) and the pillars."""
    graph = to_networkx(dataset, schema)
    chosen = pillars(graph, schema)
    member_of = pillar_of(graph, schema)
    document = schema.label_for("document")
    sources = {e.id: e for e in dataset.entities.values() if e.label == document}
    nodes = [
        {
            "id": n,
            "name": d["name"],
            "name_en": d["name_en"],
            "aliases": list(d["aliases"]),
            "label": d["label"],
            "pillar": member_of[n],
            "emphasis": n in chosen,
        }
        for n, d in graph.nodes(data=True)
    ]
    edges = []
    for index, (start, end, d) in enumerate(graph.edges(data=True)):
        source = sources.get(d["source"])
        edges.append(
            {
                "id": f"e{index}",
                "s": start,
                "t": end,
                "type": d["type"],
                "type_zh": schema.relationships[d["type"]].zh,
                "sentence": d["sentence"],
                "source": source.properties.get("title", source.name) if source else d["source"],
                "source_en": source.properties.get("title_en", "") if source else "",
                "url": source.properties.get("url", "") if source else "",
            }
        )
    present = sorted({d["label"] for _n, d in graph.nodes(data=True)})
    labels = [
        {"label": lab, "zh": schema.labels[lab].zh, "colour": schema.labels[lab].style.colour}
        for lab in present
    ]
    return {
        "title": TITLE,
        "nodes": nodes,
        "edges": edges,
        "labels": labels,
        "pillars": [{"id": p, "name": graph.nodes[p]["name"]} for p in chosen],
    }


def script_safe(text: str) -> str:
    """`text` as it may sit inside a <script> element: the same program, no early end."""
    return UNSAFE_IN_SCRIPT.sub(r"<\\", text)


def json_for_script(value: Any) -> str:
    """JSON that cannot end its <script> element (`<`, `>` and `&` escaped as JSON allows)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def vendored_scripts() -> str:
    """The vendored library's files in the manifest's order (each needs the ones before it)."""
    vendor = HERE.joinpath("vendor")
    manifest = json.loads(vendor.joinpath("manifest.json").read_text("utf-8"))
    return "\n".join(vendor.joinpath(p["file"]).read_text("utf-8") for p in manifest["packages"])


def render_page(library: str, script: str, data: dict[str, Any]) -> str:
    """The template with a library, a page script and the data inline (the bench draws the same
    page with another library through this)."""
    template = HERE.joinpath("html_view.html").read_text("utf-8")
    parts = {
        "__TITLE__": html.escape(TITLE),
        "__LIBRARY__": script_safe(library),
        "__SCRIPT__": script_safe(script),
        "__DATA__": json_for_script(data),
    }
    # One pass, so a placeholder-like string inside the library or the data is left alone.
    return re.sub("|".join(parts), lambda m: parts[m.group(0)], template)


def render_html(dataset: Dataset, schema: Schema) -> str:
    """The page people open: Cytoscape.js and the page's own script, with this dataset."""
    script = HERE.joinpath("html_view.js").read_text("utf-8")
    return render_page(vendored_scripts(), script, view_data(dataset, schema))
