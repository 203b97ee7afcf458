"""Checking the curated data against the schema, and building the validated `Dataset`.

Every problem is collected as a coded `Problem` so that one run reports them all: unknown
labels, types and properties, wrong types, missing values, duplicate ids and aliases, dangling
endpoints, pairs the schema forbids, citations not found verbatim in their source, bad dates.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from loader.model.about import About, read_about
from loader.model.claims import add_claims, cited_fields, sentence_problem, time_problem
from loader.model.dataset import (
    Dataset,
    Entity,
    FactRecord,
    Record,
    Relation,
    Source,
    Statement,
    entity_records,
    fact_records,
    source_records,
    statements,
)
from loader.model.errors import DataInvalid
from loader.model.identity_checks import unconfirmed_identifier, unique_id, unique_names
from loader.model.problems import Problem
from loader.model.properties import checked_properties, hint
from loader.model.readers import LocDict, outside, read_text, read_yaml
from loader.model.schema import Schema
from loader.model.text_rules import NAME_PROPERTIES, dataset_name_problem, scalar_problem

# Keys a source file may carry besides the properties of the schema's document label.
SOURCE_META = ("id", "text")
CORROBORATED_BY = "corroborated_by"  # derived: the sources of the `corroborates:` lists


@dataclass
class Report:
    dataset: Dataset | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.severity != "error" for p in self.problems)  # warnings do not stop a load


def validate(root: Path, schema: Schema) -> Report:
    """Read and check everything under the data folder `root`; never touches Neo4j."""
    problems: list[Problem] = []
    if not root.is_dir():
        missing = Problem(str(root), 0, code="not-a-data-folder", message="not a data folder")
        return Report(None, [missing])
    about = _dataset_meta(root, problems)
    dataset = Dataset(about.name, about.version, about=about)
    _sources(root, schema, dataset, problems)
    _entities(root, schema, dataset, problems)
    unique_names(dataset, schema.unnamed(), problems)
    read = statements(root, problems)
    _relations(read, schema, dataset, problems)
    add_claims(read, schema, dataset, problems)
    problems.sort(key=lambda p: (p.file, p.line, p.message))
    return Report(dataset, problems)


def load_dataset(root: Path, schema: Schema) -> Dataset:
    """The validated dataset, or `DataInvalid` carrying every problem."""
    return checked_dataset(validate(root, schema))


def checked_dataset(report: Report) -> Dataset:
    """The dataset of a validation that found no error, or `DataInvalid` with every problem."""
    if not report.ok or report.dataset is None:
        raise DataInvalid("invalid data", report.problems)
    return report.dataset


def dataset_about(root: Path) -> About:
    """What `dataset.yaml` declares, read alone (a field with a problem is left out): for an
    export from Neo4j, which need not validate the whole data folder."""
    return _dataset_meta(root, [])


def _dataset_meta(root: Path, problems: list[Problem]) -> About:
    path = root / "dataset.yaml"
    read = read_yaml(path, str(path), root)
    problems.extend(read.problems)
    meta = read.data if isinstance(read.data, LocDict) else LocDict()
    if read.data is not None and not isinstance(read.data, LocDict):
        not_mapping = "dataset.yaml must be a mapping"
        problems.append(Problem(str(path), 1, code="bad-shape", message=not_mapping))
    values: list[str] = []
    for key in ("name", "version"):
        value = meta.get(key)
        if not isinstance(value, str):
            wrong: str | None = "must be a non-empty string of valid Unicode"
        elif key == "name":
            wrong = dataset_name_problem(value)
        else:
            bad = not value.strip() or scalar_problem(value)
            wrong = "must be a non-empty string of valid Unicode" if bad else None
        if wrong and read.data is not None:
            where = meta.line_of(key) or 1
            message = f"dataset {key} {wrong}"
            problems.append(Problem(str(path), where, code="bad-value", message=message))
        default = "unnamed" if key == "name" else "0"
        values.append(value if isinstance(value, str) and not wrong else default)
    return read_about(values[0], values[1], meta, str(path), problems)


def _sources(root: Path, schema: Schema, dataset: Dataset, problems: list[Problem]) -> None:
    document = schema.label_for("document")
    specs = schema.node_properties(document)
    for record in source_records(root, problems):
        values = record.values
        source_id = values.get("id")
        props = checked_properties(
            record,
            {
                k: v
                for k, v in values.items()
                if k not in SOURCE_META and not str(k).endswith("_note")
            },
            specs,
            problems,
            owner="source",
            extra={"id": source_id, "name": values.get("title")},
            names={schema.key, *NAME_PROPERTIES},
        )
        text_path = _text_path(root, record, problems)
        if text_path is None:
            continue
        text, text_problems = read_text(text_path, os.path.normpath(text_path), root)
        problems.extend(text_problems)
        if props is None or text is None:
            continue
        if unique_id(dataset, props["id"], record.at("id"), problems):
            dataset.sources[props["id"]] = Source(props["id"], text, record.location)
            dataset.entities[props["id"]] = Entity(props["id"], document, props, record.location)


def _text_path(root: Path, record: Record, problems: list[Problem]) -> Path | None:
    """The source's text file: a relative path from the source file that stays in `root`."""
    name, line = record.values.get("text"), record.values.line_of("text")
    if not isinstance(name, str) or not name.strip():
        no_text = "a source needs `text:`, its text file"
        problems.append(Problem(record.file, line, code="missing-property", message=no_text))
        return None
    if "\x00" in name or scalar_problem(name):
        bad_name = "text: not a valid file name"
        problems.append(Problem(record.file, line, code="bad-value", message=bad_name))
        return None
    path = Path(record.file).parent / name
    if Path(name).is_absolute() or outside(path, root):
        problems.append(
            Problem(
                record.file,
                line,
                code="outside-data-folder",
                message=f"text {name!r} leads outside the data folder: name a file beside the "
                "source (a relative path, no `..` or symlink out)",
            )
        )
        return None
    return path


def _entities(root: Path, schema: Schema, dataset: Dataset, problems: list[Problem]) -> None:
    for record in entity_records(root, problems):
        label = record.values.get("type")
        if not isinstance(label, str):
            what = "missing `type` (the label)" if label is None else "`type` must be a label name"
            at = record.values.line
            problems.append(Problem(record.file, at, code="unknown-label", message=what))
            continue
        if label not in schema.labels:
            problems.append(
                Problem(
                    record.file,
                    record.values.line_of("type"),
                    code="unknown-label",
                    message=f"unknown label {label!r}{hint(label, schema.labels)}",
                )
            )
            continue
        if label == schema.label_for("document"):
            problems.append(
                Problem(
                    record.file,
                    record.values.line_of("type"),
                    code="document-in-entities",
                    message=f"{label} entities come from data/sources/, not entity files",
                )
            )
            continue
        specs = schema.node_properties(label)
        fields = cited_fields(
            record, {k: v for k, v in record.values.items() if k != "type"}, specs, problems
        )
        props = checked_properties(
            record,
            fields,
            specs,
            problems,
            owner=label,
            names={schema.key, *NAME_PROPERTIES},
        )
        if props is None:
            continue
        wrong = unconfirmed_identifier(props, specs)
        if wrong is not None:
            problems.append(wrong.at(record.file, record.values.line))
            continue
        for source in props.get("sources", []):
            if source not in dataset.sources:
                unknown = f"unknown source {source!r}"
                at = record.values.line_of("sources")
                problems.append(Problem(record.file, at, code="unknown-source", message=unknown))
        if unique_id(dataset, props["id"], record.at("id"), problems):
            dataset.entities[props["id"]] = Entity(props["id"], label, props, record.location)


def _relations(
    read: list[Statement], schema: Schema, dataset: Dataset, problems: list[Problem]
) -> None:
    seen: dict[tuple[str, str, str], Relation] = {}
    for fact in fact_records(read, problems):
        relation = _relation(fact, schema, dataset, problems)
        if relation is None:
            continue
        first = seen.get(relation.key)
        if first is not None:
            problems.append(
                Problem(
                    fact.file,
                    fact.values.line,
                    code="duplicate-relation",
                    message=f"duplicate relation {relation.start} -{relation.type}-> "
                    f"{relation.end} (first at {first.location}); cite it once, or list it "
                    "under `corroborates:`",
                )
            )
            continue
        seen[relation.key] = relation
        dataset.relations.append(relation)
    for fact in fact_records(read, problems, "corroborates"):
        _corroborate(fact, seen, schema, dataset, problems)


def _corroborate(
    fact: FactRecord,
    seen: dict[tuple[str, str, str], Relation],
    schema: Schema,
    dataset: Dataset,
    problems: list[Problem],
) -> None:
    """Add the source of a sentence that states a relation stated elsewhere to that relation's
    `corroborated_by`, once the sentence is found in its source."""
    extra = sorted(set(fact.values) - {"from", "type", "to"})
    if extra:
        only = f"a corroboration names only from, type and to, not {', '.join(map(str, extra))}"
        problems.append(Problem(fact.file, fact.values.line, code="bad-shape", message=only))
        return
    # endpoints, pair, the sentence in its source
    checked = _relation(fact, schema, dataset, problems, citation_only=True)
    if checked is None:
        return
    first = seen.get(checked.key)
    source = checked.properties["source"]
    others: list[str] = first.properties.get(CORROBORATED_BY, []) if first else []
    if first is None or source == first.properties["source"] or source in others:
        what = f"{checked.start} -{checked.type}-> {checked.end}"
        why = (
            f"no statement states {what} under `facts:`"
            if first is None
            else f"{what} is already cited from {source!r} (at {first.location})"
        )
        problems.append(
            Problem(fact.file, fact.values.line, code="corroborates-nothing", message=why)
        )
        return
    first.properties[CORROBORATED_BY] = [*others, source]


def _relation(
    fact: FactRecord,
    schema: Schema,
    dataset: Dataset,
    problems: list[Problem],
    *,
    citation_only: bool = False,
) -> Relation | None:
    """The relation a fact states, checked; `citation_only` (a corroboration): only its
    source and sentence, the fact's own properties and dates being the first statement's."""
    values, file = fact.values, fact.file
    start, rel_type, end = values.get("from"), values.get("type"), values.get("to")
    line = values.line
    if not all(isinstance(v, str) and v for v in (start, rel_type, end)):
        shape = "a relation needs `from`, `type` and `to`"
        problems.append(Problem(file, line, code="bad-shape", message=shape))
        return None
    assert isinstance(start, str) and isinstance(rel_type, str) and isinstance(end, str)
    if rel_type not in schema.relationships:
        unknown = f"unknown relationship type {rel_type!r}{hint(rel_type, schema.relationships)}"
        problems.append(Problem(file, values.line_of("type"), code="unknown-type", message=unknown))
        return None
    ok = True
    for end_id in (start, end):
        if end_id not in dataset.entities:
            problems.append(
                Problem(
                    file,
                    line,
                    code="dangling-endpoint",
                    message=f"relation endpoint {end_id!r} does not exist"
                    f"{hint(end_id, dataset.entities)}",
                )
            )
            ok = False
    if ok and start == end:
        itself = f"relation from {start!r} to itself"
        problems.append(Problem(file, line, code="self-relation", message=itself))
        ok = False
    if ok and not schema.allows(dataset.label_of(start), rel_type, dataset.label_of(end)):
        pair = f"({dataset.label_of(start)})->({dataset.label_of(end)})"
        forbidden = f"{rel_type} does not allow {pair}"
        problems.append(Problem(file, line, code="pair-not-allowed", message=forbidden))
        ok = False
    if CORROBORATED_BY in values:
        derived = f"{CORROBORATED_BY} comes from `corroborates:` lists, not from a fact"
        problems.append(
            Problem(file, values.line_of(CORROBORATED_BY), code="bad-value", message=derived)
        )
        return None
    fields = {k: v for k, v in values.items() if k not in ("from", "type", "to")}
    fields.setdefault("sentence", fact.sentence)
    fields.setdefault("source", fact.source)
    fields = {k: v for k, v in fields.items() if v is not None}
    record = Record(values, file)
    specs = schema.relationship_properties(rel_type)
    if citation_only:
        specs = {k: spec for k, spec in specs.items() if k in ("source", "sentence")}
    props = checked_properties(record, fields, specs, problems, owner=rel_type)
    if props is None or not ok:
        return None
    wrong = sentence_problem(props, dataset)
    if wrong is not None:
        at = line
        if wrong.code == "sentence-not-in-source":
            at = fact.sentence_line if "sentence" not in values else values.line_of("sentence")
        problems.append(wrong.at(file, at))
        return None
    timed = schema.relationships[rel_type].timed and not citation_only
    wrong = time_problem(props, f"{start} {rel_type} {end}", timed)
    if wrong is not None:
        problems.append(wrong.at(file, line))
        return None
    return Relation(start, rel_type, end, props, fact.location)
