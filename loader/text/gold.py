"""Gold mentions, annotated by hand, against which `kg extract --evaluate` scores itself.

A gold file names its document and its text (`document:`, `text:` relative to the gold file), so
`kg extract --evaluate data/gold/*.yaml` can score every annotated document without naming texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.model.errors import ConfigError, DataInvalid
from loader.model.readers import read_yaml


@dataclass(frozen=True)
class Gold:
    document: str | None
    text: Path | None  # the annotated text, resolved from the gold file's folder
    mentions: frozenset[tuple[int, int, str]]  # (start, end, entity id)


def read_gold_file(path: Path) -> Gold:
    """A gold file like data/gold/*.mentions.yaml."""
    read = read_yaml(path, str(path))
    if read.problems:
        raise DataInvalid("invalid gold file", read.problems)
    data = read.data if isinstance(read.data, dict) else {}
    rows = data.get("mentions")
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
    document = data.get("document")
    text = data.get("text")
    return Gold(
        str(document) if document is not None else None,
        path.parent / str(text) if text is not None else None,
        frozenset(gold),
    )


def read_gold(path: Path) -> set[tuple[int, int, str]]:
    """Gold mentions as (start, end, entity id)."""
    return set(read_gold_file(path).mentions)
