"""Gold mentions, annotated by hand, against which `kg extract --evaluate` scores itself.

A gold file names its document and its text (`document:`, `text:` relative to the gold file), so
`kg extract --evaluate data/gold/*.yaml` can score every annotated document without naming texts.
It may say which split its page is in (`split: dev` or `test`: the extractor is tuned on dev pages
only), and mark a mention `variant` (a form a reader recognises that the graph does not hold), so
the scores can be given by the graph's own names too (docs/extraction.md, the guideline).

A gold folder may hold `known-entities.txt`: the entity ids the graph had when its pages were
annotated. Its gold files are then scored against those entities only, so that entities added to the
graph later (often from the same pages) neither help nor hurt the scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from loader.model.errors import ConfigError, DataInvalid
from loader.model.readers import read_text, read_yaml

SPLITS = ("dev", "test")
VARIANT = "variant"
KNOWN = "known-entities.txt"  # beside the gold files: the graph's entity ids at annotation


@dataclass(frozen=True)
class Gold:
    document: str | None
    text: Path | None  # the annotated text, resolved from the gold file's folder
    mentions: frozenset[tuple[int, int, str]]  # (start, end, entity id)
    split: str | None = None  # dev or test; None: annotated before the splits
    variants: frozenset[tuple[int, int, str]] = frozenset()  # of `mentions`, forms not in the graph
    known: frozenset[str] | None = None  # the entity ids at annotation; None: the graph's own


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
    variants = set()
    for row in rows:
        if not (
            isinstance(row, list)
            and (len(row) == 5 or (len(row) == 6 and row[5] == VARIANT))
            and isinstance(row[1], int)
            and isinstance(row[2], int)
        ):
            raise ConfigError(
                f"{path}: each mention is [sentence, start, end, surface, entity] "
                f"or the same with {VARIANT!r} after it"
            )
        gold.add((row[1], row[2], str(row[4])))
        if len(row) == 6:
            variants.add((row[1], row[2], str(row[4])))
    split = data.get("split")
    if split is not None and split not in SPLITS:
        raise ConfigError(f"{path}: split is {' or '.join(SPLITS)}, not {split!r}")
    document = data.get("document")
    text = data.get("text")
    return Gold(
        document=str(document) if document is not None else None,
        text=path.parent / str(text) if text is not None else None,
        mentions=frozenset(gold),
        split=split,
        variants=frozenset(variants),
        known=_known(path.parent / KNOWN),
    )


def _known(path: Path) -> frozenset[str] | None:
    """The entity ids of a `known-entities.txt` (one per line, `#` comments), if there is one."""
    if not path.exists() and not path.is_symlink():
        return None
    text, problems = read_text(path, str(path))
    if text is None:
        raise DataInvalid("unreadable list of known entities", problems)
    ids = frozenset(s for line in text.splitlines() if (s := line.split("#", 1)[0].strip()))
    if not ids:
        raise ConfigError(f"{path}: lists no entity id")
    return ids


def read_gold(path: Path) -> set[tuple[int, int, str]]:
    """Gold mentions as (start, end, entity id)."""
    return set(read_gold_file(path).mentions)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    gold: int


def evaluate(predicted: Iterable[tuple[int, int, str]], gold: set[tuple[int, int, str]]) -> Scores:
    """Scores of predicted (start, end, entity) mentions against the gold ones."""
    found = set(predicted)
    return _scores(len(found & gold), len(found), len(gold))


def by_graph_names(predicted: Iterable[tuple[int, int, str]], gold: Gold) -> Scores:
    """The scores by the graph's own names: the `variant` mentions are left out of the gold, and
    finding one is neither right nor wrong."""
    return evaluate(set(predicted) - gold.variants, set(gold.mentions - gold.variants))


def total(scores: list[Scores]) -> Scores:
    """Micro-averaged scores over several documents (every mention counts once)."""
    return _scores(
        sum(s.true_positives for s in scores),
        sum(s.predicted for s in scores),
        sum(s.gold for s in scores),
    )


def _scores(hits: int, found: int, gold: int) -> Scores:
    precision = hits / found if found else 1.0
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        true_positives=hits,
        predicted=found,
        gold=gold,
    )
