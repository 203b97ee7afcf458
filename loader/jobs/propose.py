"""`kg propose`: a new page's proposals written as data a curator edits, then validates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from loader.jobs.extract import document_id
from loader.model.errors import ConfigError
from loader.model.outputs import report_folder, write_file
from loader.model.readers import read_text, read_yaml
from loader.model.workspace import Workspace
from loader.text.extract import Matcher, extract, surface_forms
from loader.text.propose import Proposals, propose

HEADER = (
    "# Proposed by `kg propose` from {document}: read each against its sentence, delete what is\n"
    "# wrong, then move this file into data/{folder}/ and run `kg validate`.\n"
)


@dataclass(frozen=True)
class Proposed:
    proposals: Proposals
    written: list[Path]


def run_propose(
    workspace: Workspace, files: list[Path], out: Path, published: date | None = None
) -> list[Proposed]:
    """Propose from each page and write its facts file and entity stubs under `out` (and a
    source stub with its text, when the page has no source record beside it)."""
    if not files:
        raise ConfigError("give the text file of a page to propose from")
    dataset, schema = workspace.dataset, workspace.schema
    matcher = Matcher(surface_forms(dataset, schema))
    done = []
    stubbed: set[str] = set()  # a name two pages propose gets one stub, in the first's file
    for path in files:
        text, problems = read_text(path, str(path))
        if text is None:
            raise ConfigError(str(problems[0]))
        record = _source_record(path)
        document = str(record.get("id") or document_id(path, dataset, workspace.data_path))
        day = published or _published(record)
        found = propose(extract(text, dataset, document, matcher), dataset, schema, day)
        found.entities = [e for e in found.entities if e["id"] not in stubbed]
        stubbed.update(e["id"] for e in found.entities)
        done.append(Proposed(found, _write(found, out, path, record, text)))
    return done


def _source_record(path: Path) -> dict[str, Any]:
    """The page's source record, a YAML file of the same stem beside it, if there is one."""
    beside = path.with_suffix(".yaml")
    if not beside.is_file():
        return {}
    read = read_yaml(beside, str(beside))
    return dict(read.data) if not read.problems and isinstance(read.data, dict) else {}


def _published(record: dict[str, Any]) -> date | None:
    value = str(record.get("published") or "")
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _write(
    found: Proposals, out: Path, page: Path, record: dict[str, Any], text: str
) -> list[Path]:
    written = []
    document = found.document
    facts: dict[str, Any] = {"source": document, "statements": []}
    for statement in found.statements:
        entry: dict[str, Any] = {"sentence": statement.sentence}
        if statement.facts:
            entry["facts"] = statement.facts
        if statement.values:
            entry["values"] = statement.values
        if statement.corroborates:
            entry["corroborates"] = statement.corroborates
        facts["statements"].append(entry)
    files: list[tuple[str, Any]] = [("facts", facts)]
    if found.entities:
        files.append(("entities", found.entities))
    if not record:
        files.append(("sources", _source_stub(document, page, text)))
    for folder, data in files:
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        text_out = HEADER.format(document=document, folder=folder) + body
        target = report_folder(out / folder) / f"{document}.yaml"
        written.append(write_file(target, text_out.encode("utf-8")))
    if not record:  # the stub's text, beside it
        target = out / "sources" / f"{document}.txt"
        written.append(write_file(target, text.encode("utf-8")))
    return written


def _source_stub(document: str, page: Path, text: str) -> dict[str, Any]:
    first = next((line.strip() for line in text.splitlines() if line.strip()), document)
    return {
        "id": document,
        "title": first[:80],
        "text": f"{document}.txt",
        "note": f"proposed from {page.name}: add the publisher, url, published and retrieved",
    }
