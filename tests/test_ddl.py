"""The DDL derived from the schema, applied to the real server: idempotent, and the CJK
full-text index finds an entity by a spun, partial or English name."""

from __future__ import annotations

import pytest

from loader.model.schema import load_schema
from loader.neo4j.cypher import run_cypher
from loader.neo4j.ddl import FULLTEXT_INDEX, schema_statements
from loader.neo4j.graph import Graph
from tests.project import SCHEMA_FILE

pytestmark = pytest.mark.neo4j


def test_ddl_is_derived_from_every_label() -> None:
    schema = load_schema(SCHEMA_FILE)
    statements = schema_statements(schema)
    for label in [schema.base_label, *schema.labels]:
        assert any(f"FOR (n:`{label}`) REQUIRE n.`id` IS UNIQUE" in s for s in statements)
        assert any(f"FOR (n:`{label}`) ON (n.`name`)" in s for s in statements)
    assert sum("FULLTEXT" in s for s in statements) == 1


def test_ddl_applies_twice_and_the_cjk_index_finds_aliases(neo4j: Graph) -> None:
    schema = load_schema(SCHEMA_FILE)
    for _ in range(2):
        for statement in schema_statements(schema):
            run_cypher(neo4j, statement, write=True)
    constraints = run_cypher(neo4j, "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n").rows
    assert constraints == [{"n": len(schema.labels) + 2}]  # + the base label and Sentence
    [index] = run_cypher(
        neo4j,
        "SHOW FULLTEXT INDEXES YIELD name, properties, options "
        "RETURN name, properties, options.indexConfig['fulltext.analyzer'] AS analyzer",
    ).rows
    assert index == {
        "name": FULLTEXT_INDEX,
        "properties": ["name", "name_en", "aliases"],
        "analyzer": "cjk",
    }
    run_cypher(
        neo4j,
        "CREATE (:Entity:Pillar {id: 'carbon-valley-green-bay', name: '上海碳谷绿湾产业园', "
        "name_en: 'Shanghai Carbon Valley Green Bay Industrial Park', "
        "aliases: ['上海碳谷绿湾财产园', '碳谷绿湾']})",
        write=True,
    )
    run_cypher(neo4j, "CALL db.awaitIndexes(60)")
    for query in ("财产园", "碳谷", "Carbon Valley"):
        rows = run_cypher(
            neo4j,
            "CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.id AS id",
            {"index": FULLTEXT_INDEX, "q": query},
        ).rows
        assert rows == [{"id": "carbon-valley-green-bay"}], query
    with pytest.raises(Exception, match="already exists"):
        run_cypher(
            neo4j, "CREATE (:Entity:Park {id: 'carbon-valley-green-bay', name: 'x'})", write=True
        )
