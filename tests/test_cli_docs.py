"""The docs cannot go stale: every command has help text and a line in the README's command table,
every `kg …` in a code block names a real command, and every relative link leads to a file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from loader.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


def _commands(group: object, prefix: str = "kg") -> Iterator[tuple[str, object]]:
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = f"{prefix} {name}"
        yield path, command
        yield from _commands(command, path)


COMMANDS = list(_commands(get_command(app)))
GROUPS = {path for path, command in COMMANDS if hasattr(command, "commands")}
KNOWN = {path for path, _ in COMMANDS}

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
# `kg` as a word: at the start, after a space or a path (.venv/bin/kg), a pipe, a quote.
_KG = re.compile(r"(?:^|(?<=[\s/|;(`'\"]))kg((?:[ \t]+[^\s#;|&`'\"]+)*)")
_VALUED_GLOBALS = {"--project"}


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+\s+(.+?)\s*$", _FENCE.sub("", page.read_text("utf-8")), re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _code_blocks(page: Path) -> list[str]:
    return _FENCE.findall(page.read_text("utf-8"))


def _prose(page: Path) -> str:
    return _INLINE_CODE.sub("", _FENCE.sub("", page.read_text("utf-8")))


def command_named(words: list[str]) -> str | None:
    """The command path that `kg <words>` names, or None when the words name none."""
    i = 0
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in _VALUED_GLOBALS else 1
    path = "kg"
    for word in words[i:]:
        if path != "kg" and path not in GROUPS:
            break
        if f"{path} {word}" not in KNOWN:
            return None
        path = f"{path} {word}"
    return None if path == "kg" or path in GROUPS else path


def _commands_in_code(page: Path) -> list[str]:
    found = []
    for block in _code_blocks(page):
        for line in block.splitlines():
            found += [m.group(0).strip() for m in _KG.finditer(line) if m.group(1).strip()]
    return found


def test_there_are_commands() -> None:
    names = [path for path, _ in COMMANDS]
    assert {"kg neo4j", "kg neo4j start", "kg cypher", "kg run"} <= set(names)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("query run hubs -p limit=3", "kg query run"),
        ("--project /srv/kg load --prune", "kg load"),
        ("--debug cypher 'RETURN 1'", "kg cypher"),
        ("query", None),
        ("query runn hubs", None),
        ("lode", None),
    ],
)
def test_command_named_reads_paths(line: str, expected: str | None) -> None:
    assert command_named(line.split()) == expected


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help_and_is_in_the_command_table(path: str, command: object) -> None:
    assert (getattr(command, "help", None) or "").strip(), f"{path} has no help text"
    table = [line for line in README.read_text("utf-8").splitlines() if line.startswith("| `kg ")]
    assert any(f"`{path}" in line for line in table), f"{path} is not in the README's table"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS])
def test_help_runs(path: str) -> None:
    result = CliRunner().invoke(app, [*path.split()[1:], "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_commands_in_code_blocks_exist(page: Path) -> None:
    for text in _commands_in_code(page):
        words = text.split()[1:]
        assert command_named(words), f"{_page_id(page)}: `{text}` names no kg command"


def test_the_pages_show_commands() -> None:
    assert sum(len(_commands_in_code(page)) for page in PAGES) > 20


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_lead_to_files(page: Path) -> None:
    targets = _LINK.findall(_prose(page))
    for target in targets:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page.resolve()
        assert path.is_relative_to(ROOT), f"{_page_id(page)}: {target} leaves the repository"
        assert path.exists(), f"{_page_id(page)}: {target} does not exist"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{_page_id(page)}: {target} has no such heading"


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(README.parent / t.split("#", 1)[0]).resolve() for t in _LINK.findall(_prose(README))}
    for page in PAGES[1:]:
        assert page.resolve() in linked, f"{_page_id(page)} is not linked from the README"


def test_the_exit_code_table_lists_every_code_a_command_can_end_with() -> None:
    """The README's one table of exit codes holds every code the CLI uses: those of the error
    classes and those its modules pass to `typer.Exit`, and no other."""
    import ast
    import inspect

    from loader.model import errors

    used = {
        cls.exit_code
        for _name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.KgError)
    }
    for module in (ROOT / "loader" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "typer.Exit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, int)
            ):
                used.add(node.args[0].value)
    rows = re.findall(r"^\| +(\d+) \| ", README.read_text("utf-8"), re.M)
    assert {int(code) for code in rows} == used | {0, 2}  # 2: click's own usage errors too


@pytest.mark.parametrize("path", ["kg", *sorted(KNOWN)])
def test_help_printed_into_a_pipe_cuts_no_default(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped, rich would lay the help out in 80 columns and cut an unbreakable default (a URL,
    a list of levels) with an ellipsis; kg renders it wider instead."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("TERMINAL_WIDTH", raising=False)
    printed = CliRunner().invoke(app, [*path.split()[1:], "--help"])
    assert printed.exit_code == 0, printed.output
    assert "…" not in printed.stdout, [line for line in printed.stdout.splitlines() if "…" in line]
