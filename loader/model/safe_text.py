"""Text out that is safe where it lands: a terminal, a spreadsheet, a JSON parser.

Values come from data anyone can edit, so a name may hold an ANSI escape, a bidi override or a
spreadsheet formula. Terminal text shows control characters and bidi marks as `\\x1b`, `\\u202e`,
and so does a CSV cell (a CSV is read in terminals and spreadsheets alike); a CSV cell starting
with = + - @ (or a tab or CR) gets a leading `'` (OWASP's CSV injection advice); JSON writes
them as `\\u` escapes (the same string to a parser, inert on a screen) and never carries NaN or
Infinity, which JSON does not have: they become null.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates/marks,
# and the Unicode line and paragraph separators
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# What JSON itself leaves raw of those: DEL, C1, bidi marks, line and paragraph separators.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def terminal_safe(text: str) -> str:
    """`text` with every character that could move the cursor, colour the terminal or reorder
    the line shown as an escape (`\\x1b`, `\\u202e`)."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def finite(data: Any) -> Any:
    """`data` with every NaN and ±Infinity (not JSON) replaced by None (null)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


def json_text(data: Any) -> str:
    """Indented JSON (non-ASCII kept, but controls and bidi marks as `\\u` escapes), strictly
    JSON: NaN and Infinity are null."""
    text = json.dumps(finite(data), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    return _UNSAFE_IN_JSON.sub(_json_escape, text)  # they occur only inside strings


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def cell_text(value: Any) -> str:
    """A value as one cell: text as it is, None empty, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(finite(value), ensure_ascii=False, default=str, allow_nan=False)


def csv_text(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """A header and one line per row; text cells are made spreadsheet-safe."""
    lines = [_csv_line([spreadsheet_safe(terminal_safe(c)) for c in columns])]
    lines.extend(_csv_line([_csv_cell(row.get(c)) for c in columns]) for row in rows)
    return "".join(lines)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    # written with "\r\n" so that a cell holding a lone CR is quoted too (Python 3.11's csv
    # quotes only the line terminator's characters), then ended with "\n" as before
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2] + "\n"


def _csv_cell(value: Any) -> str:
    # numbers are left alone: -5 is a number to a spreadsheet, not a formula
    if isinstance(value, str):
        return spreadsheet_safe(terminal_safe(value))
    return terminal_safe(cell_text(value))
