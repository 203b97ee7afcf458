"""`kg validate` guarantees the load (issue 15, item 4): whatever it accepts follows the rules a
value must follow to reach Neo4j and to name an entity, and loads and reads back equal.

Random entities and a random relation (text with any code point, surrogates and controls
included; integers far beyond 64 bits; floats with infinities and NaN) are written as YAML,
then validated: validation never crashes, and never accepts a value that breaks a rule. The
round trip through a real server is the second test.
"""

from __future__ import annotations

import math
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.problems import Problem
from loader.model.schema import Schema, load_schema
from loader.model.text_rules import INVISIBLE_CATEGORIES, fold
from loader.model.validation import Report, validate
from loader.neo4j.graph import Graph
from loader.neo4j.read import read_dataset

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema(ROOT / "schema" / "schema.yaml")
SENTENCE = "甲路连接乙路。"
HOSTILE_CHARACTERS = [
    "\ud800", "\udfff", "\x00", "\x07", "\x85", "\u200b", "\u200d", "\ufeff", "\u202e",
    "\u2067", "\u2028", "\uf900", "\u2f2d", "\uff21", "\uff11", "e\u0301", "A\u030a",
    "金", "山", " ",
]  # fmt: skip

characters = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
hostile_texts = st.lists(
    st.one_of(characters, st.sampled_from(HOSTILE_CHARACTERS)), min_size=1, max_size=8
).map("".join)
# Letters, digits and spaces of any script: mostly fit names, some not (not NFC, folding equal).
plain_texts = st.text(st.characters(categories=("Lo", "Lu", "Ll", "Nd", "Zs")), min_size=1)
texts = st.one_of(plain_texts, plain_texts, plain_texts, plain_texts, hostile_texts)
integers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**30]),
)
numbers = st.one_of(st.floats(), integers, st.sampled_from(["1e400", "-1e309", "1e-400"]))
# What a server must take: the edges of the ranges, any script, astral planes, marks in NFC.
fit_texts = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1)
fit_integers = st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from([-(2**63), 2**63 - 1]))
fit_numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False), fit_integers)


Generated = tuple[list[dict[str, Any]], dict[str, Any]]


@st.composite
def datasets(
    draw: st.DrawFn,
    text: st.SearchStrategy[str] = texts,
    number: st.SearchStrategy[Any] = numbers,
    integer: st.SearchStrategy[int] = integers,
) -> Generated:
    """Two roads and the relation between them, with values drawn from the strategies."""
    roads: list[dict[str, Any]] = []
    for index in range(2):
        road: dict[str, Any] = {"type": "Road", "id": f"road-{index}", "name": draw(text)}
        optional = {
            "aliases": st.lists(text, min_size=1, max_size=3),
            "name_en": text,
            "description": text,
            "length_km": number,
        }
        for key, values in optional.items():
            if draw(st.booleans()):
                road[key] = draw(values)
        roads.append(road)
    fact: dict[str, Any] = {"from": "road-0", "type": "CONNECTS_TO", "to": "road-1"}
    if draw(st.booleans()):
        fact["minutes"] = draw(integer)
    if draw(st.booleans()):
        fact["note"] = draw(text)
    return roads, fact


def write_data(folder: Path, roads: list[dict[str, Any]], fact: dict[str, Any]) -> None:
    """A data folder of its own: one source, the two roads, the one fact, and the roads' numbers
    as claims under the sentence. ASCII YAML, so that any code point (a lone surrogate too) is
    written as an escape."""
    for sub in ("sources", "entities", "facts"):
        (folder / sub).mkdir(parents=True, exist_ok=True)

    def dump(path: Path, value: Any) -> None:
        path.write_text(yaml.safe_dump(value, allow_unicode=False), "ascii")

    dump(folder / "dataset.yaml", {"name": "guarantee", "version": "1"})
    dump(folder / "sources" / "s.yaml", {"id": "s", "title": "来源", "text": "s.txt"})
    (folder / "sources" / "s.txt").write_text(SENTENCE + "\n", "utf-8")
    # A number is stated under its sentence (a claim), never in the entity's record.
    roads = [dict(road) for road in roads]
    values = [
        {"entity": road["id"], "property": key, "value": road.pop(key)}
        for road in roads
        for key in [k for k in road if SCHEMA.node_properties("Road").get(k, None) is not None]
        if SCHEMA.node_properties("Road")[key].cited
    ]
    dump(folder / "entities" / "roads.yaml", roads)
    statement = {"sentence": SENTENCE, "facts": [fact], **({"values": values} if values else {})}
    dump(folder / "facts" / "s.yaml", {"source": "s", "statements": [statement]})


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def assert_follows_the_rules(report: Report, schema: Schema) -> None:
    """Every accepted value is one Neo4j stores as it is, and every name is a fit name."""
    assert report.dataset is not None
    names: dict[str, str] = {}
    for entity in report.dataset.entities.values():
        for key, value in entity.properties.items():
            for text in _strings(value):
                assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), (key, text)
            if key in ("id", "name", "name_en", "aliases"):
                for text in _strings(value):
                    assert unicodedata.is_normalized("NFC", text), (key, text)
                    assert not any(unicodedata.category(c) in INVISIBLE_CATEGORIES for c in text)
            if isinstance(value, float):
                assert math.isfinite(value), (key, value)
        if entity.label not in schema.unnamed():
            for name in dict.fromkeys([entity.name, *entity.properties.get("aliases", [])]):
                assert names.setdefault(fold(name), entity.id) == entity.id, name
    for relation in report.dataset.relations:
        for key, value in relation.properties.items():
            for text in _strings(value):
                assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), (key, text)
            if isinstance(value, int) and not isinstance(value, bool):
                assert -(2**63) <= value < 2**63, (key, value)
            if isinstance(value, float):
                assert math.isfinite(value), (key, value)


def _clean(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem.line, int) and problem.line >= 0
        assert problem.message and "\n" not in problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_validate_never_crashes_and_accepts_only_what_follows_the_rules(
    generated: Generated,
) -> None:
    roads, fact = generated
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        write_data(data, roads, fact)
        report = validate(data, SCHEMA)
    _clean(report.problems)
    if report.ok:
        assert_follows_the_rules(report, SCHEMA)


def test_plain_values_are_accepted(tmp_path: Path) -> None:
    roads: list[dict[str, Any]] = [
        {"type": "Road", "id": "road-0", "name": "甲路", "aliases": ["甲 路"], "length_km": 2.5},
        {"type": "Road", "id": "road-1", "name": "乙路", "name_en": "Yi Road"},
    ]
    fact: dict[str, Any] = {"from": "road-0", "type": "CONNECTS_TO", "to": "road-1"}
    fact["minutes"] = 2**63 - 1
    write_data(tmp_path / "data", roads, fact)
    report = validate(tmp_path / "data", SCHEMA)
    assert report.problems == []
    assert_follows_the_rules(report, SCHEMA)


@pytest.mark.neo4j
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=datasets(fit_texts, fit_numbers, fit_integers))
def test_whatever_validate_accepts_loads_and_reads_back_equal(
    runner: CliRunner,
    neo4j_env: Graph,
    tmp_path_factory: pytest.TempPathFactory,
    generated: Generated,
) -> None:
    roads, fact = generated
    data = tmp_path_factory.mktemp("guarantee") / "data"
    write_data(data, roads, fact)
    report = validate(data, SCHEMA)
    if not report.ok or report.dataset is None:
        return
    loaded = runner.invoke(app, ["load", str(data), "--wipe", "--yes"])
    assert loaded.exit_code == 0, loaded.output
    back = read_dataset(neo4j_env, SCHEMA)
    assert {k: (e.label, e.properties) for k, e in back.entities.items()} == {
        k: (e.label, e.properties) for k, e in report.dataset.entities.items()
    }

    def relations(dataset: Any) -> list[Any]:
        return sorted(((r.key, r.properties) for r in dataset.relations), key=lambda x: x[0])

    assert relations(back) == relations(report.dataset)
