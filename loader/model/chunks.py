"""A chunk of a streamed source, known before it is parsed: what lets a reload skip it.

A source hands out its chunks with a stable key (the file and row range) and a digest of the
raw bytes and of whatever else shapes the rows made of them; parsing waits until asked. A
reload whose chunk has the digest the last complete load recorded for that key need not parse,
digest or compare it: its rows are as that load wrote them. A source may also digest a chunk's
groups of lines (`groups`) and make the rows of some groups alone (`split`): a changed chunk then
writes and compares only the groups that changed, and gives the others' ids and counts without
building their rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from loader.model.dataset import Dataset


@dataclass(frozen=True)
class Rest:
    """A chunk's rows outside the groups asked for, known without building them: their ids,
    and how many nodes of each label and relationships of each type they make."""

    ids: list[str]
    nodes: dict[str, int]
    relationships: dict[str, int]


@dataclass(frozen=True)
class SourceChunk:
    """One chunk: `key` names it in the load record, `digest` (None: not known, so never
    skipped) says whether it changed, `parse` makes its dataset. `groups` (may be empty) are
    the digests of its groups of lines, in order; `split(changed)` makes the dataset of the
    groups numbered in `changed` and the `Rest` of the others. `rows` counts the source rows it
    covers (0: not known), for the progress of a load whose source knows its total."""

    key: str
    digest: str | None
    parse: Callable[[], Dataset]
    groups: tuple[str, ...] = ()
    split: Callable[[frozenset[int]], tuple[Dataset, Rest]] | None = None
    rows: int = 0


def in_memory(datasets: Iterable[Dataset]) -> Iterator[SourceChunk]:
    """Datasets already parsed, as chunks with no source digest (always compared row by row)."""
    for index, dataset in enumerate(datasets):
        yield SourceChunk(f"chunk-{index}", None, _given(dataset))


def _given(dataset: Dataset) -> Callable[[], Dataset]:
    return lambda: dataset


Chunks = Callable[[], Iterable[SourceChunk]]  # each call reads the source again, chunk by chunk
