"""Mentions of known entities in texts, scored against gold, written as a lexical graph."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from loader.model.dataset import Dataset
from loader.model.errors import ConfigError, UsageError
from loader.model.readers import read_text
from loader.model.workspace import Workspace
from loader.neo4j.connect import Connection
from loader.neo4j.lexical_store import LexicalResult, write_lexical
from loader.text.extract import Extraction, Matcher, extract, surface_forms
from loader.text.gold import Gold, Scores, by_graph_names, evaluate, read_gold_file, total


@dataclass(frozen=True)
class Evaluation:
    """One gold file's scores: by what a reader recognises (the gold as annotated) and by the
    graph's own names (the `variant` mentions left out)."""

    document: str
    split: str | None
    scores: Scores
    graph_names: Scores


@dataclass
class ExtractReport:
    extractions: list[Extraction]
    written: list[LexicalResult] = field(default_factory=list)
    scores: Scores | None = None  # over every evaluated document
    evaluations: list[Evaluation] = field(default_factory=list)  # per document
    splits: dict[str, Scores] = field(default_factory=dict)  # dev / test: over their documents

    def split_totals(self) -> None:
        """The totals over every document and over each split's."""
        self.scores = total([e.scores for e in self.evaluations])
        for split in sorted({e.split for e in self.evaluations if e.split}):
            self.splits[split] = total([e.scores for e in self.evaluations if e.split == split])


def document_id(path: Path, dataset: Dataset, root: Path) -> str:
    """A known source's id when the file is its text (in the data folder `root`), else an
    ASCII id from the file name."""
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
    workspace: Workspace,
    connection: Connection,
    files: list[Path],
    *,
    write: bool = False,
    golds: list[Path] | None = None,
) -> ExtractReport:
    """Extract from `files`; score against each gold file (its own text is read when it is not
    among `files`); with `write`, store the lexical graphs."""
    if not files and not golds:
        raise UsageError("give a text file to extract from, or --evaluate with a gold file")
    schema, dataset = workspace.schema, workspace.dataset
    matcher = Matcher(surface_forms(dataset, schema))
    as_annotated: dict[frozenset[str], tuple[Dataset, Matcher]] = {}
    report = ExtractReport([])
    for path in files:
        report.extractions.append(
            extract(_read(path), dataset, document_id(path, dataset, workspace.data_path), matcher)
        )
    for gold_path in _gold_files(golds or []):
        gold = read_gold_file(gold_path)
        extraction = _extraction_for(gold, gold_path, report, len(files))
        scored, by = dataset, matcher
        if gold.known is not None:  # scored against the graph it was annotated against
            if gold.known not in as_annotated:
                known = _as_annotated(dataset, gold.known)
                as_annotated[gold.known] = (known, Matcher(surface_forms(known, schema)))
            scored, by = as_annotated[gold.known]
        if extraction is None:  # the gold's own text, confined to the data folder it lies in
            text = _read(gold.text or gold_path, gold_path.parent.parent)
            extraction = extract(text, scored, gold.document or "", by)
        elif gold.known is not None:  # the file's text again, by the known entities only
            extraction = extract(extraction.text, scored, extraction.document, by)
        found = [m.key() for m in extraction.mentions]
        report.evaluations.append(
            Evaluation(
                extraction.document,
                gold.split,
                evaluate(found, set(gold.mentions)),
                by_graph_names(found, gold),
            )
        )
    if report.evaluations:
        report.split_totals()
    if write:
        graph = connection.graph()
        report.written = [write_lexical(graph, x, schema) for x in report.extractions]
    return report


def _as_annotated(dataset: Dataset, known: frozenset[str]) -> Dataset:
    """The dataset with only the entities a gold folder was annotated against (and the sources,
    whose spun copies teach the spelling variants)."""
    keep = known | dataset.sources.keys()
    entities = {k: e for k, e in dataset.entities.items() if k in keep}
    return replace(dataset, entities=entities)


def _gold_files(paths: list[Path]) -> list[Path]:
    """The gold files named, a folder standing for every *.mentions.yaml in it."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.mentions.yaml")) if path.is_dir() else [path])
    if paths and not found:
        raise ConfigError(f"no gold file (*.mentions.yaml) in {', '.join(map(str, paths))}")
    return found


def _read(path: Path, root: Path | None = None) -> str:
    text, problems = read_text(path, str(path), root)
    if text is None:
        raise ConfigError(str(problems[0]))
    return text


def _extraction_for(gold: Gold, path: Path, report: ExtractReport, files: int) -> Extraction | None:
    """The extraction a gold file scores: its document's, or the only one; None to read its text."""
    if gold.document is None:
        if files != 1:
            raise ConfigError(f"{path}: names no `document:`, so it scores exactly one text file")
        return report.extractions[0]
    for extraction in report.extractions:
        if extraction.document == gold.document:
            return extraction
    if gold.text is None:
        raise ConfigError(f"{path}: document {gold.document} is not among the files, no `text:`")
    return None
