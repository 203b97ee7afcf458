"""Query parameters from `-p key=value` or Browser's `-p 'key => value'`, read the way
Neo4j Browser's `:param` reads them.

A value that is valid JSON is taken as JSON (numbers, lists, maps, true, null); anything else is
taken as the literal string. Either is bounded: at most `MAX_PARAM_BYTES`, and JSON as a saved
query's `:param` line is (`json_value`: nesting, 64-bit integers), so no value reaches the
driver that it cannot send.
"""

from __future__ import annotations

import re
from typing import Any

from loader.model.errors import UsageError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_PARAM_BYTES = 1024 * 1024  # far above any real value (Linux caps one argument at 128 KiB)


def parse_param(text: str) -> tuple[str, Any]:
    from loader.model.bounded_json import OutOfBounds, json_value

    name, sep, raw = text.partition("=>")
    if sep and _NAME.match(name.strip()):  # Browser's `:param name => value`
        name, raw = name.strip(), raw.strip()
    else:
        name, sep, raw = text.partition("=")
        name = name.strip()
    if not sep or not _NAME.match(name):
        raise UsageError("a parameter is not of the form name=value (or name => value)")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_PARAM_BYTES:
        raise _refused(name, f"{size:,} bytes, over the limit of {MAX_PARAM_BYTES:,}")
    try:
        return name, json_value(raw)
    except OutOfBounds as exc:
        raise _refused(name, str(exc)) from None
    except ValueError:
        return name, raw


def _refused(name: str, reason: str) -> UsageError:
    shown = name if len(name) <= 40 else name[:40] + "…"
    return UsageError(f"parameter ${shown}: {reason}")


def parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        name, value = parse_param(item)
        params[name] = value
    return params
