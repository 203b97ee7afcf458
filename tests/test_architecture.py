"""The layout shows the design: no import cycles, small modules, a docstring map per package.

The direction of imports (cli → jobs → areas → model) is checked by import-linter in `make lint`
(contracts in pyproject.toml); this file checks what import-linter does not.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "loader"
MAX_LINES = 310  # "about 300"
MAX_CLI_LINES = 160  # the CLI only parses, calls and prints
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("loader")
    imports: nx.DiGraph[str] = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            imports.add_edge(module, imported)
    cycles = list(nx.simple_cycles(imports, length_bound=6))
    assert not cycles, f"import cycles: {cycles[:3]}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_small_and_says_why(path: Path) -> None:
    text = path.read_text("utf-8")
    limit = MAX_CLI_LINES if path.parent.name == "cli" else MAX_LINES
    assert text.count("\n") <= limit, f"{path.name} has {text.count(chr(10))} lines (> {limit})"
    assert ast.get_docstring(ast.parse(text)), f"{path} has no docstring"


def test_every_area_is_a_package_with_a_map() -> None:
    areas = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"model", "neo4j", "rdf", "text", "analysis", "divisions", "jobs", "cli"} <= areas
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules outside an area package: {loose}"
    for area in areas:
        doc = ast.get_docstring(ast.parse((PACKAGE / area / "__init__.py").read_text("utf-8")))
        assert doc and len(doc.splitlines()) >= 2, f"loader/{area}/__init__.py has no map"


def test_the_cli_imports_its_jobs_only_when_a_command_runs() -> None:
    """`kg --help` must stay quick: importing the CLI pulls in no RDF, graph or plotting library
    (each command imports its job when it runs)."""
    probe = (
        "import sys, loader.cli.app; "
        "heavy = ('rdflib', 'networkx', 'matplotlib', 'pyshacl'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
