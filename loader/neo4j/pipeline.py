"""A load's chunks made ready ahead of their writes: read, digested and compared.

While the server writes one chunk, a thread reads and digests the next ones (the driver waits on
its socket without holding the GIL, so reading the source costs almost no wall time), and on a
reload `READERS` threads ask the server what it holds of the next chunks. A chunk's snapshot may
be taken before the previous chunk is written: they touch different rows, as each node is in one
chunk and each relationship comes in the chunk of its start node (checked).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from loader.model.dataset import Dataset
from loader.model.errors import DataConflict
from loader.neo4j.graph import Graph
from loader.neo4j.snapshot import chunk_snapshot
from loader.neo4j.sync_plan import Rows, Snapshot, wanted_rows

T = TypeVar("T")
READERS = 2  # snapshot queries at once: measured in bench/ on the 2-core reference machine


def prepared(
    graph: Graph,
    chunks: Iterable[Dataset],
    *,
    label_of: Callable[[str], str],
    base: str,
    reload: bool,
) -> Generator[tuple[Dataset, Rows, Snapshot], None, None]:
    """Each chunk with its rows and what the database holds of them, in order."""
    hashed = read_ahead((chunk, _digested(chunk, label_of)) for chunk in chunks)
    if not reload:
        for chunk, rows in hashed:
            yield chunk, rows, Snapshot(all_new=True)
        return
    with ThreadPoolExecutor(READERS, thread_name_prefix="kg-snapshot") as pool:
        pending: deque[tuple[Dataset, Rows, Future[Snapshot]]] = deque()
        try:
            for chunk, rows in hashed:
                asked = pool.submit(chunk_snapshot, graph, rows, base)
                pending.append((chunk, rows, asked))
                if len(pending) > READERS:
                    done, done_rows, snapshot = pending.popleft()
                    yield done, done_rows, snapshot.result()
            while pending:
                done, done_rows, snapshot = pending.popleft()
                yield done, done_rows, snapshot.result()
        finally:
            for _chunk, _unused, asked in pending:
                asked.cancel()


def _digested(chunk: Dataset, label_of: Callable[[str], str]) -> Rows:
    for relation in chunk.relations:  # validated data and RDF imports always hold
        if relation.start not in chunk.entities:
            raise DataConflict(
                f"relation {relation.start} -{relation.type}-> {relation.end} is not in the "
                "chunk of its start node; the load needs it there"
            )
    return wanted_rows(chunk, label_of)


def read_ahead(chunks: Iterable[T], depth: int = 2) -> Iterator[T]:
    """The next chunks are read on a thread while the server writes this one (the driver waits
    on its socket without holding the GIL), so reading the source costs almost no wall time."""
    ahead: queue.Queue[T | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: T | BaseException | None) -> bool:
        while not stop.is_set():  # the consumer may have stopped early: never block forever
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not offer(chunk):
                    return
            offer(None)
        except BaseException as error:  # handed to the consumer, raised there
            offer(error)

    reader = threading.Thread(target=produce, name="kg-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()
