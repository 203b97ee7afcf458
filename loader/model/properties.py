"""Typed property values: the types a schema property may have, and how a raw value (from
YAML, CSV or Neo4j) is checked and turned into its canonical Python form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

TYPES = ("string", "integer", "decimal", "boolean", "date", "list[string]")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PropertyAlignment:
    """A property's `rdf:` entry: the predicate (a CURIE) its values are written with, or None
    for the property's own ontology term; the language of its values (None: typed literals);
    and further predicates that carry a copy of each value, for readers that know only those."""

    predicate: str | None = None
    lang: str | None = None
    also: tuple[str, ...] = ()


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
    rdf: PropertyAlignment = PropertyAlignment()

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
