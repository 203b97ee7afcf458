"""Installed as a package, run from any folder of a project: the way a user meets the tool."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.neo4j.server import ManagedServer

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("kg.toml", "data", "schema", "queries")


def _project_copy(where: Path) -> Path:
    where.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name)
        else:
            shutil.copy2(source, where / name)
    return where


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_"))}
    env.pop("PYTHONPATH", None)
    return env


def test_wheel_works_in_a_project_copy(tmp_path: Path) -> None:
    """`pip install` of the wheel (not editable) into a fresh venv, run in a subfolder."""
    source = tmp_path / "source"  # setuptools builds in-tree: keep build/ out of the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "loader", source / "loader", ignore=shutil.ignore_patterns("__pycache__")
    )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = next(wheels.glob("jinshan_kg-*.whl"))
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    # The dependencies come from this environment's site-packages (appended after the venv's
    # own, so `loader` itself is the installed wheel, not this checkout).
    site = Path(
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "kg-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", "utf-8")
    project = _project_copy(tmp_path / "project")
    env = _clean_env()
    kg = str(venv / "bin" / "kg")

    where = subprocess.run(
        [python, "-c", "import loader; print(loader.__file__)"],
        cwd=project,  # not this checkout, which `python -c` would put first on sys.path
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert where.startswith(str(venv)), where

    validated = subprocess.run(
        [kg, "validate", "--format", "json"],
        cwd=project / "data" / "entities",
        env=env,
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stderr
    assert json.loads(validated.stdout)["ok"] is True

    listed = subprocess.run(
        [kg, "query", "list", "--format", "json"],
        cwd=project / "queries",
        env=env,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, listed.stderr
    names = {q["name"] for q in json.loads(listed.stdout)}
    assert names == {p.stem for p in (ROOT / "queries").glob("*.cypher")}


def test_outside_a_project_says_so(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_PROJECT", raising=False)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "kg: error: not inside a jinshan-kg project (no kg.toml here or in any parent folder); "
        "run kg from the project folder, or pass --project or set KG_PROJECT"
    ]
    # a command that needs no project still works
    status = runner.invoke(app, ["neo4j", "status", "--home", str(tmp_path / "none")])
    assert status.exit_code == 3, status.output
    assert "running:" in status.stdout


def test_project_option_and_bad_marker(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project_copy(tmp_path / "copy")
    monkeypatch.chdir(tmp_path)
    ok = runner.invoke(app, ["--project", str(project), "validate", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    (project / "kg.toml").write_text("[paths]\ndata = 3\n", "utf-8")
    bad = runner.invoke(app, ["--project", str(project), "validate"])
    assert bad.exit_code == 1
    assert "paths.data must be a non-empty string" in bad.stderr
    none = runner.invoke(app, ["--project", str(tmp_path), "validate"])
    assert none.exit_code == 1
    assert "has no kg.toml" in none.stderr
    # a command that names its server needs nothing of the broken project
    monkeypatch.chdir(project)
    status = runner.invoke(app, ["neo4j", "status", "--home", str(tmp_path / "none")])
    assert status.exit_code == 3, status.output


def test_named_data_and_schema_need_no_project(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a project, a command given both its data folder and its schema file works on
    them; given one of them, it says how to name a project."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_PROJECT", raising=False)
    schema = str(ROOT / "schema" / "schema.yaml")
    both = runner.invoke(
        app, ["validate", str(ROOT / "data"), "--schema", schema, "--format", "json"]
    )
    assert both.exit_code == 0, both.output
    assert json.loads(both.stdout)["ok"] is True
    half = runner.invoke(app, ["validate", str(ROOT / "data")])
    assert half.exit_code == 1 and "not inside a jinshan-kg project" in half.stderr


@pytest.mark.neo4j
def test_cypher_from_a_subfolder_uses_the_projects_server(
    tmp_path: Path,
    managed_server: ManagedServer,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From data/, the project's running server answers (no second server, no "not running")."""
    project = _project_copy(tmp_path / "project")
    marker = project / "kg.toml"
    marker.write_text(
        marker.read_text("utf-8").replace(
            'neo4j_home = ".kg/neo4j"', f'neo4j_home = "{managed_server.home}"'
        ),
        "utf-8",
    )
    for name in ("NEO4J_URI", "NEO4J_PASSWORD", "KG_NEO4J_HOME", "KG_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(project / "data")
    result = runner.invoke(app, ["cypher", "RETURN 1 AS one", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"one": 1}]
