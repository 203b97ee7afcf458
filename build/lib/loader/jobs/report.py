"""The report folder the main job writes: analysis tables, the picture and the HTML view."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from loader.analysis.graph import Analysis
from loader.analysis.viz import write_picture
from loader.model.dataset import Dataset
from loader.model.schema import Schema


def write_report(dataset: Dataset, schema: Schema, folder: Path, analysis: Analysis) -> list[Path]:
    """analysis.json, nodes.csv (by PageRank), layout.png and layout.html in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "analysis.json", folder / "nodes.csv"]
    written[0].write_text(
        json.dumps(analysis.as_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    with written[1].open("w", newline="", encoding="utf-8") as handle:
        rows = [s.as_dict() for s in sorted(analysis.nodes, key=lambda s: (-s.pagerank, s.id))]
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows(rows)
    written.append(write_picture(dataset, schema, folder / "layout.png"))
    written.append(write_picture(dataset, schema, folder / "layout.html"))
    return written
