"""Writing an extraction into Neo4j as a lexical graph, idempotently.

(:Document)-[:HAS_SENTENCE]->(:Sentence {index, text, start, end})-[:MENTIONS {start, end,
surface}]->(entity). MERGE on stable keys (`<document>#<index>`, and start offsets), so writing
the same document twice changes nothing; what a new extraction no longer finds is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from loader.model.schema import Schema
from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph, run_in
from loader.text.extract import Extraction

if TYPE_CHECKING:
    from neo4j import ManagedTransaction


@dataclass(frozen=True)
class LexicalResult:
    document: str
    sentences: int
    mentions: int
    nodes_created: int
    relationships_created: int
    relationships_deleted: int


def sentence_id(document: str, index: int) -> str:
    return f"{document}#{index}"


def write_lexical(graph: Graph, extraction: Extraction, schema: Schema) -> LexicalResult:
    base = schema.base_label
    sentence = schema.lexical["sentence_label"]
    document = schema.label_for("document")
    doc = extraction.document
    sentences = [
        {
            "id": sentence_id(doc, s.sentence.index),
            "index": s.sentence.index,
            "text": s.sentence.text,
            "start": s.sentence.start,
            "end": s.sentence.end,
        }
        for s in extraction.sentences
    ]
    mentions = [
        {
            "sentence": sentence_id(doc, m.sentence),
            "entity": m.entity_id,
            "start": m.start,
            "end": m.end,
            "surface": m.surface,
        }
        for m in extraction.mentions
    ]
    keys = [f"{m['sentence']}|{m['start']}|{m['entity']}" for m in mentions]
    steps = (
        (q.merge_document(base, document), {"name": doc}),
        (
            q.merge_sentences(base, document, sentence, schema.lexical["has_sentence"]),
            {"rows": sentences},
        ),
        (q.merge_mentions(base, sentence, schema.lexical["mentions"]), {"rows": mentions}),
        (
            q.drop_stale_lexical(sentence, schema.lexical["mentions"]),
            {"sentence_ids": [s["id"] for s in sentences], "mention_keys": keys},
        ),
    )

    def work(tx: ManagedTransaction) -> tuple[int, int, int]:
        counts = [0, 0, 0]
        for query, params in steps:
            counters = run_in(tx, query, {"document": doc, **params}).counters
            counts[0] += counters.nodes_created
            counts[1] += counters.relationships_created
            counts[2] += counters.relationships_deleted
        return counts[0], counts[1], counts[2]

    created, rels, deleted = graph.write(work)
    return LexicalResult(
        document=doc,
        sentences=len(sentences),
        mentions=len(mentions),
        nodes_created=created,
        relationships_created=rels,
        relationships_deleted=deleted,
    )


def unlink_dropped(
    graph: Graph, schema: Schema, dataset: str, ids: list[str], sources: list[str]
) -> int:
    """Unlink the lexical graph from what the dataset's next sync drops (entities no longer in
    `ids`, documents no longer in `sources`), so the sync deletes them instead of keeping them
    as linked by another tool; returns how many sentences and mentions were removed."""
    query = q.unlink_dropped_lexical(
        schema.base_label,
        schema.lexical["sentence_label"],
        schema.lexical["mentions"],
        schema.lexical["has_sentence"],
    )

    def work(tx: ManagedTransaction) -> int:
        counters = run_in(tx, query, {"dataset": dataset, "ids": ids, "sources": sources}).counters
        return int(counters.nodes_deleted + counters.relationships_deleted)

    return int(graph.write(work))
