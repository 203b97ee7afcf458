"""What a dataset says about itself: title, licence, who made and published it, its dates.

`data/dataset.yaml` declares these for the curated data; the divisions declare theirs in code,
next to the package they pin. The RDF export writes them as VoID and DCAT. Every field but the
name and version is optional: a project that declares none is described by its name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loader.model.problems import Problem
from loader.model.readers import LocDict
from loader.model.text_rules import scalar_problem

AGENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TEXTS = ("title", "title_en", "description", "rights")
LINKS = ("license", "source", "homepage")
DATES = ("issued", "modified")
AGENTS = ("creator", "publisher")


@dataclass(frozen=True)
class Agent:
    """A creator or publisher: an ASCII id (its IRI is minted from it), a name, a homepage."""

    id: str
    name: str
    url: str | None = None


@dataclass(frozen=True)
class About:
    name: str
    version: str
    title: str | None = None
    title_en: str | None = None
    description: str | None = None
    rights: str | None = None
    license: str | None = None
    source: str | None = None
    homepage: str | None = None
    issued: str | None = None
    modified: str | None = None
    creator: Agent | None = None
    publisher: Agent | None = None
    # A linkset: the dataset its links start in, their relationship type, the one they end in.
    links: tuple[str, str, str] | None = None


def read_about(name: str, version: str, meta: LocDict, file: str, problems: list[Problem]) -> About:
    """The optional description fields of `dataset.yaml`, each checked; a bad one is reported
    and left out."""
    fields: dict[str, object] = {}

    def bad(key: str, message: str) -> None:
        line = meta.line_of(key) or 1
        problems.append(Problem(file, line, code="bad-value", message=f"dataset {key} {message}"))

    for key in (*TEXTS, *LINKS, *DATES):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or scalar_problem(value):
            bad(key, "must be a non-empty string of valid Unicode")
        elif key in LINKS and not IRI.fullmatch(value):
            bad(key, "must be an http(s) IRI")
        elif key in DATES and not DATE.fullmatch(value):
            bad(key, "must be an ISO date (YYYY-MM-DD)")
        else:
            fields[key] = value.strip()
    for key in AGENTS:
        value = meta.get(key)
        if value is None:
            continue
        agent = _agent(value)
        if agent is None:
            bad(key, "must be a mapping of id (lower-case ASCII), name and an optional http(s) url")
        else:
            fields[key] = agent
    issued, modified = fields.get("issued"), fields.get("modified")
    if isinstance(issued, str) and isinstance(modified, str) and modified < issued:
        bad("modified", f"{modified} is before issued {issued}")
    return About(name, version, **fields)  # type: ignore[arg-type]


def _agent(value: object) -> Agent | None:
    if not isinstance(value, dict) or not set(value) <= {"id", "name", "url"}:
        return None
    agent_id, name, url = value.get("id"), value.get("name"), value.get("url")
    if not isinstance(agent_id, str) or not AGENT_ID.fullmatch(agent_id):
        return None
    if not isinstance(name, str) or not name.strip() or scalar_problem(name):
        return None
    if url is not None and (not isinstance(url, str) or not IRI.fullmatch(url)):
        return None
    return Agent(agent_id, name.strip(), url)
