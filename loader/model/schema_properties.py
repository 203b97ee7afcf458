"""A property's declaration in the schema, read into a `PropertySpec` with every key checked.

`type` one of the known types, `required` true or false, `values` a list of scalars, `pattern`
a regular expression that compiles, `max_length` a positive integer, `min` and `max` numbers
(min not above max), `cited`/`timed` true or false, `unit` a string. Each mistake is a problem
at its line, never an exception later.
"""

from __future__ import annotations

import math
import re
from typing import Any

from loader.model.problems import Problem
from loader.model.properties import TYPES, PropertySpec
from loader.model.readers import LocDict, LocList
from loader.model.schema_annotations import IDENTIFIER, AnnotationReader

PROPERTY_KEYS = frozenset(
    (
        "type",
        "required",
        "values",
        "pattern",
        "max_length",
        "min",
        "max",
        "description",
        "rdf",
        "cited",
        "timed",
        "unit",
    )
)


def read_properties(
    section: Any, where: str, line: int, annotations: AnnotationReader
) -> dict[str, PropertySpec]:
    """The properties declared in `section` (a mapping of name to declaration); problems go to
    the annotation reader's list, with its file. A property with a wrong key is still declared
    (without that key), so that one mistake gives one problem."""
    name, problems = annotations.file, annotations.problems
    if section is None:
        return {}
    if not isinstance(section, LocDict):
        not_mapping = f"{where}: properties must be a mapping"
        problems.append(Problem(name, line, code="schema-shape", message=not_mapping))
        return {}
    out: dict[str, PropertySpec] = {}
    for prop, spec in section.items():
        spec_line = section.line_of(prop)
        if not IDENTIFIER.fullmatch(str(prop)):
            problems.append(
                Problem(
                    name,
                    spec_line,
                    code="schema-identifier",
                    message=f"{where}.{prop}: a property name is letters, digits and _ "
                    "(a letter first)",
                )
            )
            continue
        if not isinstance(spec, LocDict) or spec.get("type") not in TYPES:
            problems.append(
                Problem(
                    name,
                    spec_line,
                    code="schema-property-type",
                    message=f"{where}.{prop}: type must be one of " + ", ".join(TYPES),
                )
            )
            continue
        checked = _checked_keys(spec, f"{where}.{prop}", annotations.problem)
        alignment = annotations.property_alignment(spec, f"{where}.{prop}")
        out[str(prop)] = PropertySpec(
            name=str(prop),
            type=spec["type"],
            required=checked["required"],
            values=checked["values"],
            pattern=checked["pattern"],
            max_length=checked["max_length"],
            minimum=checked["min"],
            maximum=checked["max"],
            description=str(spec.get("description", "")),
            rdf=alignment,
            cited=checked["cited"] or checked["timed"],
            timed=checked["timed"],
            unit=checked["unit"],
        )
    return out


def _checked_keys(spec: LocDict, where: str, problem: Any) -> dict[str, Any]:
    """The declaration's keys checked; each mistake goes to `problem(line, code=, message=)`."""
    unknown = sorted(str(k) for k in spec if str(k) not in PROPERTY_KEYS)
    if unknown:  # e.g. an unquoted comma in a {…} description starts a new key
        problem(
            spec.line_of(unknown[0]),
            code="schema-unknown-key",
            message=f"{where}: unknown key {unknown[0]!r} (quote a description that holds a comma)",
        )

    def wrong(line: int, message: str) -> None:
        problem(line, code="schema-bad-value", message=f"{where}: {message}")

    flags = {key: spec.get(key, False) for key in ("required", "cited", "timed")}
    for key, flag in flags.items():
        if not isinstance(flag, bool):
            wrong(spec.line_of(key), f"{key} must be true or false")
    unit = spec.get("unit")
    if unit is not None and not (isinstance(unit, str) and unit.strip()):
        wrong(spec.line_of("unit"), "unit must be a non-empty string")
        unit = None
    values = spec.get("values")
    if values is not None and not (
        isinstance(values, LocList) and values and all(isinstance(v, str) for v in values)
    ):
        wrong(spec.line_of("values"), "values must be a non-empty list of strings")
        values = None
    elif values is not None and spec["type"] != "string":
        wrong(spec.line_of("values"), "values applies to type string only")
    pattern = spec.get("pattern")
    error = _regex_error(pattern) if pattern is not None else None
    if error:
        wrong(spec.line_of("pattern"), f"pattern {error}")
        pattern = None
    max_length = spec.get("max_length")
    if max_length is not None and not (_integer(max_length) and max_length > 0):
        wrong(spec.line_of("max_length"), "max_length must be a positive integer")
        max_length = None
    bounds = {key: spec.get(key) for key in ("min", "max")}
    for key, bound in bounds.items():
        if bound is not None and not _number(bound):
            wrong(spec.line_of(key), f"{key} must be a finite number")
            bounds[key] = None
        elif bound is not None and spec["type"] not in ("integer", "decimal"):
            wrong(spec.line_of(key), f"{key} applies to integer and decimal only")
            bounds[key] = None
    low: Any = bounds["min"]
    high: Any = bounds["max"]
    if _number(low) and _number(high) and float(low) > float(high):
        wrong(spec.line_of("min"), f"min {low} is above max {high}")
    return {
        "required": flags["required"] is True,
        "cited": flags["cited"] is True,
        "timed": flags["timed"] is True,
        "unit": unit,
        "values": tuple(str(v) for v in values or ()),
        "pattern": pattern,
        "max_length": max_length,
        "min": low,
        "max": high,
    }


def _regex_error(pattern: Any) -> str | None:
    if not isinstance(pattern, str):
        return "must be a regular expression in a string"
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"{pattern!r} is not a regular expression ({exc})"
    return None


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return (_integer(value) or isinstance(value, float)) and math.isfinite(value)


def citation_problems(
    labels: dict[str, dict[str, PropertySpec]],
    elsewhere: dict[str, dict[str, PropertySpec]],
    claimable: frozenset[str] | None,
) -> list[tuple[str, str]]:
    """(where, message) for each breach of the citation rules: in a schema with claims, every
    number a label holds is cited (a source states it); `cited`/`timed` belong to label
    properties only, and need the schema's claim label and type to hold their citations (the
    type allowing the label: `claimable`, None without claims)."""
    has_claims = claimable is not None
    out = []
    for label, specs in labels.items():
        for spec in specs.values():
            where = f"labels.{label}.{spec.name}"
            if has_claims and spec.type in ("integer", "decimal") and not spec.cited:
                out.append((where, "a number must be `cited: true` (a source states it)"))
            if spec.cited and not has_claims:
                out.append((where, "cited properties need a label and a type with role claim"))
            elif spec.cited and claimable is not None and label not in claimable:
                out.append((where, "cited, but the claim type has no pattern from this label"))
    for where, specs in elsewhere.items():
        for spec in specs.values():
            if spec.cited or spec.timed:
                out.append((f"{where}.{spec.name}", "cited/timed apply to label properties only"))
    return out
