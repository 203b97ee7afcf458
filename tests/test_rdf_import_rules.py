"""An RDF file is held to the rules `kg validate` sets for names: no invisible characters, NFC,
and no two entities a reader could not tell apart (checked before any connection)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app

PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
JINSHAN = "<https://example.org/jinshan-kg/id/jinshan>"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("rdf") / "all.nt"
    result = CliRunner().invoke(app, ["export", "rdf", "--no-ontology", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8")


def _import(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("KG_NEO4J_HOME", "/nonexistent/kg-home")  # refused before connecting
    path = tmp_path / "changed.nt"
    path.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["import", "rdf", str(path)])
    assert result.exit_code == 2, result.output
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize(
    ("name", "shown"),
    [("金山\u200b区", "U+200B"), ("金山\u202e区", "U+202E"), ("e\u0301", "not in Unicode NFC")],
)
def test_a_bad_name_is_refused(
    exported: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, shown: str
) -> None:
    old = f'{JINSHAN} {PREF} "金山区"@zh .'
    assert old in exported
    lines = _import(tmp_path, exported.replace(old, f'{JINSHAN} {PREF} "{name}"@zh .'), monkeypatch)
    assert len(lines) == 1 and shown in lines[0], lines


def test_names_that_fold_together_are_refused(
    exported: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second entity named ３２０国道 (full-width digits) reads as 320国道 to anyone."""
    lego = "<https://example.org/jinshan-kg/id/lego-resort>"
    twin = "\uff13\uff12\uff10国道"
    changed = exported
    for predicate in (PREF, LABEL):
        old = f'{lego} {predicate} "上海乐高乐园度假区"@zh .'
        assert old in changed
        changed = changed.replace(old, f'{lego} {predicate} "{twin}"@zh .')
    lines = _import(tmp_path, changed, monkeypatch)
    assert len(lines) == 1 and "duplicates '320国道'" in lines[0], lines


def test_an_rdf_file_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rdflib reads a file whole into memory: one over `KG_RDF_MAX_MB` is refused by its size,
    before a byte is parsed; a limit that is not a number is one line too."""
    from loader.model.errors import ConfigError, DataInvalid
    from loader.rdf.importer import parse_rdf

    big = tmp_path / "big.nt"
    big.write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    monkeypatch.setenv("KG_RDF_MAX_MB", "1")
    with pytest.raises(DataInvalid, match=r"big.nt: 2 MB, over the limit of 1 MB .* KG_RDF_MAX_MB"):
        parse_rdf(big)
    monkeypatch.setenv("KG_RDF_MAX_MB", "lots")
    with pytest.raises(ConfigError, match="KG_RDF_MAX_MB must be a whole number"):
        parse_rdf(big)
    monkeypatch.setenv("KG_RDF_MAX_MB", "3")
    assert len(parse_rdf(big)) == 0  # a comment only: under the limit, parsed
