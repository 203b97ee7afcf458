"""The neo4j-admin import CSV files of `kg load --bulk`: one per dataset and label or type.

Typed headers from the schema's properties; each row carries its dataset's name and the load
path's digest, as a load's rows do, so a `kg load` after the import finds every row unchanged.
Rows arrive in batches (`Rows`): the curated dataset's (`dataset_rows`) or the divisions
streamed from their tarball with no model objects (`gazetteer.import_rows`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from loader.model.dataset import Dataset
from loader.model.properties import PropertySpec
from loader.model.schema import Schema
from loader.neo4j.cypher_text import DATASET_PROP, HASH_PROP
from loader.neo4j.sync_plan import Counts, row_digest

ARRAY_DELIMITER = "\x1f"  # unit separator: never inside a curated value
TYPES = {
    "string": "string",
    "integer": "long",
    "decimal": "double",
    "boolean": "boolean",
    "date": "date",
    "list[string]": "string[]",
}


def _column(name: str, spec: PropertySpec | None) -> str:
    kind = TYPES[spec.type] if spec else "string"
    return name if kind == "string" else f"{name}:{kind}"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


STAMP = [DATASET_PROP]
NODES, RELATIONSHIPS = "nodes", "relationships"


@dataclass(frozen=True)
class Rows:
    """A batch of rows for one importer file: a dataset's nodes of one label (each row the
    node's id, then the cells of `columns`) or its relationships of one type (start, end, then
    the cells of `columns`), each row ending with its digest (`sync_plan.row_digest`), so a
    later `kg load` finds it unchanged. A cell is a string; "" is no property."""

    kind: str  # NODES or RELATIONSHIPS
    dataset: str
    version: str
    group: str  # the label or the relationship type
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def dataset_rows(dataset: Dataset, schema: Schema) -> Iterator[Rows]:
    """A (small, curated) dataset as batches of rows: one per label, then one per type, in the
    order each first appears."""
    by_label: dict[str, list[tuple[str, ...]]] = {}
    for entity in dataset.entities.values():
        props = _props(schema, NODES, entity.label)
        cells = (_cell(entity.properties.get(p)) for p in props)
        mark = str(row_digest(entity.label, entity.properties, dataset.name))
        by_label.setdefault(entity.label, []).append((entity.id, *cells, mark))
    by_type: dict[str, list[tuple[str, ...]]] = {}
    for relation in dataset.relations:
        props = _props(schema, RELATIONSHIPS, relation.type)
        cells = (_cell(relation.properties.get(p)) for p in props)
        mark = str(row_digest(relation.type, relation.properties, dataset.name))
        by_type.setdefault(relation.type, []).append((relation.start, relation.end, *cells, mark))
    for kind, groups in ((NODES, by_label), (RELATIONSHIPS, by_type)):
        for group, rows in groups.items():
            columns = tuple(_props(schema, kind, group))
            yield Rows(kind, dataset.name, dataset.version, group, columns=columns, rows=rows)


def _props(schema: Schema, kind: str, group: str) -> list[str]:
    """The property columns of a file, in order: the schema's properties but the key."""
    if kind == NODES:
        return sorted(set(schema.node_properties(group)) - {"id"})
    return sorted(schema.relationship_properties(group))


class _Files:
    """The importer's CSV files, one per (dataset, label or type), opened with a typed header
    of the schema's properties when their first row arrives."""

    def __init__(self, folder: Path, schema: Schema) -> None:
        self.folder = folder
        self.schema = schema
        self.open: dict[tuple[str, str, str], tuple[IO[str], list[str]]] = {}
        self.layouts: dict[tuple[str, str, tuple[str, ...]], Callable[[tuple[str, ...]], Any]] = {}
        self.args: list[str] = []

    def writer(self, kind: str, dataset: str, group: str) -> tuple[IO[str], list[str]]:
        """The file for these rows, and the properties its columns hold, in order."""
        key = (kind, dataset, group)
        if key not in self.open:
            props = _props(self.schema, kind, group)
            if kind == NODES:
                specs = self.schema.node_properties(group)
                head = ["id:ID(Entity)", ":LABEL"]
            else:
                specs = self.schema.relationship_properties(group)
                head = [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
            path = self.folder / f"{kind}-{len(self.open)}-{group}.csv"
            handle = path.open("w", newline="", encoding="utf-8")
            columns = [*head, *(_column(p, specs[p]) for p in props), f"{HASH_PROP}:long", *STAMP]
            csv.writer(handle).writerow(columns)
            self.open[key] = (handle, props)
            self.args.append(f"--{kind}={path}")
        return self.open[key]

    def layout(self, batch: Rows, props: list[str]) -> Callable[[tuple[str, ...]], Any]:
        """Picks a file row out of a batch row (keys, cells, digest) followed by ("", label or
        type, dataset)."""
        cached = self.layouts.get((batch.kind, batch.group, batch.columns))
        if cached is None:
            keys = 1 if batch.kind == NODES else 2
            unknown = set(batch.columns) - set(props)
            if unknown:
                raise ValueError(f"{batch.group} has no properties {sorted(unknown)}")
            mark = keys + len(batch.columns)
            where = {c: keys + i for i, c in enumerate(batch.columns)}
            cells = [where.get(p, mark + 1) for p in props]
            tail = range(mark + 3, mark + 3 + len(STAMP))
            picked = [*range(keys), mark + 2, *cells, mark, *tail]
            cached = itemgetter(picked[0], *picked[1:])
            self.layouts[(batch.kind, batch.group, batch.columns)] = cached
        return cached

    def close(self) -> None:
        for handle, _props in self.open.values():
            handle.close()


def _quoted(cell: str) -> str:
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_text(rows: Sequence[tuple[str, ...]]) -> str:
    """The rows as `csv.writer` writes them (minimal quoting, CRLF), column by column: a column
    with no comma, quote or line break in any cell is written as it is, without a look per cell."""
    columns: list[Sequence[str]] = list(zip(*rows, strict=True))
    for index, column in enumerate(columns):
        joined = "".join(column)
        if "," in joined or '"' in joined or "\n" in joined or "\r" in joined:
            columns[index] = [_quoted(cell) for cell in column]
    return "".join([",".join(cells) + "\r\n" for cells in zip(*columns, strict=True)])


@dataclass
class Written:
    """What `write_files` wrote: the importer's arguments, and the rows of each dataset (its
    version, and its counts by label and by type), for the load records."""

    args: list[str]
    versions: dict[str, str] = field(default_factory=dict)
    counts: dict[str, dict[str, dict[str, Counts]]] = field(default_factory=dict)

    def total(self, kind: str) -> dict[str, Counts]:
        """Every dataset's rows of `kind` (NODES or RELATIONSHIPS), by label or type."""
        found: dict[str, Counts] = {}
        for sections in self.counts.values():
            for group, counts in sections[kind].items():
                found.setdefault(group, Counts()).add(counts)
        return found


def write_files(batches: Iterable[Rows], schema: Schema, folder: Path) -> Written:
    """The importer's CSV files, written in one pass over the batches. Columns are the schema's
    properties: an empty cell is no property."""
    folder.mkdir(parents=True, exist_ok=True)
    files = _Files(folder, schema)
    written = Written(files.args)
    try:
        for batch in batches:
            handle, props = files.writer(batch.kind, batch.dataset, batch.group)
            pick = files.layout(batch, props)
            group = batch.group
            if batch.kind == NODES:
                group = f"{schema.base_label}{ARRAY_DELIMITER}{group}"
            tail = ("", group, batch.dataset)
            handle.write(csv_text([pick(row + tail) for row in batch.rows]))
            written.versions[batch.dataset] = batch.version
            sections = written.counts.setdefault(batch.dataset, {NODES: {}, RELATIONSHIPS: {}})
            sections[batch.kind].setdefault(batch.group, Counts()).created += len(batch.rows)
    finally:
        files.close()
    return written
