"""Saved queries are read by the rule of `data/` (tests/test_confinement.py): regular files only,
at most `MAX_QUERY_BYTES`, a FIFO or a device refused without being opened, and their `:param`
examples bounded as `-p` is. Each refusal is one line on stderr and exit 1, never a hang or a
memory blow-up; the special files are made here, in a copy of the project's queries/."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from typer.testing import CliRunner, Result

from loader.cli.app import app
from loader.model.errors import ConfigError
from loader.neo4j.saved_queries import MAX_QUERY_BYTES, list_queries
from tests.project import QUERIES

NAMES = [q.name for q in list_queries(QUERIES)]
COMMANDS = [
    ["query", "list"],
    ["query", "favorites", "-o", "favorites.zip"],
    ["query", "show", "zz"],
    ["query", "run", "zz"],
]


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """A hang (opening a FIFO waits for a writer) fails the test instead of stopping the run."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of the repository's saved queries alone; its managed server is not running,
    so a command that got as far as connecting would fail in another way."""
    (tmp_path / "kg.toml").write_text("", "utf-8")
    shutil.copytree(QUERIES, tmp_path / "queries")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _kg(project: Path, *args: str) -> Result:
    with _deadline(20):
        return CliRunner().invoke(app, ["--project", str(project), *args], catch_exceptions=False)


def _oversize(path: Path) -> None:
    with path.open("wb") as out:
        out.truncate(MAX_QUERY_BYTES + 1)  # sparse: refused on its size, never read


# (case, how to make queries/zz.cypher, the refusal after the path)
SPECIAL: list[tuple[str, Callable[[Path], None], str]] = [
    ("a FIFO", os.mkfifo, "refused: a FIFO, not a regular file"),
    (
        "a symlink to /dev/zero",
        lambda p: p.symlink_to("/dev/zero"),
        "refused: a character device, not a regular file",
    ),
    (
        "a dangling symlink",
        lambda p: p.symlink_to(p.parent / "nowhere.cypher"),
        "cannot read the file: No such file or directory",
    ),
    (
        "over the size cap",
        _oversize,
        f"refused: {MAX_QUERY_BYTES + 1:,} bytes, over the limit of {MAX_QUERY_BYTES:,}",
    ),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
@pytest.mark.parametrize(("case", "make", "refusal"), SPECIAL, ids=[c[0] for c in SPECIAL])
def test_a_special_file_is_one_line_and_exit_1(
    case: str, make: Callable[[Path], None], refusal: str, args: list[str], project: Path
) -> None:
    zz = project / "queries" / "zz.cypher"
    make(zz)
    result = _kg(project, *args)
    assert result.exit_code == 1, (case, result.output)
    assert result.stderr == f"kg: error: {zz}:0: {refusal}\n"
    assert result.stdout == ""
    assert not (project / "favorites.zip").exists()


def test_a_bad_file_refuses_the_listing_as_data_does_and_spares_the_others(
    project: Path,
) -> None:
    """As a FIFO in data/ stops `kg validate`, one in queries/ stops what reads every query;
    a command that reads one query by name reads only that file."""
    os.mkfifo(project / "queries" / "zz.cypher")
    (project / "queries" / "zy.cypher").symlink_to("/dev/zero")
    listed = _kg(project, "query", "list", "--format", "csv")
    assert listed.exit_code == 1
    assert listed.stderr == (
        f"kg: error: {project}/queries/zy.cypher:0: refused: a character device, not a regular "
        "file (and 1 more)\n"
    )
    shown = _kg(project, "query", "show", "hubs")
    assert shown.exit_code == 0 and shown.stdout == (QUERIES / "hubs.cypher").read_text("utf-8")
    missing = _kg(project, "query", "run", "nope")
    assert missing.exit_code == 2
    assert missing.stderr == f"kg: error: no saved query 'nope'; known: {', '.join(NAMES)}\n"
    (project / "queries" / "zz.cypher").unlink()
    (project / "queries" / "zy.cypher").unlink()
    listed = _kg(project, "query", "list", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    assert [line.split(",")[0] for line in listed.stdout.splitlines()[1:]] == NAMES


def test_hidden_files_and_folders_are_skipped_as_in_data(project: Path) -> None:
    os.mkfifo(project / "queries" / ".zz.cypher")
    (project / "queries" / "folder.cypher").mkdir()
    listed = _kg(project, "query", "list", "--format", "csv")
    assert listed.exit_code == 0, listed.output
    assert [line.split(",")[0] for line in listed.stdout.splitlines()[1:]] == NAMES


@pytest.mark.parametrize(
    ("example", "refusal"),
    [
        ("[" * 3_000 + "]" * 3_000, "nested deeper than 64 levels"),
        (str(2**63), "an integer outside Neo4j's 64-bit range (-2**63 to 2**63-1)"),
        (f'{{"a": [{-(2**63) - 1}]}}', "an integer outside Neo4j's 64-bit range"),
    ],
    ids=["3,000 deep", "2**63", "nested -2**63-1"],
)
def test_a_header_example_is_bounded_as_a_parameter_is(
    example: str, refusal: str, project: Path
) -> None:
    zz = project / "queries" / "zz.cypher"
    zz.write_text(f"// Zz\n// @scope curated\n// :param n => {example}\nRETURN $n AS n\n", "utf-8")
    result = _kg(project, "query", "list")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"kg: error: {zz}:3: the example of $n: {refusal}")
    assert result.stderr.count("\n") == 1
    with pytest.raises(ConfigError, match="the example of"):
        list_queries(project / "queries")


def test_64_bit_examples_are_taken(project: Path) -> None:
    zz = project / "queries" / "zz.cypher"
    zz.write_text(
        f"// Zz\n// @scope curated\n// :param n => [{2**63 - 1}, {-(2**63)}]\nRETURN $n AS n\n",
        "utf-8",
    )
    (query,) = [q for q in list_queries(project / "queries") if q.name == "zz"]
    assert query.parameters["n"].example == [2**63 - 1, -(2**63)]
