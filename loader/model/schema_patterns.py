"""A relationship type's `patterns`: the (from, to) label pairs it allows, each label checked."""

from __future__ import annotations

from typing import Any

from loader.model.problems import Problem
from loader.model.readers import LocDict, LocList


def names_list(value: Any) -> tuple[str, ...] | None:
    """A list of names as a tuple; () for none; None when it is not a list of names."""
    if value is None:
        return ()
    if isinstance(value, LocList) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


FROM_TO = ("from", "to")


def label_pairs(
    rel: Any, spec: LocDict, labels: set[str], problems: list[Problem], name: str
) -> frozenset[tuple[str, str]]:
    """The (from, to) label pairs of a type's `patterns: [{from: [...], to: [...]}, ...]`."""
    patterns = spec.get("patterns")
    pairs: set[tuple[str, str]] = set()
    before = len(problems)
    shape = f"relationship {rel}: patterns must be a list of {{from: [labels], to: [labels]}}"
    if patterns is not None and not isinstance(patterns, LocList):
        problems.append(Problem(name, spec.line_of("patterns"), code="schema-shape", message=shape))
        return frozenset()
    for pattern, line in zip(patterns or (), getattr(patterns, "item_lines", ()), strict=True):
        ends = [
            names_list(pattern.get(end)) if isinstance(pattern, LocDict) else None
            for end in FROM_TO
        ]
        if not isinstance(pattern, LocDict) or not ends[0] or not ends[1]:
            problems.append(Problem(name, line, code="schema-shape", message=shape))
            continue
        for end, end_labels in zip(FROM_TO, ends, strict=True):
            for label in end_labels or ():
                if label not in labels:
                    problems.append(
                        Problem(
                            name,
                            pattern.line_of(end),
                            code="schema-undefined-label",
                            message=f"relationship {rel} names undefined label {label!r}",
                        )
                    )
        pairs |= {(a, b) for a in ends[0] for b in ends[1]}
    if not pairs and len(problems) == before:
        none = f"relationship {rel} allows no (from, to) pair"
        problems.append(Problem(name, spec.line, code="schema-no-pairs", message=none))
    return frozenset(pairs)
