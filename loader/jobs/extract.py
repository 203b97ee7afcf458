"""Mentions of known entities in texts, scored against gold, written as a lexical graph."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from loader.model.dataset import Dataset, default_data_path
from loader.model.errors import ConfigError
from loader.model.readers import read_text
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.connect import resolve_target
from loader.neo4j.lexical_store import LexicalResult, write_lexical
from loader.neo4j.target import ConnectionOptions
from loader.text.extract import Extraction, Matcher, Scores, evaluate, extract, surface_forms
from loader.text.gold import read_gold


@dataclass
class ExtractReport:
    extractions: list[Extraction]
    written: list[LexicalResult] = field(default_factory=list)
    scores: Scores | None = None


def document_id(path: Path, dataset: Dataset, data: Path | None = None) -> str:
    """A known source's id when the file is its text, else an ASCII id from the file name."""
    root = data or default_data_path()
    for source_id in dataset.sources:
        meta = root / "sources" / f"{source_id}.yaml"
        candidate = root / "sources" / f"{source_id}.txt"
        if meta.exists() and candidate.exists() and candidate.resolve() == path.resolve():
            return source_id
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if stem and stem.isascii() and len(stem) >= 3:
        return stem
    return "doc-" + hashlib.sha256(path.name.encode("utf-8")).hexdigest()[:12]


def run_extract(
    options: ConnectionOptions,
    files: list[Path],
    write: bool = False,
    gold: Path | None = None,
) -> ExtractReport:
    schema = load_schema()
    dataset = load_dataset(None, schema)
    matcher = Matcher(surface_forms(dataset, schema))
    report = ExtractReport([])
    for path in files:
        text, problems = read_text(path, str(path))
        if text is None:
            raise ConfigError(str(problems[0]))
        report.extractions.append(extract(text, dataset, document_id(path, dataset), matcher))
    if gold is not None:
        if len(files) != 1:
            raise ConfigError("--evaluate takes exactly one document")
        report.scores = evaluate(report.extractions[0].mentions, read_gold(gold))
    if write:
        target = resolve_target(options, start=True)
        report.written = [write_lexical(x, schema, target) for x in report.extractions]
    return report
