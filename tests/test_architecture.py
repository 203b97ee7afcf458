"""The layout shows the design: no import cycles, modules by idea, a docstring map per package,
context built once at the command line and passed down, records built by keyword.

The direction of imports (cli → jobs → areas → model) is checked by import-linter in `make lint`
(contracts in pyproject.toml); this file checks what import-linter does not.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import grimp
import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "loader"
# A module holds one idea; past this length a reviewer looks for a second one in it, and a
# module that is still one idea says so in its docstring ("Review note: ...").
LONG_MODULE = 500
MAX_POSITIONAL = 5  # past this, parameters are keyword-only (or an option object) and so are calls
MODULES = sorted(PACKAGE.rglob("*.py"))
# Finding the project is the command line's: every other layer is handed the workspace.
PROJECT_FINDERS = {"find_project", "find_root", "read_project", "Workspace.at", "Workspace.of"}
FINDERS_HOME = {"model/project.py", "model/workspace.py"}
MUTABLE = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque"}


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"))


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("loader")
    imports: nx.DiGraph[str] = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            imports.add_edge(module, imported)
    cycles = list(nx.simple_cycles(imports, length_bound=6))
    assert not cycles, f"import cycles: {cycles[:3]}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_says_why_and_a_long_one_why_it_is_one_idea(path: Path) -> None:
    text = path.read_text("utf-8")
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{path} has no docstring"
    lines = text.count("\n")
    assert lines <= LONG_MODULE or "Review note:" in doc, (
        f"{_name(path)} has {lines} lines: split it by idea, or say in its docstring why it is "
        "one (Review note: ...)"
    )


def test_every_area_is_a_package_with_a_map() -> None:
    areas = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"model", "neo4j", "rdf", "text", "analysis", "divisions", "jobs", "cli"} <= areas
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside an area package: {loose}"
    for area in areas:
        doc = ast.get_docstring(ast.parse((PACKAGE / area / "__init__.py").read_text("utf-8")))
        assert doc and len(doc.splitlines()) >= 2, f"loader/{area}/__init__.py has no map"
        named = {m.stem for m in (PACKAGE / area).glob("*.py") if m.stem != "__init__"}
        missing = sorted(m for m in named if f"`{m}`" not in doc)
        assert not missing, f"loader/{area}/__init__.py does not name {missing}"


def test_the_cli_imports_its_jobs_only_when_a_command_runs() -> None:
    """`kg --help` must stay quick: importing the CLI pulls in no RDF, graph or plotting library,
    no Neo4j driver and no YAML (each command imports its job, the workspace and the connection
    when it runs)."""
    probe = (
        "import sys, loader.cli.app; "
        "heavy = ('rdflib', 'networkx', 'matplotlib', 'pyshacl', 'neo4j', 'yaml'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _called(node: ast.Call) -> str:
    return ast.unparse(node.func)


def test_only_the_command_line_finds_the_project() -> None:
    """Below the CLI nothing looks the project up behind its caller's back: jobs and areas get
    the workspace from their caller (as dbt's tasks get the project from @requires)."""
    found: list[str] = []
    for path in MODULES:
        name = _name(path)
        if name.startswith("cli/") or name in FINDERS_HOME:
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module == "loader.model.project":
                imported = {alias.name for alias in node.names} & PROJECT_FINDERS
                found.extend(f"{name}:{node.lineno}: imports {n}" for n in sorted(imported))
            if not isinstance(node, ast.Call):
                continue
            called = _called(node)
            if any(called == f or called.endswith("." + f) for f in PROJECT_FINDERS):
                found.append(f"{name}:{node.lineno}: {called}()")
    assert not found, "the project looked up below the CLI:\n" + "\n".join(found)


def test_no_module_keeps_state() -> None:
    """No module-level mutable value (a list, dict or set, written or built, under a name that
    is not a CONSTANT) and no `global`: what a command works on is passed, so two runs in one
    process never share it."""
    found = []
    for path in MODULES:
        tree = _tree(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.append(f"{_name(path)}:{node.lineno}: global {', '.join(node.names)}")
        for node in tree.body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            mutable = isinstance(node.value, MUTABLE) or (
                isinstance(node.value, ast.Call)
                and _called(node.value).split(".")[-1] in MUTABLE_CALLS
            )
            for target in targets:
                if isinstance(target, ast.Name) and mutable and not target.id.isupper():
                    found.append(f"{_name(path)}:{node.lineno}: {target.id}")
    assert not found, "module state:\n" + "\n".join(found)


def _commands() -> set[str]:
    """The CLI's command functions: their parameters are the command line's options."""
    import typer

    from loader.cli.app import app

    names = set()
    stack = [typer.main.get_command(app)]
    while stack:
        command = stack.pop()
        stack.extend(getattr(command, "commands", {}).values())
        if command.callback is not None:
            names.add(getattr(command.callback, "__wrapped__", command.callback).__name__)
    return names


def test_no_long_positional_lists() -> None:
    """A function takes at most MAX_POSITIONAL positional parameters (the rest keyword-only,
    or an option object) and a call passes at most that many: a record is not built from ten
    values in a row. The CLI's command functions are exempt: their parameters are options."""
    commands = _commands()
    found = []
    for path in MODULES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if path.parent.name == "cli" and node.name in commands:
                    continue
                positional = [
                    a.arg
                    for a in (*node.args.posonlyargs, *node.args.args)
                    if a.arg not in ("self", "cls")
                ]
                if len(positional) > MAX_POSITIONAL:
                    found.append(f"{_name(path)}:{node.lineno}: def {node.name}({len(positional)})")
            elif isinstance(node, ast.Call):
                given = [a for a in node.args if not isinstance(a, ast.Starred)]
                if len(given) > MAX_POSITIONAL:
                    found.append(f"{_name(path)}:{node.lineno}: {_called(node)}({len(given)})")
    assert not found, "long positional lists:\n" + "\n".join(found)


LIBRARY = ("model", "neo4j", "rdf", "text", "analysis", "divisions")


def _options_and_commands() -> tuple[set[str], set[str]]:
    """Every option of every command (`--write`, `--from` …) and every command path."""
    import typer

    from loader.cli.app import app

    options: set[str] = set()
    commands: set[str] = set()
    stack: list[tuple[tuple[str, ...], Any]] = [((), typer.main.get_command(app))]
    while stack:
        path, command = stack.pop()
        if path:
            commands.add("kg " + " ".join(path))
        for param in command.params:
            options.update(o for o in getattr(param, "opts", []) if o.startswith("--"))
        stack.extend(((*path, n), c) for n, c in getattr(command, "commands", {}).items())
    return options - {"--help"}, commands


def test_the_library_names_no_flag_and_no_command() -> None:
    """What a user can do next is the CLI's to word (`Hint`): no message of the model or the
    areas names one of the command line's options or commands (docstrings and comments may)."""
    options, commands = _options_and_commands()
    wording = [re.compile(rf"(?<![\w-]){re.escape(o)}(?![\w-])") for o in sorted(options)]
    wording += [re.compile(rf"{re.escape(c)}\b") for c in sorted(commands)]
    found = []
    for path in MODULES:
        if path.relative_to(PACKAGE).parts[0] not in LIBRARY:
            continue
        tree = _tree(path)
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                named = [p.pattern for p in wording if p.search(node.value)]
                if named:
                    found.append(f"{_name(path)}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "library text naming a flag or a command:\n" + "\n".join(found)
