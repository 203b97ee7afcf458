"""The main job's lexical graph and the sync: an entity or source removed from the data is
deleted by the next `kg run`, not kept as "stale" because a sentence mentions it."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.model.dataset import Dataset
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.lexical_store import unlink_dropped, write_lexical
from loader.neo4j.store import SyncOptions, load
from loader.text.extract import source_extractions
from tests.project import SCHEMA_FILE

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "jinshan-layout-2020-12"


def _run(graph: Graph, dataset: Dataset) -> tuple[int, int]:
    """What the main job does with the graph: unlink, sync with prune, rewrite the lexical
    graph of every source. Returns (removed by the unlinking, stale after the sync)."""
    schema = load_schema(SCHEMA_FILE)
    sources = sorted(dataset.sources)
    removed = unlink_dropped(graph, schema, dataset.name, sorted(dataset.entities), sources)
    result = load(graph, dataset, schema, SyncOptions(prune=True))
    for extraction in source_extractions(dataset, schema):
        write_lexical(graph, extraction, schema)
    return removed, result.total("nodes", "stale")


def _without(dataset: Dataset, entity_id: str) -> Dataset:
    dataset.entities.pop(entity_id)
    dataset.relations = [r for r in dataset.relations if entity_id not in (r.start, r.end)]
    return dataset


def _without_source(dataset: Dataset, source: str) -> Dataset:
    """The data as if `source` had never been cited: its document, what only it states (its
    relations and claims) and its mentions in the others' lists gone."""
    dataset.sources.pop(source)
    _without(dataset, source)
    dataset.relations = [r for r in dataset.relations if r.properties["source"] != source]
    for relation in dataset.relations:
        also = relation.properties.get("corroborated_by")
        if also and source in also:
            relation.properties["corroborated_by"] = [s for s in also if s != source]
    for entity in list(dataset.entities.values()):
        cites = entity.properties.get("sources")
        if cites and source in cites:
            if cites == [source] and entity.label == "Claim":
                _without(dataset, entity.id)
            else:
                entity.properties["sources"] = [s for s in cites if s != source]
    return dataset


def _count(graph: Graph, query: str, **params: object) -> int:
    return int(run_cypher(graph, query, params).rows[0]["n"])


def test_a_removed_entity_is_deleted_though_a_sentence_mentioned_it(neo4j: Graph) -> None:
    schema = load_schema(SCHEMA_FILE)
    _run(neo4j, load_dataset(ROOT / "data", schema))
    mentioned = "MATCH (:Sentence)-[:MENTIONS]->(e {id: $id}) RETURN count(*) AS n"
    assert _count(neo4j, mentioned, id="g320") > 0
    assert _count(neo4j, "MATCH (s:Sentence) RETURN count(s) AS n") > 100
    removed, stale = _run(neo4j, _without(load_dataset(ROOT / "data", schema), "g320"))
    assert removed > 0 and stale == 0
    assert _count(neo4j, "MATCH (e {id: 'g320'}) RETURN count(e) AS n") == 0
    article = "MATCH (:Document {id: $id})-[:HAS_SENTENCE]->(s) RETURN count(s) AS n"
    assert _count(neo4j, article, id=ARTICLE) > 20  # the rest of the lexical graph stays


def test_a_removed_source_takes_its_sentences_and_document_with_it(neo4j: Graph) -> None:
    schema = load_schema(SCHEMA_FILE)
    _run(neo4j, load_dataset(ROOT / "data", schema))
    spare = "52617-2023-12-28-nanfeng-line-start"
    assert _count(neo4j, "MATCH (s:Sentence {document: $d}) RETURN count(s) AS n", d=spare) > 0
    _removed, stale = _run(neo4j, _without_source(load_dataset(ROOT / "data", schema), spare))
    assert stale == 0
    assert _count(neo4j, "MATCH (s:Sentence {document: $d}) RETURN count(s) AS n", d=spare) == 0
    assert _count(neo4j, "MATCH (d {id: $d}) RETURN count(d) AS n", d=spare) == 0
