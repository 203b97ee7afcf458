"""`kg validate`: the real data is clean; each broken file gives its message at its line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.schema import load_schema
from loader.model.validation import load_dataset, validate
from tests.project import DATA, SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus" / "broken"
# A case is a data overlay (`overlay/`, copied over the real data) or a schema (`schema.yaml`).
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "overlay").is_dir())
SCHEMA_CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "schema.yaml").is_file())


def test_the_corpus_covers_at_least_sixty_error_classes() -> None:
    assert len(CASES) >= 50 and len(SCHEMA_CASES) >= 10
    assert len(CASES) + len(SCHEMA_CASES) == len([p for p in CORPUS.iterdir() if p.is_dir()])


def test_real_data_is_clean_and_large_enough() -> None:
    report = validate(DATA, load_schema(SCHEMA_FILE))
    assert report.problems == []
    assert report.dataset is not None
    entities = [e for e in report.dataset.entities.values() if e.label != "Document"]
    assert len(entities) > 100
    assert len(report.dataset.relations) > 150


def test_every_relation_cites_a_sentence_of_its_source() -> None:
    dataset = load_dataset(DATA, load_schema(SCHEMA_FILE))
    for relation in dataset.relations:
        source = dataset.sources[relation.properties["source"]]
        assert relation.properties["sentence"] in source.text


def test_canonical_names_are_real_and_spun_forms_are_aliases() -> None:
    entities = load_dataset(DATA, load_schema(SCHEMA_FILE)).entities
    park = entities["carbon-valley-green-bay"].properties
    assert park["name"] == "上海碳谷绿湾产业园"
    assert "上海碳谷绿湾财产园" in park["aliases"]
    centre = entities["alicloud-east-china-computing-centre"].properties
    assert centre["name"] == "阿里云华东智能算力中心"
    assert "阿里云华东笨能算力核心" in centre["aliases"]
    assert entities["zhufeng-road"].properties["aliases"] == ["墨枫公路"]
    assert entities["yexin-road"].properties["length_km"] == 2.24


@pytest.mark.parametrize("case", CASES)
def test_broken_file_is_reported_at_its_line(case: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(CORPUS / case / "overlay", data, dirs_exist_ok=True)
    expected = (CORPUS / case / "expected.txt").read_text("utf-8").splitlines()
    found = [
        str(p).replace(str(data) + "/", "", 1)
        for p in validate(data, load_schema(SCHEMA_FILE)).problems
    ]
    assert len(found) == len(expected), found
    for line in expected:
        assert any(f.startswith(line) for f in found), (line, found)


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_broken_schema_is_reported_at_its_line(case: str) -> None:
    schema = CORPUS / case / "schema.yaml"
    result = CliRunner().invoke(app, ["validate", str(DATA), "--schema", str(schema)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    found = [line.replace(str(CORPUS / case) + "/", "", 1) for line in result.stdout.splitlines()]
    assert found == (CORPUS / case / "expected.txt").read_text("utf-8").splitlines()


@pytest.mark.parametrize(
    "case",
    [
        "34-facts-file-top-level-list",
        "37-integer-of-5000-digits-csv",
        "57-entity-type-not-a-string",
    ],
)
def test_cases_that_once_crashed_exit_2_through_the_cli(case: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(CORPUS / case / "overlay", data, dirs_exist_ok=True)
    result = CliRunner().invoke(app, ["validate", str(data)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    expected = (CORPUS / case / "expected.txt").read_text("utf-8").strip()
    assert result.stdout.splitlines() == [f"{data}/{expected}"]


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(app, ["validate", str(DATA), "--format", "json"])
    assert clean.exit_code == 0
    summary = json.loads(clean.stdout)
    assert summary["ok"] and summary["relations"] > 150
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(CORPUS / "04-unknown-label" / "overlay", data, dirs_exist_ok=True)
    shutil.copytree(CORPUS / "11-dangling-endpoint" / "overlay", data, dirs_exist_ok=True)
    broken = runner.invoke(app, ["validate", str(data)])
    assert broken.exit_code == 2
    lines = broken.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("entities/zz.yaml:1: unknown label 'Planet'")
    assert "facts/zz.yaml:5: relation endpoint 'atlantis-project' does not exist" in lines[1]


def test_broken_schema_is_reported(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yaml"
    text = (ROOT / "schema" / "schema.yaml").read_text("utf-8")
    schema.write_text(text.replace("to: [Organization]\n", "to: [Organisation]\n", 1), "utf-8")
    result = CliRunner().invoke(app, ["validate", str(DATA), "--schema", str(schema)])
    assert result.exit_code == 2
    assert "names undefined label 'Organisation'" in result.stdout


def test_documented_diagram_is_derived_from_the_data() -> None:
    from loader.model.diagram import mermaid

    curation = (ROOT / "docs" / "curation.md").read_text("utf-8")
    assert (
        "```mermaid\n" + mermaid(load_dataset(DATA, load_schema(SCHEMA_FILE))) + "```" in curation
    )
