"""Every command has help text and is in the README, so the docs cannot go stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from loader.cli.app import app

ROOT = Path(__file__).resolve().parent.parent


def _commands(group: object, prefix: str = "kg") -> Iterator[tuple[str, object]]:
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = f"{prefix} {name}"
        yield path, command
        yield from _commands(command, path)


COMMANDS = list(_commands(get_command(app)))


def test_there_are_commands() -> None:
    names = [path for path, _ in COMMANDS]
    assert {"kg neo4j", "kg neo4j start", "kg cypher", "kg run"} <= set(names)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help_and_is_documented(path: str, command: object) -> None:
    assert (getattr(command, "help", None) or "").strip(), f"{path} has no help text"
    assert f"`{path}" in (ROOT / "README.md").read_text("utf-8"), f"{path} is not in README"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_help_runs(path: str) -> None:
    result = CliRunner().invoke(app, [*path.split()[1:], "--help"])
    assert result.exit_code == 0, result.output
