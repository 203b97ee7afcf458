"""The readers never crash: any bytes, any YAML, any CSV give data or clean problems."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader.model.problems import CODES, Problem
from loader.model.readers import parse_csv, parse_yaml, read_csv, read_yaml
from loader.model.schema import load_schema
from loader.model.validation import validate
from tests.project import SCHEMA_FILE

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _clean(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem.line, int) and problem.line >= 0
        assert problem.message and "\n" not in problem.message.strip("\n")
        assert problem.code in CODES


@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(data)
        for reader in (read_yaml, read_csv):
            _clean(reader(path, "input").problems)


@given(st.text(max_size=400))
def test_random_text_as_yaml_never_crashes(text: str) -> None:
    _clean(parse_yaml(text, "input.yaml").problems)


@given(st.text(max_size=400))
def test_random_text_as_csv_never_crashes(text: str) -> None:
    _clean(parse_csv(text, "input.csv").problems)


def test_an_alias_and_a_syntax_error_have_codes_of_their_own() -> None:
    alias = parse_yaml("a: &x 1\nb: *x\n", "f.yaml").problems
    assert [(p.line, p.code) for p in alias] == [(2, "yaml-alias")]
    broken = parse_yaml("a: [1\n", "f.yaml").problems
    assert [p.code for p in broken] == ["yaml-syntax"]


@given(yaml_values)
def test_random_yaml_documents_read_like_pyyaml(value: object) -> None:
    """Our reader (with line numbers) reads any valid document as PyYAML's SafeLoader does."""
    text = yaml.safe_dump(value, allow_unicode=True)
    result = parse_yaml(text, "input.yaml")
    assert result.problems == []
    assert result.data == yaml.safe_load(text)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(yaml_values)
def test_random_entity_files_give_problems_not_crashes(tmp_path: Path, value: object) -> None:
    data = tmp_path / "data"
    (data / "entities").mkdir(parents=True, exist_ok=True)
    (data / "sources").mkdir(exist_ok=True)
    (data / "dataset.yaml").write_text("name: t\nversion: '1'\n", "utf-8")
    (data / "entities" / "random.yaml").write_text(yaml.safe_dump(value, allow_unicode=True))
    report = validate(data, load_schema(SCHEMA_FILE))
    _clean(report.problems)
