"""Query parameters from `-p key=value` or Browser's `-p 'key => value'`, read the way
Neo4j Browser's `:param` reads them.

A value that is valid JSON is taken as JSON (numbers, lists, maps, true, null); anything else is
taken as the literal string.
"""

from __future__ import annotations

import json
import re
from typing import Any

from loader.model.errors import UsageError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_param(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=>")
    if sep and _NAME.match(name.strip()):  # Browser's `:param name => value`
        name, raw = name.strip(), raw.strip()
    else:
        name, sep, raw = text.partition("=")
        name = name.strip()
    if not sep or not _NAME.match(name):
        raise UsageError("a parameter is not of the form name=value (or name => value)")
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        name, value = parse_param(item)
        params[name] = value
    return params
