"""Gold mentions, annotated by hand, against which `kg extract --evaluate` scores itself."""

from __future__ import annotations

from pathlib import Path

from loader.model.errors import ConfigError, DataInvalid
from loader.model.readers import read_yaml


def read_gold(path: Path) -> set[tuple[int, int, str]]:
    """Gold mentions as (start, end, entity id), from a file like data/gold/*.mentions.yaml."""
    read = read_yaml(path, str(path))
    if read.problems:
        raise DataInvalid("invalid gold file", read.problems)
    rows = read.data.get("mentions") if isinstance(read.data, dict) else None
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: a gold file needs `mentions:`")
    gold = set()
    for row in rows:
        if not (
            isinstance(row, list)
            and len(row) == 5
            and isinstance(row[1], int)
            and isinstance(row[2], int)
        ):
            raise ConfigError(f"{path}: each mention is [sentence, start, end, surface, entity]")
        gold.add((row[1], row[2], str(row[4])))
    return gold
