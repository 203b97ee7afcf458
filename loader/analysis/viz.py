"""Pictures of the graph: which kind a file name asks for, written atomically.

`static_picture` draws PNG/SVG, `html_view` the self-contained interactive page; both share the
layout of `layout` and the labels' styles from the schema (as Browser's stylesheet does).
"""

from __future__ import annotations

from pathlib import Path

from loader.analysis.html_view import render_html
from loader.analysis.static_picture import render_static
from loader.model.dataset import Dataset
from loader.model.errors import ConfigError
from loader.model.outputs import write_file
from loader.model.schema import Schema


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
