"""JSON as a query parameter: bounded by what Neo4j takes and what a parser survives.

A `-p` value and a saved query's `:param` example are read as JSON (as Browser's `:param`
reads them); nested past `MAX_DEPTH` or holding an integer outside 64 bits, they are refused
with a reason instead of a RecursionError here or an OverflowError in the driver.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # lists and maps one inside another in a parameter; real ones nest two or three
INT64 = range(-(2**63), 2**63)  # Neo4j's integers: 64-bit signed


class OutOfBounds(Exception):
    """JSON that Neo4j cannot take as a parameter; the message says why, the caller says where."""


def json_value(raw: str) -> Any:
    """`raw` read as JSON the way Browser's `:param` reads it, within what Neo4j takes: a
    `ValueError` when it is not JSON, `OutOfBounds` when it nests deeper than `MAX_DEPTH` or
    holds an integer outside 64 bits (else a RecursionError here, an OverflowError in the
    driver)."""
    try:
        value = json.loads(raw, parse_int=_int64)
    except RecursionError:
        raise OutOfBounds(f"nested deeper than {MAX_DEPTH} levels") from None
    if _too_deep(value):
        raise OutOfBounds(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _int64(digits: str) -> int:
    # JSON has no leading zeros, so past 19 digits it is out of range: never int() those (past
    # 4,300 digits int() refuses with a ValueError, and `-p` would take the value as text). The
    # value is not shown: a `-p` value may be a secret.
    if len(digits.lstrip("-")) <= 19 and (number := int(digits)) in INT64:
        return number
    raise OutOfBounds("an integer outside Neo4j's 64-bit range (-2**63 to 2**63-1)")


def _too_deep(value: Any, depth: int = 0) -> bool:
    """Whether lists and maps nest more than `MAX_DEPTH` deep (json parses up to about 1,000)."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return False
    return depth >= MAX_DEPTH or any(_too_deep(item, depth + 1) for item in value)
