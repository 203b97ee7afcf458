"""The graph schema, read from `schema/schema.yaml`: the single source of truth.

A frozen model of labels, relationship types and typed properties. Loading it checks the file
itself (an undefined label in a pattern, an unknown property type) and names the line. Neo4j
DDL, SHACL shapes and the ontology are all derived from this model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from loader.model.errors import DataInvalid
from loader.model.project import current_project
from loader.model.readers import LocDict, Problem, read_yaml

TYPES = ("string", "integer", "decimal", "boolean", "date", "list[string]")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    max_length: int | None = None

    def coerce(self, value: Any) -> tuple[Any, str | None]:
        """(value in its canonical Python form, None) or (None, what is wrong)."""
        checked, error = _typed(self.type, value)
        if error:
            return None, error
        if self.values and checked not in self.values:
            return None, f"{checked!r} is not one of: {', '.join(self.values)}"
        if self.pattern and isinstance(checked, str) and not re.fullmatch(self.pattern, checked):
            return None, f"{checked!r} does not match {self.pattern}"
        if (
            self.max_length is not None
            and isinstance(checked, str)
            and (len(checked) > self.max_length)
        ):
            return None, f"longer than {self.max_length} characters ({len(checked)})"
        if self.minimum is not None and checked < self.minimum:
            return None, f"{checked} is below the minimum {self.minimum}"
        if self.maximum is not None and checked > self.maximum:
            return None, f"{checked} is above the maximum {self.maximum}"
        return checked, None


def _typed(kind: str, value: Any) -> tuple[Any, str | None]:
    if kind == "string":
        if isinstance(value, str) and value.strip():
            return value, None
        return None, "expected a non-empty string" if isinstance(value, str) else (
            f"expected a string, got {_kind(value)}"
        )
    if kind == "integer":
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value), None
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        return None, f"expected an integer, got {_kind(value)}"
    if kind == "decimal":
        if isinstance(value, bool):
            return None, "expected a number, got a boolean"
        if isinstance(value, int | float):
            value = str(value)
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                return None, f"expected a number, got {value!r}"
            if number.is_finite():
                return float(number), None
        return None, f"expected a number, got {_kind(value)}"
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true", None
        return None, f"expected true or false, got {_kind(value)}"
    if kind == "date":
        if isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip()).isoformat(), None
            except ValueError:
                pass
        return None, f"expected an ISO date (yyyy-mm-dd), got {value!r}"
    if kind == "list[string]":
        if isinstance(value, str):
            value = [v for v in value.split("|")]
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            return sorted(dict.fromkeys(str(v) for v in value)), None  # a set: stable order
        return None, "expected a list of non-empty strings"
    return None, f"unknown type {kind}"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
    }.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class LabelSpec:
    name: str
    zh: str
    description: str
    properties: dict[str, PropertySpec]
    indexed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelTypeSpec:
    name: str
    zh: str
    description: str
    properties: dict[str, PropertySpec]
    pairs: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Schema:
    name: str
    base_label: str
    key: str
    common: dict[str, PropertySpec]
    labels: dict[str, LabelSpec]
    relationships: dict[str, RelTypeSpec]
    provenance: dict[str, PropertySpec]
    path: Path
    lexical: dict[str, str] = field(default_factory=dict)

    def node_properties(self, label: str) -> dict[str, PropertySpec]:
        return {**self.common, **self.labels[label].properties}

    def relationship_properties(self, rel_type: str) -> dict[str, PropertySpec]:
        return {**self.provenance, **self.relationships[rel_type].properties}

    def allows(self, start: str, rel_type: str, end: str) -> bool:
        spec = self.relationships.get(rel_type)
        return spec is not None and (start, end) in spec.pairs


def load_schema(path: Path | None = None) -> Schema:
    """Read and check the schema file; every problem in it is reported at once."""
    path = path or default_schema_path()
    name = str(path)
    read = read_yaml(path, name)
    problems = list(read.problems)
    data = read.data
    if not problems and not isinstance(data, LocDict):
        problems.append(Problem(name, 1, "the schema must be a mapping"))
    if problems:
        raise DataInvalid("invalid schema", problems)
    assert isinstance(data, LocDict)

    def props(section: Any, where: str, line: int) -> dict[str, PropertySpec]:
        if section is None:
            return {}
        if not isinstance(section, LocDict):
            problems.append(Problem(name, line, f"{where}: properties must be a mapping"))
            return {}
        out: dict[str, PropertySpec] = {}
        for prop, spec in section.items():
            spec_line = section.line_of(prop)
            if not isinstance(spec, LocDict) or spec.get("type") not in TYPES:
                problems.append(
                    Problem(
                        name, spec_line, f"{where}.{prop}: type must be one of " + ", ".join(TYPES)
                    )
                )
                continue
            out[str(prop)] = PropertySpec(
                name=str(prop),
                type=spec["type"],
                required=bool(spec.get("required", False)),
                values=tuple(str(v) for v in spec.get("values") or ()),
                pattern=spec.get("pattern"),
                max_length=spec.get("max_length"),
                minimum=spec.get("min"),
                maximum=spec.get("max"),
                description=str(spec.get("description", "")),
            )
        return out

    labels: dict[str, LabelSpec] = {}
    declared = _section(data, "labels")
    declared_types = _section(data, "relationships")
    for section in (declared, declared_types):
        for identifier in section:
            if not IDENTIFIER.match(str(identifier)):
                problems.append(
                    Problem(
                        name,
                        section.line_of(identifier),
                        f"{identifier!r} is not a plain identifier (A-Z, a-z, 0-9, _)",
                    )
                )
    for label, spec in declared.items():
        spec = spec if isinstance(spec, LocDict) else LocDict()
        label_props = props(spec.get("properties"), f"labels.{label}", spec.line)
        indexed = tuple(str(p) for p in spec.get("index") or ())
        for prop in indexed:
            if prop not in label_props:
                problems.append(
                    Problem(
                        name,
                        spec.line_of("index"),
                        f"labels.{label}: index on unknown property {prop!r}",
                    )
                )
        labels[str(label)] = LabelSpec(
            str(label),
            str(spec.get("zh", label)),
            str(spec.get("description", "")),
            label_props,
            indexed,
        )
    relationships: dict[str, RelTypeSpec] = {}
    for rel, spec in declared_types.items():
        spec = spec if isinstance(spec, LocDict) else LocDict()
        pairs: set[tuple[str, str]] = set()
        for pattern in spec.get("patterns") or []:
            for end in ("from", "to"):
                for label in pattern.get(end, []) if isinstance(pattern, LocDict) else []:
                    if label not in labels:
                        problems.append(
                            Problem(
                                name,
                                pattern.line_of(end),
                                f"relationship {rel} names undefined label {label!r}",
                            )
                        )
            if isinstance(pattern, LocDict):
                pairs |= {(a, b) for a in pattern.get("from", []) for b in pattern.get("to", [])}
        if not pairs:
            problems.append(
                Problem(name, spec.line, f"relationship {rel} allows no (from, to) pair")
            )
        relationships[str(rel)] = RelTypeSpec(
            str(rel),
            str(spec.get("zh", rel)),
            str(spec.get("description", "")),
            props(spec.get("properties"), f"relationships.{rel}", spec.line),
            frozenset(pairs),
        )
    schema = Schema(
        name=str(data.get("name", "graph")),
        base_label=str(data.get("base_label", "Entity")),  # checked below
        key=str(data.get("key", "id")),
        common=props(data.get("common_properties"), "common_properties", data.line),
        labels=labels,
        relationships=relationships,
        provenance=props(data.get("provenance_properties"), "provenance_properties", data.line),
        path=path,
        lexical={str(k): str(v) for k, v in _section(data, "lexical").items()},
    )
    for key, identifier in schema.lexical.items():
        if not IDENTIFIER.match(identifier) or identifier in labels:
            problems.append(
                Problem(
                    name,
                    _section(data, "lexical").line_of(key),
                    f"lexical.{key} must be a new plain identifier",
                )
            )
    if not IDENTIFIER.match(schema.base_label) or schema.base_label in labels:
        problems.append(
            Problem(
                name,
                data.line_of("base_label"),
                "base_label must be a plain identifier that is not also a label",
            )
        )
    if schema.key not in schema.common or not schema.common[schema.key].required:
        problems.append(
            Problem(
                name, data.line_of("key"), f"key {schema.key!r} must be a required common property"
            )
        )
    if problems:
        raise DataInvalid("invalid schema", problems)
    return schema


def _section(data: LocDict, key: str) -> LocDict:
    value = data.get(key)
    return value if isinstance(value, LocDict) else LocDict()


def default_schema_path() -> Path:
    """The project's schema file (kg.toml's `schema`)."""
    return current_project().schema
