"""`kg load --bulk`'s importer files, without a server: the divisions streamed from the tarball's
rows (no dataset in between) give the files the dataset path wrote, row for row; and a stopped
server with no store counts as empty without being started."""

from __future__ import annotations

import csv
import io
import itertools
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loader.divisions import gazetteer as divisions
from loader.model.dataset import Dataset
from loader.model.schema import Schema, load_schema
from loader.model.validation import load_dataset
from loader.neo4j.bulk import _claim_empty
from loader.neo4j.connect import Connection
from loader.neo4j.cypher_text import HASH_PROP
from loader.neo4j.graph import Graph
from loader.neo4j.import_files import (
    ARRAY_DELIMITER,
    NODES,
    RELATIONSHIPS,
    STAMP,
    _cell,
    _column,
    csv_text,
    dataset_rows,
    write_files,
)
from loader.neo4j.server import ManagedServer
from loader.neo4j.sync_plan import wanted_rows
from tests.fake_divisions import fake_tarball
from tests.project import DATA, SCHEMA_FILE, dead_pid


def reference_files(sources: list[list[Dataset]], schema: Schema) -> dict[str, Any]:
    """What write_files wrote from datasets, entity by entity, before the rows streamed, with
    the digest the load path (`wanted_rows`) stores on each row."""
    files: dict[tuple[str, str, str], tuple[str, list[list[str]], list[str]]] = {}

    def rows(kind: str, dataset: str, group: str) -> tuple[list[list[str]], list[str]]:
        if (kind, dataset, group) not in files:
            if kind == "nodes":
                specs = schema.node_properties(group)
                props = sorted(set(specs) - {"id"})
                head = ["id:ID(Entity)", ":LABEL"]
            else:
                specs = schema.relationship_properties(group)
                props = sorted(specs)
                head = [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
            name = f"{kind}-{len(files)}-{group}.csv"
            files[(kind, dataset, group)] = (
                name,
                [[*head, *(_column(p, specs[p]) for p in props), f"{HASH_PROP}:long", *STAMP]],
                props,
            )
        _name, out, props = files[(kind, dataset, group)]
        return out, props

    for chunk in itertools.chain.from_iterable(sources):
        tail = [chunk.name]
        loaded = wanted_rows(chunk, lambda _id: "")  # the ends' labels are not compared
        marks = {n.id: str(n.props[HASH_PROP]) for n in loaded.nodes}
        links = {r.key: str(r.props[HASH_PROP]) for r in loaded.relationships}
        for entity in chunk.entities.values():
            out, props = rows("nodes", chunk.name, entity.label)
            labels = f"{schema.base_label}{ARRAY_DELIMITER}{entity.label}"
            cells = [_cell(entity.properties.get(p)) for p in props]
            out.append([entity.id, labels, *cells, marks[entity.id], *tail])
        for relation in chunk.relations:
            out, props = rows("relationships", chunk.name, relation.type)
            cells = [_cell(relation.properties.get(p)) for p in props]
            mark = links[relation.key]
            out.append([relation.start, relation.end, relation.type, *cells, mark, *tail])
    return {name: out for name, out, _props in files.values()}


def written(folder: Path, args: list[str]) -> dict[str, list[list[str]]]:
    found = {}
    for arg in args:
        path = Path(arg.split("=", 1)[1])
        assert path.parent == folder
        with path.open(newline="", encoding="utf-8") as handle:
            found[path.name] = list(csv.reader(handle))
    return found


@pytest.mark.parametrize(
    ("levels", "within"),
    [
        (list(divisions.LEVELS), None),
        (["city", "county", "town"], None),
        (list(divisions.LEVELS), ["3101", "33011600"]),
    ],
)
def test_streamed_rows_write_the_files_the_datasets_wrote(
    tmp_path: Path, levels: list[str], within: list[str] | None
) -> None:
    schema = load_schema(SCHEMA_FILE)
    curated = load_dataset(DATA, schema)
    tarball = fake_tarball(tmp_path / "fake.tgz")
    chunks = [c.parse() for c in divisions.source_chunks(schema, tarball, levels, within, size=7)]
    expected = reference_files([[curated], chunks], schema)
    streamed = itertools.chain(
        dataset_rows(curated, schema), divisions.import_rows(schema, tarball, levels, within)
    )
    done = write_files(streamed, schema, tmp_path / "out")
    nodes, rels = done.total(NODES), done.total(RELATIONSHIPS)
    assert written(tmp_path / "out", done.args) == expected
    division = schema.label_for("gazetteer")
    division_rows = sum(len(rows) - 1 for name, rows in expected.items() if division in name)
    assert nodes[division].created == division_rows > 0
    assert sum(c.created for c in rels.values()) == sum(
        len(rows) - 1 for name, rows in expected.items() if name.startswith("relationships")
    )


def line_by_line(tarball: Path, levels: list[str]) -> list[tuple[str, str, str | None, str]]:
    """The rows as they were read before the batches: one csv reader per line."""
    found = []
    with tarfile.open(tarball, "r:gz") as archive:
        for level, (filename, parent_column) in divisions.LEVELS.items():
            if level not in levels:
                continue
            member = archive.extractfile(f"package/dist/{filename}")
            assert member is not None
            text = io.TextIOWrapper(member, encoding="utf-8")
            columns = next(csv.reader([next(text)]))
            for raw in text:
                line = raw.rstrip("\r\n")
                values = dict(zip(columns, next(csv.reader([line])), strict=False))
                parent = values.get(parent_column) if parent_column else None
                found.append((values["code"], values["name"], parent, line))
    return found


def test_rows_read_in_batches_are_the_rows_read_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tarball = fake_tarball(tmp_path / "fake.tgz", villages=60)
    monkeypatch.setattr(divisions, "BATCH", 4)  # many batches, and a last one that is short
    rows = list(divisions.read_rows(tarball, list(divisions.LEVELS)))
    assert [(r.code, r.name, r.parent, r.line) for r in rows] == line_by_line(
        tarball, list(divisions.LEVELS)
    )
    assert rows[2].name == '市, "甲"' and rows[2].line == '3101,"市, ""甲""",31'
    assert len(rows) == 2 + 2 + 2 + 6 + 6 * 20


CELLS = st.text(alphabet=st.sampled_from(list("a,\"\r\n 区\x1f;'\\")), max_size=6)


@given(st.integers(2, 6).flatmap(lambda n: st.lists(st.tuples(*[CELLS] * n), max_size=8)))
def test_csv_text_is_what_the_csv_module_writes(rows: list[tuple[str, ...]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert csv_text(rows) == out.getvalue()


NAMES = st.text(alphabet=st.sampled_from(list("区村,\"' ;a1")), min_size=1, max_size=8)


@given(st.lists(NAMES, min_size=1, max_size=25), st.integers(1, 7))
def test_batched_parsing_reads_any_names_as_one_reader_per_line(
    names: list[str], batch: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        body = "code,name\r\n" + "".join(
            csv_text([(f"{10 + i}", name)]) for i, name in enumerate(names)
        )
        tarball = Path(folder) / "t.tgz"
        with tarfile.open(tarball, "w:gz") as archive:
            info = tarfile.TarInfo("package/dist/provinces.csv")
            info.size = len(body.encode())
            archive.addfile(info, io.BytesIO(body.encode()))
        old, divisions.BATCH = divisions.BATCH, batch
        try:
            rows = list(divisions.read_rows(tarball, ["province"]))
        finally:
            divisions.BATCH = old
        assert [(r.code, r.name, r.parent, r.line) for r in rows] == line_by_line(
            tarball, ["province"]
        )
        assert [r.name for r in rows] == names


def test_a_stopped_server_with_no_store_is_empty_without_starting(tmp_path: Path) -> None:
    """Nothing to ask and no load to wait for: no connection, no claim."""
    server = ManagedServer(tmp_path / "home")  # never installed, never started

    class NoConnection(Connection):
        def graph(self, *, start: bool = True) -> Graph:
            raise AssertionError("connected to a stopped server")

    assert not _claim_empty(server, NoConnection(None), ("d", "r" * 32, 0.0), replace=False)
    assert not _claim_empty(server, NoConnection(None), ("d", "r" * 32, 0.0), replace=True)
    assert not server.is_running()


def test_a_killed_bulk_loads_files_are_swept_at_the_next_start(tmp_path: Path) -> None:
    """The importer's files live in a folder named for the bulk load's process; one whose
    process is gone (kill -9) is removed at the next start, a live one's is kept."""
    import os

    from loader.neo4j.server import bulk_folder, sweep_bulk_leftovers

    gone = dead_pid()
    dead = tmp_path / "import" / f"bulk-{gone}-{'a' * 32}"
    older = tmp_path / "import" / f"bulk-{'b' * 32}"  # named before the process was in it
    live = bulk_folder(tmp_path, "c" * 32)
    assert live.name == f"bulk-{os.getpid()}-{'c' * 32}"
    for folder in (dead, older, live):
        folder.mkdir(parents=True)
        (folder / "nodes.csv").write_text("id\n", "utf-8")
    assert sweep_bulk_leftovers(tmp_path) == sorted([dead, older])
    assert not dead.exists() and not older.exists() and live.is_dir()
