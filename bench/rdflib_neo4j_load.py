"""Contender: Neo4j Labs' rdflib-neo4j loading an RDF file (the bench gives it the N-Triples
`kg export rdf --from neo4j` wrote), as its README shows (a Graph on a Neo4jStore, batching on,
vocabulary URIs ignored). Run by bench/run.py in its own process so its time and peak RSS are
its own.

    .venv/bin/python bench/rdflib_neo4j_load.py FILE.nt
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdflib import Graph  # noqa: E402
from rdflib_neo4j import (  # type: ignore[import-untyped]  # noqa: E402
    HANDLE_VOCAB_URI_STRATEGY,
    Neo4jStore,
    Neo4jStoreConfig,
)

from loader.model.workspace import Workspace  # noqa: E402
from loader.neo4j.connect import resolve_target  # noqa: E402
from loader.neo4j.graph import Graph as Neo4jGraph  # noqa: E402
from loader.neo4j.target import ConnectionOptions  # noqa: E402


def main(path: Path) -> None:
    settings = resolve_target(Workspace.at(ROOT), ConnectionOptions())
    started = time.monotonic()
    with Neo4jGraph.open(settings) as neo4j, contextlib.redirect_stdout(io.StringIO()):
        config = Neo4jStoreConfig(
            handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE, batching=True
        )
        graph = Graph(store=Neo4jStore(config=config, neo4j_driver=neo4j.driver))
        graph.parse(str(path), format="nt")
        graph.close(True)
    print(json.dumps({"seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
