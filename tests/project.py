"""Test helper: this repository's project, as the command line would find it.

`schema()` is read once (it is frozen); `dataset()` is read afresh on each call, since tests
change the datasets they are given.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

from loader.model.dataset import Dataset
from loader.model.schema import Schema, load_schema
from loader.model.validation import load_dataset
from loader.model.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SCHEMA_FILE = ROOT / "schema" / "schema.yaml"
QUERIES = ROOT / "queries"


@cache
def schema() -> Schema:
    return load_schema(SCHEMA_FILE)


def dataset(data: Path = DATA) -> Dataset:
    """The validated curated data (of `data`, another folder, if given), read afresh."""
    return load_dataset(data, schema())


def workspace() -> Workspace:
    """A fresh workspace of this project (its data read on first use)."""
    return Workspace.at(ROOT)


def dead_pid() -> int:
    """The id of a process that has just exited: a holder that is gone."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())


RELABELLED = "hongxingyun-shanghai-branch"  # a Project in the curated data


def relabel_project_as_park(data: Path) -> None:
    """Change the type of `RELABELLED` from Project to Park in a copy of the data."""
    entities = data / "entities" / "parks_projects.yaml"
    text = entities.read_text("utf-8")
    old = f"- type: Project\n  id: {RELABELLED}\n"
    assert old in text
    entities.write_text(text.replace(old, old.replace("Project", "Park")), "utf-8")
