"""`kg validate`: the real data is clean; each broken file gives its message and code at its
line; the codes are the catalogue's, and docs/curation.md lists the catalogue."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.problems import CODES, Problem, codes_table
from loader.model.schema import load_schema
from loader.model.validation import Report, dataset_about, load_dataset, validate
from loader.model.workspace import Workspace
from tests.project import DATA, SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus" / "broken"
# A case is a data overlay (`overlay/`, copied over the real data) or a schema (`schema.yaml`).
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "overlay").is_dir())
SCHEMA_CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "schema.yaml").is_file())
# The code of each problem a case gives, in the order of its expected.txt.
CASE_CODES = {
    "01-yaml-syntax": ["yaml-syntax"],
    "02-csv-row-width": ["csv-row-width"],
    "03-not-utf8": ["not-utf8"],
    "04-unknown-label": ["unknown-label"],
    "05-unknown-property": ["unknown-property"],
    "06-wrong-property-type": ["bad-value"],
    "07-missing-required": ["missing-property"],
    "08-duplicate-id": ["duplicate-id"],
    "09-alias-claimed-twice": ["duplicate-name"],
    "10-unknown-relationship-type": ["unknown-type"],
    "11-dangling-endpoint": ["dangling-endpoint"],
    "12-pair-not-allowed": ["pair-not-allowed"],
    "13-sentence-not-verbatim": ["sentence-not-in-source"],
    "14-non-iso-date": ["bad-value"],
    "15-impossible-date": ["bad-value"],
    "16-non-ascii-id": ["bad-value"],
    "17-unknown-source": ["unknown-source"],
    "18-missing-sentence": ["missing-property"],
    "19-duplicate-relation": ["duplicate-relation"],
    "20-value-not-allowed": ["bad-value"],
    "21-confidence-out-of-range": ["bad-value"],
    "22-duplicate-yaml-key": ["duplicate-key"],
    "23-relation-to-itself": ["self-relation"],
    "24-missing-relationship-property": ["missing-property"],
    "25-unsupported-file-type": ["unsupported-file-type"],
    "26-entity-file-not-a-list": ["bad-shape"],
    "27-source-text-missing": ["cannot-read"],
    "28-document-in-entity-file": ["document-in-entities"],
    "29-unknown-relationship-property": ["unknown-property"],
    "30-fact-wrong-shape": ["bad-shape"],
    "31-source-text-absolute-path": ["outside-data-folder"],
    "32-source-text-escapes-by-dotdot": ["outside-data-folder"],
    "33-source-text-is-a-folder": ["not-a-regular-file"],
    "34-facts-file-top-level-list": ["bad-shape"],
    "35-integer-beyond-64-bits": ["bad-value"],
    "36-negative-integer-beyond-64-bits-csv": ["bad-value"],
    "37-integer-of-5000-digits-csv": ["bad-value"],
    "38-decimal-beyond-float-range": ["bad-value"],
    "39-decimal-yaml-infinity": ["bad-value"],
    "40-decimal-yaml-nan": ["bad-value"],
    "41-lone-surrogate-in-name": ["bad-value"],
    "42-lone-surrogate-in-alias": ["bad-value"],
    "43-lone-surrogate-in-fact-note": ["bad-value"],
    "44-name-not-nfc": ["bad-name"],
    "45-compatibility-ideograph-in-name": ["bad-name"],
    "46-alias-not-nfc": ["bad-name"],
    "47-c0-control-in-name": ["bad-name"],
    "48-c1-control-in-name": ["bad-name"],
    "49-zero-width-space-in-name": ["bad-name"],
    "50-zero-width-joiner-in-alias": ["bad-name"],
    "51-byte-order-mark-in-name": ["bad-name"],
    "52-bidi-override-in-name": ["bad-name"],
    "53-bidi-isolate-in-english-name": ["bad-name"],
    "54-full-width-digits-duplicate": ["duplicate-name"],
    "55-kangxi-radical-duplicate": ["duplicate-name"],
    "56-full-width-latin-duplicate": ["duplicate-name"],
    "57-entity-type-not-a-string": ["unknown-label"],
    "58-dataset-name-lone-surrogate": ["bad-value"],
    "59-schema-pattern-not-a-regex": ["schema-bad-value"],
    "60-schema-max-length-not-a-number": ["schema-bad-value"],
    "61-schema-min-not-a-number": ["schema-bad-value"],
    "62-schema-min-above-max": ["schema-bad-value"],
    "63-schema-values-not-a-list": ["schema-bad-value"],
    "64-schema-required-not-a-boolean": ["schema-bad-value"],
    "65-schema-property-type-missing": ["schema-property-type", "schema-unknown-property"],
    "66-schema-index-not-a-list": ["schema-shape"],
    "67-schema-pattern-ends-not-lists": ["schema-shape"],
    "68-schema-patterns-not-a-list": ["schema-shape"],
    "69-schema-labels-not-a-mapping": ["schema-shape"],
    "70-cited-property-in-entity-file": ["cited-property-in-entity"],
    "71-value-of-unknown-property": ["not-a-cited-property"],
    "72-status-without-date": ["undated-timed-fact"],
    "73-undated-without-note": ["undated-without-note"],
    "74-end-before-start": ["end-before-start"],
    "75-office-without-date": ["undated-timed-fact"],
    "76-two-values-on-one-day": ["conflicting-values"],
    "77-value-sentence-not-in-source": ["sentence-not-in-source"],
    "78-value-wrong-shape": ["bad-shape"],
    "79-value-of-unknown-entity": ["dangling-endpoint"],
    "80-value-carries-an-identifier": ["unknown-property"],
    "81-empty-values": ["bad-shape"],
    "82-two-values-on-an-earlier-day": ["conflicting-values"],
    "83-value-dated-after-today": ["dated-in-future"],
    "84-identifier-without-its-source": ["unconfirmed-identifier"],
    "85-undated-yet-dated": ["undated-yet-dated"],
    "86-corroborates-what-nobody-states": ["corroborates-nothing"],
    "87-corroborates-from-its-own-source": ["corroborates-nothing"],
    "88-corroboration-with-a-note": ["bad-shape"],
    "89-fact-carries-corroborated-by": ["bad-value"],
    "90-dataset-licence-not-an-iri": ["bad-value"],
    "91-dataset-agent-without-id": ["bad-value"],
    "92-dataset-modified-before-issued": ["bad-value"],
    "93-dataset-name-reserved": ["bad-value"],
}


def test_the_corpus_covers_at_least_sixty_error_classes() -> None:
    assert len(CASES) >= 50 and len(SCHEMA_CASES) >= 10
    assert len(CASES) + len(SCHEMA_CASES) == len([p for p in CORPUS.iterdir() if p.is_dir()])
    assert sorted(CASE_CODES) == sorted(CASES + SCHEMA_CASES)


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


def test_a_corroboration_adds_its_source_to_the_fact_it_repeats() -> None:
    """The 2020 Xinhua report repeats that the new section connects to 金山区, first cited from
    the 2018 report: listed under `corroborates:`, its source joins the relation's
    `corroborated_by`, and the relation stays one, cited from where it was first stated."""
    relations = load_dataset(DATA, load_schema(SCHEMA_FILE)).relations
    found = {(r.start, r.type, r.end): r.properties for r in relations}
    road = found[("yexin-road-new-section", "CONNECTS_TO", "jinshan")]
    assert road["source"] == "shanghai-news-2018-11-12-yexin-road"
    assert road["corroborated_by"] == ["xinhua-2020-12-28-yexin-road-opening"]
    assert "corroborated_by" not in found[("yexin-road-new-section", "CONNECTS_TO", "jiaxing")]
    # an office (timed, with a required role) is corroborated by source and sentence alone
    office = found[("liu-jian", "HOLDS_OFFICE_IN", "jinshan-district-committee")]
    assert office["role"] == "区委书记" and office["as_of"] == "2022-06-07"
    assert office["corroborated_by"] == [
        "52617-2023-12-28-nanfeng-line-start",
        "jfdaily-2023-07-31-bay-area-science-city",
    ]
    assert (
        sum(1 for r in relations if r.key == ("yexin-road-new-section", "CONNECTS_TO", "jinshan"))
        == 1
    )


def test_canonical_names_are_real_and_spun_forms_are_aliases() -> None:
    entities = load_dataset(DATA, load_schema(SCHEMA_FILE)).entities
    park = entities["carbon-valley-green-bay"].properties
    assert park["name"] == "上海碳谷绿湾产业园"
    assert "上海碳谷绿湾财产园" in park["aliases"]
    centre = entities["alicloud-east-china-computing-centre"].properties
    assert centre["name"] == "阿里云华东智能算力中心"
    assert "阿里云华东笨能算力核心" in centre["aliases"]
    assert entities["zhufeng-road"].properties["aliases"] == ["墨枫公路"]
    assert entities["yexin-road-new-section"].properties["length_km"] == 2.24


@pytest.mark.parametrize("case", CASES)
def test_broken_file_is_reported_at_its_line(case: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(CORPUS / case / "overlay", data, dirs_exist_ok=True)
    expected = (CORPUS / case / "expected.txt").read_text("utf-8").splitlines()
    problems = validate(data, load_schema(SCHEMA_FILE)).problems
    found = [str(p).replace(str(data) + "/", "", 1) for p in problems]
    assert len(found) == len(expected), found
    for line, code in zip(expected, CASE_CODES[case], strict=True):
        codes = [p.code for p, f in zip(problems, found, strict=True) if f.startswith(line)]
        assert codes, (line, found)
        assert codes[0] == code, (line, codes)


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_broken_schema_is_reported_at_its_line(case: str) -> None:
    schema = CORPUS / case / "schema.yaml"
    result = CliRunner().invoke(app, ["validate", str(DATA), "--schema", str(schema)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    found = [line.replace(str(CORPUS / case) + "/", "", 1) for line in result.stdout.splitlines()]
    expected = (CORPUS / case / "expected.txt").read_text("utf-8").splitlines()
    assert found == [f"{e} [{c}]" for e, c in zip(expected, CASE_CODES[case], strict=True)]


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
    assert result.stdout.splitlines() == [f"{data}/{expected} [{CASE_CODES[case][0]}]"]


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
    assert lines[0].endswith("entities/zz.yaml:1: unknown label 'Planet' [unknown-label]")
    assert "facts/zz.yaml:5: relation endpoint 'atlantis-project' does not exist" in lines[1]


def test_broken_schema_is_reported(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yaml"
    text = (ROOT / "schema" / "schema.yaml").read_text("utf-8")
    schema.write_text(text.replace("to: [Organization]\n", "to: [Organisation]\n", 1), "utf-8")
    result = CliRunner().invoke(app, ["validate", str(DATA), "--schema", str(schema)])
    assert result.exit_code == 2
    assert "names undefined label 'Organisation'" in result.stdout


def _broken_copy(tmp_path: Path, *cases: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for case in cases:
        shutil.copytree(CORPUS / case / "overlay", data, dirs_exist_ok=True)
    return data


def test_json_lists_problems_with_their_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(app, ["validate", str(DATA), "--format", "json"])
    assert clean.exit_code == 0, clean.output
    assert {"ok": True, "problems": []}.items() <= json.loads(clean.stdout).items()
    data = _broken_copy(
        tmp_path, "02-csv-row-width", "04-unknown-label", "13-sentence-not-verbatim"
    )
    broken = runner.invoke(app, ["validate", str(data), "--format", "json"])
    assert broken.exit_code == 2, broken.output
    report = json.loads(broken.stdout)
    assert report["ok"] is False
    assert [(p["file"], p["line"], p["code"], p["severity"]) for p in report["problems"]] == [
        (f"{data}/entities/zz.csv", 3, "csv-row-width", "error"),
        (f"{data}/entities/zz.yaml", 1, "unknown-label", "error"),
        (f"{data}/facts/zz.yaml", 3, "sentence-not-in-source", "error"),
    ]
    assert report["problems"][1]["message"] == "unknown label 'Planet'"
    assert all(
        list(p) == ["file", "line", "code", "severity", "message"] for p in report["problems"]
    )


def test_csv_has_one_row_per_problem_with_its_code(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "11-dangling-endpoint")
    result = CliRunner().invoke(app, ["validate", str(data), "--format", "csv"])
    assert result.exit_code == 2, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["file", "line", "code", "severity", "message"]
    assert [row[:4] for row in rows[1:]] == [
        [f"{data}/facts/zz.yaml", "5", "dangling-endpoint", "error"]
    ]
    assert rows[1][4].startswith("relation endpoint 'atlantis-project' does not exist")


def test_a_schema_problem_has_its_code_in_json() -> None:
    schema = CORPUS / "66-schema-index-not-a-list" / "schema.yaml"
    args = ["validate", str(DATA), "--schema", str(schema), "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report == {
        "ok": False,
        "problems": [
            {
                "file": str(schema),
                "line": 11,
                "code": "schema-shape",
                "severity": "error",
                "message": "labels.Place: index must be a list",
            }
        ],
    }


def test_warnings_alone_are_shown_and_exit_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """No check warns yet; the command's handling of a warning is checked on a report that has
    one."""
    dataset = validate(DATA, load_schema(SCHEMA_FILE)).dataset
    warning = Problem("data/x.yaml", 3, code="bad-value", message="odd", severity="warning")
    monkeypatch.setattr(Workspace, "validation", property(lambda _ws: Report(dataset, [warning])))
    runner = CliRunner()
    table = runner.invoke(app, ["validate", str(DATA)])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == "data/x.yaml:3: warning: odd [bad-value]"
    assert table.stdout.splitlines()[1].startswith("ok: ")
    report = json.loads(runner.invoke(app, ["validate", str(DATA), "--format", "json"]).stdout)
    assert report["ok"] is True and report["problems"][0]["severity"] == "warning"


def test_a_problem_is_a_value() -> None:
    late = Problem("b.yaml", 2, code="bad-value", message="z")
    early = Problem("b.yaml", 2, code="bad-shape", message="z")
    first = Problem("a.yaml", 9, code="yaml-syntax", message="a")
    assert sorted([late, early, first]) == [first, early, late]
    assert str(late) == "b.yaml:2: z" and late.severity == "error"
    with pytest.raises(TypeError):
        Problem("a.yaml", 1, "bad-value", "positional")  # type: ignore[call-arg]


def test_the_documented_codes_are_the_catalogue() -> None:
    """docs/curation.md lists every code (its table is derived: tests/test_derived.py)."""
    curation = (ROOT / "docs" / "curation.md").read_text("utf-8")
    assert "<!-- derived: problem-codes -->\n" + codes_table() in curation
    assert "`kg validate --format json`" in curation


def _codes_in_source() -> set[str]:
    """Every string literal given as a `code=` argument or assigned to a variable `code` in the
    modules that make problems (those importing from loader.model.problems)."""
    found: set[str] = set()
    for path in (ROOT / "loader").rglob("*.py"):
        text = path.read_text("utf-8")
        if "from loader.model.problems import" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.keyword) and node.arg == "code":
                value: ast.expr = node.value
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "code" for t in node.targets
            ):
                value = node.value
            else:
                continue
            found |= {
                n.value
                for n in ast.walk(value)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
    return found


def test_every_code_made_is_catalogued_and_every_catalogued_code_is_made() -> None:
    used = _codes_in_source()
    assert used - set(CODES) == set(), "codes missing from the catalogue"
    assert set(CODES) - used == set(), "catalogued codes nothing makes"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in CODES)
    assert all(description and "|" not in description for description in CODES.values())


def test_the_dataset_says_when_its_data_last_changed() -> None:
    """`modified` in data/dataset.yaml (exported as dcterms:modified) is kept by hand: it may
    not be older than the last commit that changed data/, nor `issued` newer than the first."""
    if not (ROOT / ".git").exists():
        pytest.skip("the dates of data/ come from git history, and this is not a checkout")
    dates = subprocess.run(
        ["git", "log", "--format=%cs", "--", "data/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    about = dataset_about(DATA)
    assert about.modified is not None and about.issued is not None
    assert about.modified >= dates[0], "set `modified` in data/dataset.yaml to today's date"
    assert about.issued <= dates[-1]
