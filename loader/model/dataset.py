"""The in-memory model of the curated graph, and the walk over `data/` that yields raw records.

`data/` holds `dataset.yaml` (name, version), `sources/*.yaml` (+ their texts),
`entities/*.yaml|csv` and `facts/*.yaml|csv` (relations grouped by the sentence that states them).
This module only reads; `validation.py` checks the records and builds a `Dataset`.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader.model.about import About
from loader.model.problems import Problem
from loader.model.readers import (
    LocDict,
    LocList,
    ReadResult,
    file_kind,
    read_csv,
    read_yaml,
)

TABLE_SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Entity:
    id: str
    label: str
    properties: dict[str, Any]
    location: Location
    dataset: str | None = None  # read from Neo4j: the dataset that loaded it (None: the curated)

    @property
    def name(self) -> str:
        return str(self.properties["name"])


@dataclass
class Relation:
    start: str
    type: str
    end: str
    properties: dict[str, Any]
    location: Location
    dataset: str | None = None  # as Entity.dataset

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.start, self.type, self.end)


@dataclass
class Source:
    id: str
    text: str
    location: Location


@dataclass
class Dataset:
    name: str
    version: str
    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    about: About | None = None  # the description dataset.yaml declares

    def label_of(self, entity_id: str) -> str:
        return self.entities[entity_id].label


@dataclass
class Record:
    """One raw mapping from a file, with the line of each of its keys."""

    values: LocDict
    file: str

    @property
    def location(self) -> Location:
        return Location(self.file, self.values.line)

    def at(self, key: str) -> Location:
        return Location(self.file, self.values.line_of(key))


@dataclass
class FactRecord:
    """One relation as written: its fields, and the statement (sentence, source) around it."""

    values: LocDict
    file: str
    sentence: Any
    source: Any
    sentence_line: int

    @property
    def location(self) -> Location:
        return Location(self.file, self.values.line)


def data_files(
    folder: Path, problems: list[Problem], suffixes: tuple[str, ...] = ()
) -> Iterator[Path]:
    """The regular files of `folder` (those with one of `suffixes`, if given), sorted: hidden
    names and folders are skipped, anything else (a FIFO, a device, a dangling symlink) is
    refused and never opened."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        unlisted = f"cannot list the folder: {exc.strerror or exc}"
        problems.append(Problem(str(folder), 0, code="cannot-read", message=unlisted))
        return
    for path in entries:
        if path.name.startswith(".") or (suffixes and path.suffix.lower() not in suffixes):
            continue
        try:
            mode = path.stat().st_mode  # never blocks, unlike opening a FIFO
        except OSError as exc:
            unread = f"cannot read the file: {exc.strerror or exc}"
            problems.append(Problem(str(path), 0, code="cannot-read", message=unread))
            continue
        if stat.S_ISREG(mode):
            yield path
        elif not stat.S_ISDIR(mode):
            refusal = f"refused: {file_kind(mode)}, not a regular file"
            problems.append(Problem(str(path), 0, code="not-a-regular-file", message=refusal))


def table_files(folder: Path, problems: list[Problem]) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in data_files(folder, problems):
        if path.suffix.lower() in TABLE_SUFFIXES:
            yield path
        else:
            unsupported = f"unsupported file type {path.suffix or path.name!r} (use .yaml or .csv)"
            problems.append(
                Problem(str(path), 0, code="unsupported-file-type", message=unsupported)
            )


def read_table(path: Path, root: Path) -> ReadResult:
    name = str(path)
    reader = read_csv if path.suffix.lower() == ".csv" else read_yaml
    return reader(path, name, root)


def entity_records(root: Path, problems: list[Problem]) -> Iterator[Record]:
    for path in table_files(root / "entities", problems):
        read = read_table(path, root)
        problems.extend(read.problems)
        if read.data is None:
            continue
        if not isinstance(read.data, LocList):
            not_list = "an entity file must be a list of entities"
            problems.append(Problem(str(path), 1, code="bad-shape", message=not_list))
            continue
        for item, line in zip(read.data, read.data.item_lines, strict=True):
            if isinstance(item, LocDict):
                yield Record(item, str(path))
            else:
                not_mapping = "an entity must be a mapping"
                problems.append(Problem(str(path), line, code="bad-shape", message=not_mapping))


Statement = tuple[str, Any, Any]  # (file, a statement or a CSV file's rows, default source)


def statements(root: Path, problems: list[Problem]) -> list[Statement]:
    """Every statement of the facts files, read once: (file, statement, its file's source)
    for YAML; (file, its rows, None) for a CSV file."""
    return list(_statements(root, problems))


def _statements(root: Path, problems: list[Problem]) -> Iterator[Statement]:
    for path in table_files(root / "facts", problems):
        name = str(path)
        read = read_table(path, root)
        problems.extend(read.problems)
        if read.data is None:
            continue
        if path.suffix.lower() == ".csv":  # one relation a row, with its own citation
            yield name, read.data, None
            continue
        if not isinstance(read.data, LocDict) or not isinstance(
            read.data.get("statements"), LocList
        ):
            shape = "a facts file must be a mapping with `statements:`"
            problems.append(Problem(name, 1, code="bad-shape", message=shape))
            continue
        statements: LocList = read.data["statements"]
        for statement, line in zip(statements, statements.item_lines, strict=True):
            if not isinstance(statement, LocDict) or not any(
                isinstance(statement.get(key), LocList) for key in STATED
            ):
                shape = "a statement needs `sentence:` and `facts:` or `values:`"
                problems.append(Problem(name, line, code="bad-shape", message=shape))
                continue
            yield name, statement, read.data.get("source")


# What a statement may state: relations, values of cited properties (claims), and relations
# stated elsewhere that its sentence corroborates.
STATED = ("facts", "values", "corroborates")
SHAPES = {
    "facts": (
        ("from", "type", "to"),
        "a fact must be [from, TYPE, to] or a mapping with from, type and to",
    ),
    "values": (
        ("entity", "property", "value"),
        "a value must be [entity, property, value] or a mapping with entity, property and value",
    ),
    "corroborates": (("from", "type", "to"), "a corroboration must be [from, TYPE, to]"),
}


def fact_records(
    read: list[Statement], problems: list[Problem], kind: str = "facts"
) -> Iterator[FactRecord]:
    """The relations (`facts`), the claims (`values`) or the corroborations (`corroborates`)
    of the statements, each with the statement's sentence and source."""
    keys, shape = SHAPES[kind]
    for name, statement, default_source in read:
        if not isinstance(statement, LocDict):  # a CSV file's rows: relations only
            if kind == "facts":
                for row in statement:
                    yield FactRecord(row, name, row.get("sentence"), row.get("source"), row.line)
            continue
        items = statement.get(kind)
        if items is None:
            continue
        if not isinstance(items, LocList) or not items:
            empty = f"`{kind}:` must be a non-empty list"
            problems.append(Problem(name, statement.line_of(kind), code="bad-shape", message=empty))
            continue
        for item, item_line in zip(items, items.item_lines, strict=True):
            values = _fact_values(item, item_line, keys)
            if values is None:
                problems.append(Problem(name, item_line, code="bad-shape", message=shape))
                continue
            yield FactRecord(
                values,
                name,
                statement.get("sentence"),
                statement.get("source", default_source),
                statement.line_of("sentence"),
            )


def _fact_values(fact: Any, line: int, keys: tuple[str, ...]) -> LocDict | None:
    if isinstance(fact, LocList) and len(fact) == len(keys):
        values = LocDict(zip(keys, fact, strict=True))
        values.line = line
        values.key_lines = dict.fromkeys(values, line)
        return values
    if isinstance(fact, LocDict):
        return fact
    return None


def source_records(root: Path, problems: list[Problem]) -> Iterator[Record]:
    folder = root / "sources"
    if not folder.is_dir():
        missing = "no sources folder: every fact needs a source"
        problems.append(Problem(str(folder), 0, code="no-sources-folder", message=missing))
        return
    for path in data_files(folder, problems, (".yaml", ".yml")):  # texts: when named
        read = read_yaml(path, str(path), root)
        problems.extend(read.problems)
        if isinstance(read.data, LocDict):
            yield Record(read.data, str(path))
        elif read.data is not None or not read.problems:
            not_mapping = "a source file must be a mapping"
            problems.append(Problem(str(path), 1, code="bad-shape", message=not_mapping))
