"""The saved queries as Neo4j Browser favorites: one .zip that Browser imports in one drop.

Browser takes every `.cypher` file of a dropped .zip (neo4j-browser,
src/browser/components/FileDrop/file-drop.utils.ts): the folder a file is in becomes its
favorites folder, and its first comment line is the favorite's title. A drop of several loose
files is ignored, which is why the queries go as one archive. Each favorite has its example
values written in as literals, as the Browser links do, so it runs as it is; the `:param` lines
stay in its header for anyone who prefers parameters.
"""

from __future__ import annotations

import io
import zipfile

from loader.neo4j.saved_queries import SavedQuery, with_literals

FOLDER = "jinshan-kg"  # the favorites folder Browser creates
STAMP = (2020, 12, 30, 0, 0, 0)  # a fixed file time: the same queries give the same bytes


def favorites_zip(queries: list[SavedQuery], folder: str = FOLDER) -> bytes:
    """A zip of `<folder>/<name>.cypher`, one per saved query, each runnable as it is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for query in queries:
            info = zipfile.ZipInfo(f"{folder}/{query.name}.cypher", date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, with_literals(query).encode("utf-8"))
    return buffer.getvalue()
