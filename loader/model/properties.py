"""Typed property values: the types a schema property may have, and how a raw value (from
YAML, CSV or Neo4j) is checked and turned into its canonical Python form.

The canonical form is what the data, digests and exports use (a date is ISO text); the stored
form is what Neo4j keeps (a date is a date, so Cypher compares and sorts it). Both directions
are defined here, once, by the property's type. A record's fields are checked by the same specs
(`checked_properties`), each problem on its line, with a "did you mean" for a misspelt name.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from loader.model.dataset import Record
from loader.model.problems import Problem
from loader.model.text_rules import name_problem, scalar_problem

TYPES = ("string", "integer", "decimal", "boolean", "date", "list[string]")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Neo4j stores integers in 64 bits and floats as IEEE doubles: nothing wider reaches it.
INT64 = (-(2**63), 2**63 - 1)
_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class PropertyAlignment:
    """A property's `rdf:` entry: the predicate (a CURIE) its values are written with, or None
    for the property's own ontology term; the language of its values (None: typed literals);
    and further predicates that carry a copy of each value, for readers that know only those."""

    predicate: str | None = None
    lang: str | None = None
    also: tuple[str, ...] = ()
    iri: str | None = None  # values are IRIs: this namespace + the value (an identifier)
    # Copies written with a space between groups of digits (Wikidata's form of an NBS code,
    # 31 01 16): (predicate CURIE, group lengths); a value no run of groups spells gets none.
    spaced: tuple[tuple[str, tuple[int, ...]], ...] = ()


class _Temporal(Protocol):
    def iso_format(self) -> str: ...


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
    # A cited property's value comes from a claim (a fact with its sentence), never from the
    # entity's own record; a timed one's claims also say when (as_of, start, end).
    cited: bool = False
    timed: bool = False
    unit: str | None = None

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

    @property
    def stored_apart(self) -> bool:
        """Whether Neo4j stores this property's values in another form than the canonical."""
        return self.type == "date"

    def to_store(self, value: Any) -> Any:
        """A canonical value as Neo4j stores it: an ISO date as a date."""
        if self.type == "date" and isinstance(value, str):
            return date.fromisoformat(value)
        return value

    def from_store(self, value: Any) -> Any:
        """A stored value in its canonical form again: a Neo4j date as ISO text."""
        if self.type == "date" and hasattr(value, "iso_format"):
            temporal: _Temporal = value
            return temporal.iso_format()
        return value


def to_store(props: dict[str, Any], specs: dict[str, PropertySpec]) -> dict[str, Any]:
    """`props` as Neo4j stores them (the same dict when none is stored apart). Looks up the
    specs' keys in `props`, so specs of only the properties stored apart cost one lookup each."""
    apart = [key for key, spec in specs.items() if spec.stored_apart and key in props]
    if not apart:
        return props
    return {**props, **{key: specs[key].to_store(props[key]) for key in apart}}


def from_store(props: dict[str, Any], specs: dict[str, PropertySpec]) -> dict[str, Any]:
    """The properties of a stored node or relationship the specs describe, in canonical form;
    anything else on it (the loader's bookkeeping, analysis scores, a hand-added property) is
    left out."""
    return {key: specs[key].from_store(value) for key, value in props.items() if key in specs}


def _typed(kind: str, value: Any) -> tuple[Any, str | None]:
    if kind == "string":
        if isinstance(value, str) and value.strip():
            return value, scalar_problem(value)
        return None, "expected a non-empty string" if isinstance(value, str) else (
            f"expected a string, got {_kind(value)}"
        )
    if kind == "integer":
        return _integer(value)
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
            if not number.is_finite():
                return None, f"expected a finite number, got {value.strip()!r}"
            if not math.isfinite(float(number)):
                shown = value.strip() if len(value.strip()) <= 40 else "the number"
                return None, f"{shown} is beyond the range of a 64-bit float"
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
            wrong = next((p for p in map(scalar_problem, value) if p), None)
            if wrong:
                return None, wrong
            return sorted(dict.fromkeys(str(v) for v in value)), None  # a set: stable order
        return None, "expected a list of non-empty strings"
    return None, f"unknown type {kind}"


def _integer(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        text = value.strip()
        if len(text.lstrip("-")) > 20:  # out of range anyway; int() refuses over 4300 digits
            return None, f"a {len(text.lstrip('-'))}-digit number does not fit in 64 bits"
        value = int(text)
    if not isinstance(value, int) or isinstance(value, bool):
        return None, f"expected an integer, got {_kind(value)}"
    if not INT64[0] <= value <= INT64[1]:
        if value.bit_length() > 128:
            return None, f"a {value.bit_length()}-bit integer does not fit in 64 bits"
        return None, f"{value} does not fit in a 64-bit integer"
    return value, None


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


def checked_properties(
    record: Record,
    fields: dict[Any, Any],
    specs: dict[str, PropertySpec],
    problems: list[Problem],
    *,
    owner: str,
    extra: dict[str, Any] | None = None,
    names: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any] | None:
    """A record's fields checked and coerced by their specs, each problem on the line it is on
    (named for `owner`, a label or type); None when any is wrong. The properties in `names`
    (names, aliases, the key) must also be fit to name an entity (`text_rules.name_problem`:
    NFC, nothing invisible)."""
    values = record.values
    fields = {**fields, **{k: v for k, v in (extra or {}).items() if v is not None}}
    out: dict[str, Any] = {}
    ok = True
    for key, raw in fields.items():
        spec = specs.get(str(key))
        if spec is None:
            problems.append(
                Problem(
                    record.file,
                    values.line_of(key),
                    code="unknown-property",
                    message=f"unknown property {key!r} for {owner}{hint(str(key), specs)}",
                )
            )
            ok = False
            continue
        value, error = spec.coerce(raw)
        code = "bad-value"
        if error is None and spec.name in names:
            strings = value if isinstance(value, list) else [value]
            error = next((p for p in map(name_problem, strings) if p), None)
            code = "bad-name"
        if error:
            wrong = f"property {key!r}: {error}"
            problems.append(Problem(record.file, values.line_of(key), code=code, message=wrong))
            ok = False
        else:
            out[spec.name] = value
    for spec in specs.values():
        if spec.required and spec.name not in fields:
            problems.append(
                Problem(
                    record.file,
                    values.line,
                    code="missing-property",
                    message=f"missing required property {spec.name!r} for {owner}",
                )
            )
            ok = False
    return out if ok else None


def hint(word: str, known: Any) -> str:
    """A "did you mean" for a misspelt name, or nothing."""
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
