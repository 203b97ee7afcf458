"""Test helper: this repository's project, as the command line would find it.

`schema()` is read once (it is frozen); `dataset()` is read afresh on each call, since tests
change the datasets they are given.
"""

from __future__ import annotations

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
