"""The report folder the main job writes: analysis tables, the picture, the HTML view and the
saved queries as Browser favorites (one drop on Browser's Favorites drawer imports them all).

Every file goes through the atomic writer, so a symlink planted inside the folder is replaced,
never followed, and a failure leaves no partial file.
"""

from __future__ import annotations

from pathlib import Path

from loader.analysis.graph import Analysis
from loader.analysis.viz import write_picture
from loader.model.dataset import Dataset
from loader.model.outputs import report_folder, write_file
from loader.model.safe_text import csv_text, json_text
from loader.model.schema import Schema
from loader.neo4j.favorites import favorites_zip
from loader.neo4j.saved_queries import list_queries


def write_report(
    dataset: Dataset, schema: Schema, folder: Path, analysis: Analysis, *, queries: Path
) -> list[Path]:
    """analysis.json, nodes.csv (by PageRank), layout.png, layout.html and favorites.zip (the
    saved queries of the `queries` folder) in `folder`."""
    folder = report_folder(folder)
    rows = [s.as_dict() for s in sorted(analysis.nodes, key=lambda s: (-s.pagerank, s.id))]
    columns = list(rows[0]) if rows else ["id"]
    summary = json_text(analysis.as_dict()) + "\n"
    written = [
        write_file(folder / "analysis.json", summary.encode("utf-8")),
        write_file(folder / "nodes.csv", csv_text(columns, rows).encode("utf-8")),
    ]
    written.append(write_picture(dataset, schema, folder / "layout.png").path)
    written.append(write_picture(dataset, schema, folder / "layout.html").path)
    written.append(write_file(folder / "favorites.zip", favorites_zip(list_queries(queries))))
    return written
