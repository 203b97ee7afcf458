"""The load record (`KgLoad`) on the real test server: the run off the rows, reloads that skip
the chunks unchanged at their source, the migration of a database stamped row by row, and the
foreign-id check by id prefix. The source is the divisions' own chunking, of a fake tarball."""

from __future__ import annotations

import io
import logging
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loader.divisions import gazetteer as divisions
from loader.model.chunks import Rest, SourceChunk, in_memory
from loader.model.dataset import Dataset, Entity, Location
from loader.model.errors import DataConflict
from loader.model.schema import Schema
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.maintenance import clear_database
from loader.neo4j.store import LoadResult, SyncOptions, sync
from tests.fake_divisions import fake_tarball
from tests.graph_state import graph_state
from tests.project import schema

pytestmark = pytest.mark.neo4j
LEVELS = list(divisions.LEVELS)
RECORDS = (
    "MATCH (l:KgLoad) RETURN l.run AS run, l.dataset AS dataset, l.version AS version, "
    "l.ended IS NOT NULL AS ended, l.nodes_created AS created, l.nodes_unchanged AS unchanged "
    "ORDER BY l.started"
)
STAMPED = (
    "MATCH (n) WHERE n.kg_run IS NOT NULL OR n.kg_version IS NOT NULL RETURN count(n) AS n "
    "UNION ALL MATCH ()-[r]->() WHERE r.kg_run IS NOT NULL OR r.kg_version IS NOT NULL "
    "RETURN count(r) AS n"
)


class Parses:
    """The divisions' chunks of a tarball (5 lines, in groups of 2 unless `groups` is False),
    counting the chunks parsed (whole or split) and the rows built."""

    def __init__(
        self,
        tarball: Path,
        levels: list[str] = LEVELS,
        *,
        groups: bool = True,
        within: list[str] | None = None,
    ) -> None:
        self.tarball = tarball
        self.levels = levels
        self.within = within
        self.groups = groups
        self.parsed = 0
        self.built = 0
        self.chunks = 0

    def __call__(self) -> Iterator[SourceChunk]:
        self.chunks = 0
        chunks = divisions.source_chunks(
            schema(), self.tarball, self.levels, self.within, size=5, group=2
        )
        for chunk in chunks:
            self.chunks += 1
            if not self.groups:
                yield SourceChunk(chunk.key, chunk.digest, self._counted(chunk))
                continue
            yield SourceChunk(
                chunk.key, chunk.digest, self._counted(chunk), chunk.groups, self._split(chunk)
            )

    def _counted(self, chunk: SourceChunk) -> Any:
        def parse() -> Dataset:
            self.parsed += 1
            built = chunk.parse()
            self.built += len(built.entities)
            return built

        return parse

    def _split(self, chunk: SourceChunk) -> Any:
        def split(changed: frozenset[int]) -> tuple[Dataset, Rest]:
            assert chunk.split is not None
            self.parsed += 1
            built, rest = chunk.split(changed)
            self.built += len(built.entities)
            return built, rest

        return split


def _sync(graph: Graph, source: Parses, *, prune: bool = False) -> LoadResult:
    model: Schema = schema()
    return sync(
        graph,
        source,
        name=divisions.DATASET,
        version=divisions.VERSION,
        schema=model,
        label_of=lambda _id: model.label_for("gazetteer"),
        options=SyncOptions(batch_size=7, prune=prune),
        id_prefix=divisions.ID_PREFIX,
    )


def _edited(source: Path, target: Path, filename: str, edit: dict[str, str | None]) -> Path:
    """A copy of the tarball with lines of one file replaced (None: removed)."""
    with tarfile.open(source, "r:gz") as archive, tarfile.open(target, "w:gz") as out:
        for member in archive.getmembers():
            handle = archive.extractfile(member)
            body = handle.read() if handle else b""
            if member.name.endswith("/" + filename):
                lines = body.decode().split("\r\n")
                kept = [edit.get(line, line) for line in lines]
                body = "\r\n".join(line for line in kept if line is not None).encode()
                member.size = len(body)
            out.addfile(member, io.BytesIO(body))
    return target


def _records(graph: Graph) -> list[dict[str, Any]]:
    return run_cypher(graph, RECORDS).rows


def test_the_run_is_on_the_load_record_not_on_the_rows(neo4j: Graph, tmp_path: Path) -> None:
    first = _sync(neo4j, Parses(fake_tarball(tmp_path / "d.tgz")))
    [record] = _records(neo4j)
    assert record["run"] == first.run_id and record["ended"]
    assert (record["dataset"], record["version"]) == (divisions.DATASET, divisions.VERSION)
    assert record["created"] == first.total("nodes", "created") > 0
    keys = run_cypher(
        neo4j,
        "MATCH (n:Division) UNWIND keys(n) AS k RETURN DISTINCT k "
        "UNION MATCH ()-[r:LOCATED_IN]->() UNWIND keys(r) AS k RETURN DISTINCT k",
    ).rows
    assert {r["k"] for r in keys if r["k"].startswith("kg_")} == {"kg_dataset", "kg_hash"}


def test_an_unchanged_reload_parses_nothing_and_writes_only_its_record(
    neo4j: Graph, tmp_path: Path
) -> None:
    source = Parses(fake_tarball(tmp_path / "d.tgz"))
    first = _sync(neo4j, source)
    before = graph_state(neo4j)
    source.parsed = 0
    again = _sync(neo4j, source)
    assert source.parsed == 0 and again.chunks_skipped == source.chunks > 1
    assert again.total("nodes", "unchanged") == first.total("nodes", "created")
    assert again.total("relationships", "unchanged") == first.total("relationships", "created")
    assert again.total("nodes", "created") == again.total("nodes", "updated") == 0
    assert graph_state(neo4j) == before
    assert [r["ended"] for r in _records(neo4j)] == [True, True]


@pytest.mark.parametrize("groups", [True, False], ids=["groups", "whole-chunks"])
def test_a_changed_chunk_is_the_only_one_compared_and_the_sweep_still_prunes(
    neo4j: Graph, tmp_path: Path, groups: bool
) -> None:
    tarball = fake_tarball(tmp_path / "d.tgz")
    _sync(neo4j, Parses(tarball))
    renamed = _edited(
        tarball,
        tmp_path / "e.tgz",
        "villages.csv",
        {
            '310116001001,"村1",310116001,31,3101,310116': (
                '310116001001,"新村1",310116001,31,3101,310116'
            ),
            '310116001002,"村2",310116001,31,3101,310116': None,
        },
    )
    source = Parses(renamed, groups=groups)
    changed = _sync(neo4j, source, prune=True)
    assert changed.total("nodes", "updated") == 1 and changed.total("nodes", "deleted") == 1
    assert 0 < changed.chunks_skipped < source.chunks
    assert source.parsed == source.chunks  # the skipped chunks still give their ids
    # the removed line shifts every later line of villages.csv, so every group of its chunks
    # changed: the 59 villages left are built; without groups, the 12 rows of the unchanged
    # chunks are built too, for their ids (with groups they are only counted)
    assert source.built == (59 if groups else 71)
    state = graph_state(neo4j)
    clear_database(neo4j, drop_schema=False)
    _sync(neo4j, Parses(renamed))
    assert graph_state(neo4j) == state  # as a first load of the edited source


def test_a_changed_line_rewrites_only_its_group_of_lines(neo4j: Graph, tmp_path: Path) -> None:
    tarball = fake_tarball(tmp_path / "d.tgz")
    first = _sync(neo4j, Parses(tarball))
    unchanged = Parses(tarball)  # the digests go on from record to record
    assert _sync(neo4j, unchanged).chunks_skipped == unchanged.chunks
    line = '310116002003,"村3",310116002,31,3101,310116'  # the 13th village: a group of two
    renamed = _edited(
        tarball, tmp_path / "e.tgz", "villages.csv", {line: line.replace("村3", "新村3")}
    )
    source = Parses(renamed)
    changed = _sync(neo4j, source, prune=True)
    assert changed.total("nodes", "updated") == 1 == changed.total("relationships", "updated")
    assert changed.total("nodes", "unchanged") == first.total("nodes", "created") - 1
    assert changed.total("relationships", "unchanged") == (
        first.total("relationships", "created") - 1
    )
    assert changed.chunks_skipped == source.chunks - 1
    assert source.built == 2  # the changed line's group, built; every other row only counted
    state = graph_state(neo4j)
    clear_database(neo4j, drop_schema=False)
    _sync(neo4j, Parses(renamed))
    assert graph_state(neo4j) == state  # as a first load of the edited source
    source = Parses(renamed)
    assert _sync(neo4j, source).chunks_skipped == source.chunks and source.built == 0


def test_groups_number_the_lines_before_a_selection(neo4j: Graph, tmp_path: Path) -> None:
    """With --within, lines outside the selection still count in a group's numbering: the
    group a changed line is in is the one built."""
    tarball = fake_tarball(tmp_path / "d.tgz")
    within = ["310116002"]  # the second town's villages, and the places above it
    _sync(neo4j, Parses(tarball, within=within))
    line = '310116002004,"村4",310116002,31,3101,310116'
    renamed = _edited(
        tarball, tmp_path / "e.tgz", "villages.csv", {line: line.replace("村4", "新村4")}
    )
    source = Parses(renamed, within=within)
    changed = _sync(neo4j, source, prune=True)
    assert changed.total("nodes", "updated") == 1 and source.built == 2
    state = graph_state(neo4j)
    clear_database(neo4j, drop_schema=False)
    _sync(neo4j, Parses(renamed, within=within))
    assert graph_state(neo4j) == state


def test_a_prune_after_a_load_that_kept_a_stale_relationship_deletes_it(
    neo4j: Graph, tmp_path: Path
) -> None:
    """A relationship the data no longer has may start at a node it still has: the final sweep
    does not see it, so a reload after a load that kept one compares every row."""
    tarball = fake_tarball(tmp_path / "d.tgz")
    _sync(neo4j, Parses(tarball))
    line = '310116002003,"村3",310116002,31,3101,310116'  # moved to the first town
    moved = _edited(
        tarball,
        tmp_path / "e.tgz",
        "villages.csv",
        {line: line.replace(",310116002,", ",310116001,")},
    )
    kept = _sync(neo4j, Parses(moved))
    assert kept.total("relationships", "stale") == 1
    again = _sync(neo4j, Parses(moved))  # still said, by a reload that compares every row
    assert again.total("relationships", "stale") == 1 and again.chunks_skipped == 0
    pruned = _sync(neo4j, Parses(moved), prune=True)
    assert pruned.total("relationships", "deleted") == 1
    state = graph_state(neo4j)
    clear_database(neo4j, drop_schema=False)
    _sync(neo4j, Parses(moved))
    assert graph_state(neo4j) == state
    source = Parses(moved)
    assert _sync(neo4j, source).chunks_skipped == source.chunks  # nothing stale: skipped again


def test_only_the_newest_complete_record_keeps_the_group_digests(
    neo4j: Graph, tmp_path: Path
) -> None:
    source = Parses(fake_tarball(tmp_path / "d.tgz"))
    _sync(neo4j, source)
    _sync(neo4j, source)
    kept = "MATCH (l:KgLoad) RETURN l.chunk_groups IS NOT NULL AS kept ORDER BY l.started"
    assert [r["kept"] for r in run_cypher(neo4j, kept).rows] == [False, True]


EDITS = {
    "too-few": "SET l.chunk_groups = ['x']",
    "not-strings": "SET l.chunk_groups = [k IN l.chunk_keys | 1]",
    "one-chunk-short": "SET l.chunk_groups = [g IN l.chunk_groups | split(g, ',')[0]]",
}


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_group_digests_edited_by_hand_make_the_changed_chunk_compare_every_row(
    neo4j: Graph, tmp_path: Path, edit: str
) -> None:
    tarball = fake_tarball(tmp_path / "d.tgz")
    _sync(neo4j, Parses(tarball))
    run_cypher(neo4j, f"MATCH (l:KgLoad) {edit}", write=True)
    line = '310116002003,"村3",310116002,31,3101,310116'
    renamed = _edited(
        tarball, tmp_path / "e.tgz", "villages.csv", {line: line.replace("村3", "新")}
    )
    source = Parses(renamed)
    changed = _sync(neo4j, source)
    assert changed.total("nodes", "updated") == 1 and source.built == 5  # the whole chunk


def test_a_load_stopped_half_way_makes_the_next_compare_every_row(
    neo4j: Graph, tmp_path: Path
) -> None:
    source = Parses(fake_tarball(tmp_path / "d.tgz"))
    first = _sync(neo4j, source)
    run_cypher(  # what a killed load leaves: a record with no end, after the complete one
        neo4j,
        "CREATE (:KgLoad {run: 'killed', dataset: $dataset, started: datetime()})",
        {"dataset": divisions.DATASET},
        write=True,
    )
    source.parsed = 0
    again = _sync(neo4j, source)
    assert again.chunks_skipped == 0 and source.parsed == source.chunks
    assert again.total("nodes", "unchanged") == first.total("nodes", "created")
    source.parsed = 0
    assert _sync(neo4j, source).chunks_skipped == source.chunks  # a complete load came since


def test_a_database_stamped_row_by_row_is_migrated_once(
    neo4j: Graph, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = Parses(fake_tarball(tmp_path / "d.tgz"))
    _sync(neo4j, source)
    clean = graph_state(neo4j)
    run_cypher(  # what the loader before the record wrote: the run on every row, no record
        neo4j,
        "MATCH (n) WHERE n.kg_dataset = $d SET n.kg_run = 'old', n.kg_version = '2.7.0' "
        "WITH count(*) AS ignored MATCH ()-[r]->() WHERE r.kg_dataset = $d "
        "SET r.kg_run = 'old', r.kg_version = '2.7.0' "
        "WITH count(*) AS ignored MATCH (l:KgLoad) DELETE l",
        {"d": divisions.DATASET},
        write=True,
    )
    with caplog.at_level(logging.WARNING):
        migrated = _sync(neo4j, source)
    assert migrated.migrated and "moves the stamps to a load record" in caplog.text
    assert [r["n"] for r in run_cypher(neo4j, STAMPED).rows] == [0, 0]
    assert graph_state(neo4j) == clean
    again = _sync(neo4j, source)
    assert not again.migrated and again.chunks_skipped == source.chunks


def test_a_foreign_node_under_the_id_prefix_stops_the_load_only_if_wanted(
    neo4j: Graph, tmp_path: Path
) -> None:
    source = Parses(fake_tarball(tmp_path / "d.tgz"))
    run_cypher(neo4j, "CREATE (:Entity:County {id: 'cn-99', name: '别处'})", write=True)
    _sync(neo4j, source)  # not one of the divisions' ids: left alone
    clear_database(neo4j, drop_schema=False)
    run_cypher(neo4j, "CREATE (:Entity:County {id: 'cn-31', name: '别人的'})", write=True)
    before = graph_state(neo4j)
    with pytest.raises(DataConflict, match=r"'cn-31' already belongs.*nothing was changed"):
        _sync(neo4j, source)
    assert graph_state(neo4j) == before


def test_an_id_outside_the_promised_prefix_stops_the_load(neo4j: Graph) -> None:
    chunk = Dataset(divisions.DATASET, divisions.VERSION)
    chunk.entities["x-1"] = Entity("x-1", "Division", {"id": "x-1", "name": "x"}, Location("t", 0))
    with pytest.raises(DataConflict, match="does not start with 'cn-'"):
        sync(
            neo4j,
            lambda: in_memory([chunk]),
            name=divisions.DATASET,
            version=divisions.VERSION,
            schema=schema(),
            label_of=lambda _id: "Division",
            options=SyncOptions(),
            id_prefix=divisions.ID_PREFIX,
        )


def test_a_prune_after_a_load_that_kept_stale_rows_sweeps_even_if_nothing_changed(
    neo4j: Graph, tmp_path: Path
) -> None:
    tarball = fake_tarball(tmp_path / "d.tgz")
    _sync(neo4j, Parses(tarball))
    fewer = _edited(
        tarball,
        tmp_path / "e.tgz",
        "villages.csv",
        {'310116001002,"村2",310116001,31,3101,310116': None},
    )
    kept = _sync(neo4j, Parses(fewer))  # no prune: the village stays, counted stale
    assert kept.total("nodes", "stale") == 1
    source = Parses(fewer)
    unchanged = _sync(neo4j, source)
    assert unchanged.chunks_skipped == source.chunks and source.parsed == 0
    assert unchanged.total("nodes", "stale") == 1  # still there, still said
    pruned = _sync(neo4j, source, prune=True)
    assert pruned.total("nodes", "deleted") == 1 and pruned.total("nodes", "stale") == 0
    gone = "MATCH (d:Division {code: '310116001002'}) RETURN count(d) AS n"
    assert run_cypher(neo4j, gone).rows == [{"n": 0}]
