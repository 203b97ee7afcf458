"""An RDF file names its dataset, but the graph says who keeps it: an import into the dataset
`kg load` writes needs consent, a title never names the dataset, and the members of a file's
other datasets (an export from Neo4j also holds the divisions) are not stamped as its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.divisions import gazetteer as divisions
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from tests.fake_divisions import fake_tarball
from tests.graph_state import graph_state

pytestmark = pytest.mark.neo4j

PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
IDENTIFIER = "<http://purl.org/dc/terms/identifier>"
TITLE = "<http://purl.org/dc/terms/title>"
JINSHAN = "<https://example.org/jinshan-kg/id/jinshan>"
DATASET = "<https://example.org/jinshan-kg/dataset/jinshan-layout>"
NAME = "MATCH (n {id: 'jinshan'}) RETURN n.name AS name"


def _export(runner: CliRunner, path: Path, *args: str) -> str:
    made = runner.invoke(app, ["export", "rdf", "--no-ontology", "-o", str(path), *args])
    assert made.exit_code == 0, made.output
    return path.read_text("utf-8")


def test_an_import_into_the_curated_dataset_needs_consent(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """The curated data exported and changed (金山区 renamed): without --yes the import is
    refused in one line saying who keeps the dataset and what would change, and the graph is
    as it was; an export that changes nothing needs no consent; --yes imports, and the next
    change asks again."""
    assert runner.invoke(app, ["load"]).exit_code == 0
    same = tmp_path / "same.nt"
    text = _export(runner, same)
    before = graph_state(neo4j_env)
    unchanged = runner.invoke(app, ["import", "rdf", str(same), "--format", "json"])
    assert unchanged.exit_code == 0, unchanged.output
    assert json.loads(unchanged.stdout)["nodes_updated"] == 0
    changed = tmp_path / "changed.nt"
    changed.write_text(_renamed(text), "utf-8")
    refused = runner.invoke(app, ["import", "rdf", str(changed)])
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip().splitlines() == [
        "kg: error: dataset jinshan-layout is kept by `kg load`, and this import would change "
        "it (1 nodes updated): confirm with --yes"
    ]
    assert graph_state(neo4j_env)["nodes"] == before["nodes"]
    done = runner.invoke(app, ["import", "rdf", str(changed), "--yes", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert run_cypher(neo4j_env, NAME).rows == [{"name": "金山测试区"}]
    # still kept by `kg load`: an import does not make the dataset its own
    asked = runner.invoke(app, ["import", "rdf", str(same)])
    assert asked.exit_code == 2 and "kept by `kg load`" in asked.stderr, asked.output
    back = runner.invoke(app, ["import", "rdf", str(same), "--yes"])
    assert back.exit_code == 0, back.output
    assert graph_state(neo4j_env) == before


def test_a_title_does_not_name_the_dataset(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """A file whose dataset has no identifier but the title `jinshan-layout` is read as the
    dataset its file is named for: the curated ids are refused, their owner named."""
    assert runner.invoke(app, ["load"]).exit_code == 0
    before = graph_state(neo4j_env)
    text = _export(runner, tmp_path / "all.nt")
    old = f'{DATASET} {IDENTIFIER} "jinshan-layout" .'
    assert old in text
    posing = tmp_path / "posing.nt"
    posing.write_text(text.replace(old, f'{DATASET} {TITLE} "jinshan-layout" .'), "utf-8")
    result = runner.invoke(app, ["import", "rdf", str(posing)])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.strip().splitlines()
    assert "already belongs to a node of dataset 'jinshan-layout', not of 'posing'" in line
    assert graph_state(neo4j_env) == before


def test_another_datasets_members_are_not_imported_as_the_files_own(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export from Neo4j holds the curated dataset and the divisions: importing it (into an
    emptied database) writes the curated dataset only, says what it left, and stamps no
    division as curated."""
    tarball = fake_tarball(tmp_path / "divisions.tgz")
    monkeypatch.setattr(divisions, "fetch", lambda _cache, _from=None: tarball)
    assert runner.invoke(app, ["load"]).exit_code == 0
    curated = graph_state(neo4j_env)
    assert runner.invoke(app, ["divisions", "import"]).exit_code == 0
    both = tmp_path / "both.nt"
    _export(runner, both, "--from", "neo4j")
    result = runner.invoke(app, ["import", "rdf", str(both), "--wipe", "--yes"])
    assert result.exit_code == 0, result.output
    assert "not imported: entities of the file's other datasets (" in result.stderr
    assert " of china-division) and the " in result.stderr
    assert graph_state(neo4j_env)["nodes"] == curated["nodes"]
    owners = run_cypher(neo4j_env, "MATCH (n:Entity) RETURN DISTINCT n.kg_dataset AS dataset").rows
    assert owners == [{"dataset": "jinshan-layout"}]


def _renamed(text: str) -> str:
    for predicate in (PREF, LABEL):
        old = f'{JINSHAN} {predicate} "金山区"@zh .'
        assert old in text
        text = text.replace(old, f'{JINSHAN} {predicate} "金山测试区"@zh .')
    return text


def test_a_dataset_only_imports_wrote_takes_changes_unasked_but_not_deletions(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """A dataset that only imports loaded is the import's: a changed file goes in without a
    question; --prune still counts what it would delete and asks (exit 2 without --yes)."""
    same = tmp_path / "same.nt"
    text = _export(runner, same)
    assert runner.invoke(app, ["import", "rdf", str(same)]).exit_code == 0
    changed = tmp_path / "changed.nt"
    changed.write_text(_renamed(text), "utf-8")
    done = runner.invoke(app, ["import", "rdf", str(changed)])
    assert done.exit_code == 0, done.output
    assert run_cypher(neo4j_env, NAME).rows == [{"name": "金山测试区"}]
    extra = (
        "CREATE (:Entity:Park {id: 'extra-park', name: '多余园区', kg_dataset: 'jinshan-layout'})"
    )
    run_cypher(neo4j_env, extra, write=True)
    before = graph_state(neo4j_env)
    refused = runner.invoke(app, ["import", "rdf", str(changed), "--prune"])
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip().splitlines() == [
        "kg: error: --prune would delete 1 nodes and 0 relationships an earlier load wrote: "
        "confirm with --yes"
    ]
    assert graph_state(neo4j_env) == before


def test_a_dataset_an_older_kg_loaded_is_not_the_imports(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """Load records that name no command (an older kg wrote them) keep the dataset from the
    import: a change asks, naming no command it cannot know."""
    assert runner.invoke(app, ["load"]).exit_code == 0
    run_cypher(neo4j_env, "MATCH (l:KgLoad) REMOVE l.command", write=True)
    changed = tmp_path / "changed.nt"
    changed.write_text(_renamed(_export(runner, tmp_path / "all.nt")), "utf-8")
    refused = runner.invoke(app, ["import", "rdf", str(changed)])
    assert refused.exit_code == 2, refused.output
    assert "dataset jinshan-layout is kept by a load by an older kg, and this import" in (
        refused.stderr
    )
    assert run_cypher(neo4j_env, NAME).rows == [{"name": "金山区"}]


def test_consent_is_checked_again_under_the_lease(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the user was asked about is checked again once the import holds the dataset's
    lease: a `kg load` that ran in between (here: the first check is made to miss it) stops
    the import before it writes."""
    import loader.jobs.load as jobs

    assert runner.invoke(app, ["load"]).exit_code == 0
    monkeypatch.setattr(jobs, "other_writer", lambda *_args: None)
    changed = tmp_path / "changed.nt"
    changed.write_text(_renamed(_export(runner, tmp_path / "all.nt")), "utf-8")
    refused = runner.invoke(app, ["import", "rdf", str(changed)])
    assert refused.exit_code == 1, refused.output
    [line] = refused.stderr.strip().splitlines()
    assert line == (
        "kg: error: dataset jinshan-layout changed hands while this load waited for it: kept by "
        "kg load now, by no other command when checked; nothing was changed: run it again"
    )
    assert run_cypher(neo4j_env, NAME).rows == [{"name": "金山区"}]
