"""A record's fields checked and coerced by the schema's property specs, each problem with the
line it is on, and a "did you mean" hint for a misspelt name. Names and ids also follow
`text_rules.name_problem` (NFC, nothing invisible)."""

from __future__ import annotations

import difflib
from typing import Any

from loader.model.dataset import Record
from loader.model.problems import Problem
from loader.model.properties import PropertySpec
from loader.model.text_rules import name_problem


def checked_properties(
    record: Record,
    fields: dict[Any, Any],
    specs: dict[str, PropertySpec],
    owner: str,
    problems: list[Problem],
    extra: dict[str, Any] | None = None,
    names: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any] | None:
    """Fields checked and coerced by their specs; None when any is wrong. The properties in
    `names` (names, aliases, the key) must also be fit to name an entity."""
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
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
