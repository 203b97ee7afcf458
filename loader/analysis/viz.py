"""Pictures of the graph: which kind a file name asks for, what to draw, written atomically.

`static_picture` draws PNG/SVG, `html_view` the self-contained interactive page; both take the
labels' styles from the schema (as Browser's stylesheet does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.analysis.graph import layout_view, resolve, to_networkx
from loader.analysis.html_view import render_html
from loader.analysis.layout import focus
from loader.analysis.static_picture import render_static
from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, Hint, UsageError
from loader.model.outputs import write_file
from loader.model.schema import Schema

MAX_LABELLED = 1500  # every label is placed without overlap: beyond this, draw a neighbourhood


@dataclass(frozen=True)
class Drawn:
    path: Path
    labels: int | None = None  # a static picture's labels, and how many overlap or are cut off
    overlaps: int | None = None


def picture_kind(path: Path) -> str:
    """html, png or svg, from the file name; anything else is refused."""
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("html", "png", "svg"):
        raise ConfigError(f"cannot draw {path.name}: use a .html, .png or .svg file name")
    return kind


@dataclass(frozen=True)
class Picture:
    """A drawing: its bytes and, for a static picture, its labels, how many overlap or are cut
    off, and the fingerprint of what is drawn where (kept in the file's metadata)."""

    data: bytes
    labels: int | None = None
    overlaps: int | None = None
    fingerprint: str | None = None


def draw(
    dataset: Dataset, schema: Schema, kind: str, centre: str | None = None, depth: int = 1
) -> Picture:
    """The picture of the graph (html, png or svg); with `centre` (a name, alias or id) only
    the entities within `depth` steps of it."""
    if kind == "html":
        if centre is not None:
            raise UsageError("a neighbourhood is drawn as PNG or SVG; the HTML view has a search")
        return Picture(render_html(layout_view(dataset, schema), schema).encode("utf-8"))
    graph = to_networkx(dataset, schema)
    subtitle = (
        f"{graph.number_of_nodes()} 个实体 entities · {graph.number_of_edges()} 条关系 "
        "relations · 各支柱的成员围绕支柱 each pillar's members around it · "
        "浅色线: 共同背景的关系 faint lines: links of the shared context"
    )
    node = None
    if centre is not None:
        node = resolve(dataset, centre)
        if node not in graph:
            label = dataset.entities[node].label
            raise ConfigError(f"{centre!r} is a {label}: pictures draw the graph without them")
        graph = focus(graph, node, depth)
        subtitle = (
            f"焦点 focus: {graph.nodes[node]['name']} · {depth} 步以内 within {depth} "
            f"step{'s' if depth > 1 else ''} · {graph.number_of_nodes()} 个实体 entities"
        )
    if graph.number_of_nodes() > MAX_LABELLED:
        raise ConfigError(
            f"{graph.number_of_nodes()} entities are too many to label in one picture "
            f"(at most {MAX_LABELLED})",
            hint=Hint.FOCUS,
        )
    drawn = render_static(graph, schema, kind, centre=node, subtitle=subtitle)
    return Picture(drawn.data, drawn.labels, drawn.overlaps, drawn.fingerprint)


def write_picture(
    dataset: Dataset, schema: Schema, path: Path, centre: str | None = None, depth: int = 1
) -> Drawn:
    """Draw into `path` (atomically: a failure leaves no partial picture); with `centre` (a
    name, alias or id) only the entities within `depth` steps of it."""
    picture = draw(dataset, schema, picture_kind(path), centre, depth)
    return Drawn(write_file(path, picture.data), picture.labels, picture.overlaps)
