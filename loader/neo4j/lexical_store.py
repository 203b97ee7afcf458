"""Writing an extraction into Neo4j as a lexical graph, idempotently.

(:Document)-[:HAS_SENTENCE]->(:Sentence {index, text, start, end})-[:MENTIONS {start, end,
surface}]->(entity). MERGE on stable keys (`<document>#<index>`, and start offsets), so writing
the same document twice changes nothing; what a new extraction no longer finds is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from loader.model.schema import Schema
from loader.neo4j import cypher_text as q
from loader.neo4j.driver import open_driver
from loader.neo4j.target import Target
from loader.text.extract import Extraction


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


def write_lexical(extraction: Extraction, schema: Schema, settings: Target) -> LexicalResult:
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
    created = rels = deleted = 0
    with open_driver(settings) as driver, driver.session(database=settings.database) as session:

        def work(tx: object) -> tuple[int, int, int]:
            counts = [0, 0, 0]
            for query, params in (
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
            ):
                summary = tx.run(query, {"document": doc, **params}).consume()  # type: ignore[attr-defined]
                counters = summary.counters
                counts[0] += counters.nodes_created
                counts[1] += counters.relationships_created
                counts[2] += counters.relationships_deleted
            return counts[0], counts[1], counts[2]

        created, rels, deleted = session.execute_write(work)
    return LexicalResult(doc, len(sentences), len(mentions), created, rels, deleted)
