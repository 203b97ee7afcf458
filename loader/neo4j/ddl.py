"""Neo4j DDL derived from the schema: key constraints, name indexes, the CJK full-text index.

Every statement is idempotent (`IF NOT EXISTS`), so applying it again changes nothing. Labels come
only from the validated schema, where they are checked to be plain identifiers, and are quoted.
"""

from __future__ import annotations

from loader.model.schema import Schema

FULLTEXT_INDEX = "entity_names"
FULLTEXT_ANALYZER = "cjk"


def quoted(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def schema_statements(schema: Schema) -> list[str]:
    """Everything: the key constraints, then the secondary indexes."""
    return key_statements(schema) + index_statements(schema)


def key_statements(schema: Schema) -> list[str]:
    """The uniqueness constraints on the key: a load finds its nodes through them."""
    key = quoted(schema.key)
    statements = [
        f"CREATE CONSTRAINT {quoted(label.lower() + '_key')} IF NOT EXISTS "
        f"FOR (n:{quoted(label)}) REQUIRE n.{key} IS UNIQUE"
        for label in [schema.base_label, *sorted(schema.labels)]
    ]
    sentence = schema.lexical.get("sentence_label")
    if sentence:
        statements.append(
            f"CREATE CONSTRAINT {quoted(sentence.lower() + '_key')} IF NOT EXISTS "
            f"FOR (n:{quoted(sentence)}) REQUIRE n.{key} IS UNIQUE"
        )
    return statements


def index_statements(schema: Schema) -> list[str]:
    """The name, property and full-text indexes: only queries use them, so a first load
    creates them after its rows (one population instead of maintenance on every write)."""
    statements: list[str] = []
    for label in [schema.base_label, *sorted(schema.labels)]:
        tag = label.lower()
        statements.append(
            f"CREATE INDEX {quoted(tag + '_name')} IF NOT EXISTS "
            f"FOR (n:{quoted(label)}) ON (n.`name`)"
        )
    for label, spec in sorted(schema.labels.items()):
        for prop in spec.indexed:
            statements.append(
                f"CREATE INDEX {quoted(label.lower() + '_' + prop)} IF NOT EXISTS "
                f"FOR (n:{quoted(label)}) ON (n.{quoted(prop)})"
            )
    statements.append(
        f"CREATE FULLTEXT INDEX {quoted(FULLTEXT_INDEX)} IF NOT EXISTS "
        f"FOR (n:{quoted(schema.base_label)}) ON EACH [n.`name`, n.`name_en`, n.`aliases`] "
        f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{FULLTEXT_ANALYZER}'}}}}"
    )
    return statements
