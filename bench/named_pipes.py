"""Can neo4j-admin import read its input from named pipes? A probe, not a contender.

`kg load --bulk` writes the importer's files before the importer starts (13–24 s of a full
run); named pipes would overlap the two if the importer read each input once, in order. This
feeds a node and a relationship input through FIFOs, each from a thread that writes the rows
again whenever the importer opens the pipe anew, and prints every open, early close and whole
write. On the managed server home given by KG_NEO4J_HOME (its store is replaced: use a scratch
home with the server stopped):

    KG_NEO4J_HOME=/tmp/scratch .venv/bin/python bench/named_pipes.py [ROWS]

Result with Neo4j 5.26 (2026-12-08, docs/benchmarks.md): the importer opens the node input,
reads a sample and closes it, does the same with the relationship input, then opens the node
input again and reads it whole three times (and fails, exit 70, when the feeder stops answering
after its fourth open): a pipe would have to be written as many times.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.model.workspace import Workspace  # noqa: E402
from loader.neo4j.bulk import DATABASE, admin_import  # noqa: E402
from loader.neo4j.connect import managed_server  # noqa: E402
from loader.neo4j.target import ConnectionOptions  # noqa: E402

OPENS = 4  # how many times a feeder answers a new open of its pipe


def main(rows: int, folder: Path) -> None:
    server = managed_server(Workspace.at(ROOT), ConnectionOptions())
    if server.is_running():
        raise SystemExit("stop the server first: the probe replaces its store")
    server.install()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nodes-header.csv").write_text("id:ID,name,:LABEL\n", "utf-8")
    (folder / "rels-header.csv").write_text(":START_ID,:END_ID,:TYPE\n", "utf-8")
    events: list[tuple[float, str]] = []
    started = time.monotonic()

    def feed(name: str, line: Callable[[int], str]) -> None:
        for attempt in range(OPENS):
            try:
                with (folder / name).open("w", encoding="utf-8") as pipe:  # waits for a reader
                    events.append((time.monotonic() - started, f"{name}: opened ({attempt})"))
                    for i in range(rows):
                        pipe.write(line(i))
                events.append((time.monotonic() - started, f"{name}: written whole"))
            except BrokenPipeError:
                events.append((time.monotonic() - started, f"{name}: closed early by the importer"))

    for name in ("nodes.fifo", "rels.fifo"):
        (folder / name).unlink(missing_ok=True)
        os.mkfifo(folder / name)
    feeders = [
        threading.Thread(target=feed, args=("nodes.fifo", lambda i: f"n{i},name {i},X\n")),
        threading.Thread(target=feed, args=("rels.fifo", lambda i: f"n{i},n{(i + 1) % rows},R\n")),
    ]
    for feeder in feeders:
        feeder.daemon = True
        feeder.start()
    done = admin_import(
        server,
        DATABASE,
        [
            f"--nodes={folder / 'nodes-header.csv'},{folder / 'nodes.fifo'}",
            f"--relationships={folder / 'rels-header.csv'},{folder / 'rels.fifo'}",
        ],
    )
    print(f"importer exit {done.returncode} after {time.monotonic() - started:.1f} s")
    for at, what in events:
        print(f"{at:6.1f} s  {what}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, Path("/tmp/kg-named-pipes"))
