"""Derived files are what `make regen` writes: each committed copy is what its function gives
today (the check `make lint` runs, through the same functions), and the check names every
stale file, one line each. The saved queries' golden rows are compared where they are taken
(tests/test_queries.py, tests/test_query_scope.py); here, that they record today's inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.project import ROOT, workspace
from tools import derived, regen


@pytest.mark.parametrize("item", derived.OFFLINE, ids=lambda d: d.path)
def test_the_committed_copy_is_current(item: derived.Derived) -> None:
    committed = (ROOT / item.path).read_bytes()
    assert item.same(committed, item.render(workspace())), f"{item.path}: run `make regen`"


def test_every_golden_records_todays_inputs() -> None:
    assert derived.stale_goldens(workspace()) == []


def test_the_check_names_each_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy of the project with three derived files out of date: the stylesheet edited by
    hand, the model diagram of docs/curation.md edited, and a query changed after its golden
    was written. `--check` names those three and exits 1; the current tree passes."""
    for name in ("kg.toml", "README.md", "schema", "data", "queries", "docs", "tests/golden"):
        source, copy = ROOT / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, copy)
        else:
            copy.write_bytes(source.read_bytes())
    monkeypatch.setattr(derived, "ROOT", tmp_path)
    monkeypatch.setattr(derived, "GOLDEN", tmp_path / "tests" / "golden")
    monkeypatch.setattr(regen, "ROOT", tmp_path)
    assert regen.main(["--check"]) == 0
    with (tmp_path / "queries" / "jinshan.grass").open("a", encoding="utf-8") as grass:
        grass.write("node.Extra { color: #000000; }\n")
    curation = tmp_path / "docs" / "curation.md"
    curation.write_text(curation.read_text("utf-8").replace("flowchart LR", "flowchart TB"))
    hubs = tmp_path / "queries" / "hubs.cypher"
    hubs.write_text(hubs.read_text("utf-8") + "// changed after its golden was written\n")
    capsys.readouterr()
    assert regen.main(["--check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"{path}: stale; run `make regen` and commit it"
        for path in ("queries/jinshan.grass", "docs/curation.md", "tests/golden/queries/hubs.json")
    ]
