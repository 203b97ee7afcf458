"""Rows rendered for a person (a table) or a program (JSON, CSV).

The CLI prints what these functions return; nothing here writes to the terminal. Tables show
control characters and bidi marks escaped (never as markup), CSV cells never start a formula,
and JSON holds null where a value is NaN or Infinity (`loader.model.safe_text`). For a person,
a list is its items joined by commas and a map its `key: value` pairs (JSON and CSV keep
JSON); on a terminal a table fits its width, a long value cut with an ellipsis, and the
vertical view (a record per row, psql's `\\x`) shows every value whole.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from loader.model.safe_text import cell_text, csv_text, finite, json_text, terminal_safe


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    vertical = "vertical"

    @property
    def for_people(self) -> bool:
        """A table or the vertical view: progress, notes and titles go with it."""
        return self in (Format.table, Format.vertical)


def to_json(data: Any) -> str:
    return json_text(data)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    return csv_text(columns, rows)


def to_table(
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    title: str = "",
    *,
    width: int | None = None,
) -> Table:
    """A table; with `width` (a terminal's) one line per row, the widest values cut with an
    ellipsis until it fits (`fit_widths`), else every value whole."""
    table = Table(title=Text(terminal_safe(title)) if title else None, show_lines=False)
    heads = [Text(terminal_safe(c)) for c in columns]
    one_line = width is not None  # a value's line breaks shown as ↵, one line per row
    cells = [[Text(_cell(row.get(c), one_line)) for c in columns] for row in rows]
    natural = [max([h.cell_len, *(r[i].cell_len for r in cells)]) for i, h in enumerate(heads)]
    caps = fit_widths(natural, [h.cell_len for h in heads], (width or 0) - 3 * len(heads) - 1)
    if width is None or caps is None:  # piped, or too narrow to cut: every value whole
        for head in heads:
            table.add_column(head, overflow="fold")
    else:
        for head, cap in zip(heads, caps, strict=True):
            head.truncate(cap, overflow="ellipsis")
            table.add_column(head, no_wrap=True, overflow="ellipsis", max_width=cap)
        for row in cells:
            for text, cap in zip(row, caps, strict=True):
                text.truncate(cap, overflow="ellipsis")
        if caps != natural:
            table.caption = Text(CUT_CAPTION)
    for row in cells:
        table.add_row(*row)
    return table


CUT_CAPTION = "cut to fit: --format vertical shows all"
MIN_COLUMN = 6  # a column is cut no narrower than this (or its header, if shorter)


def _cell(value: Any, one_line: bool) -> str:
    text = compact(value)
    return terminal_safe(text.replace("\r\n", "↵").replace("\n", "↵") if one_line else text)


def fit_widths(natural: list[int], heads: list[int], room: int) -> list[int] | None:
    """Column widths that fit `room`: the narrow columns whole, the wide ones capped at one
    width (the largest that fits), none under `MIN_COLUMN` or its header (whichever is less);
    None when even those do not fit (the table is then shown whole, folded)."""
    floors = [min(n, max(min(MIN_COLUMN, h), 1)) for n, h in zip(natural, heads, strict=True)]
    if sum(natural) <= room:
        return natural
    if sum(floors) > room:
        return None
    low, high = 1, max(natural)
    while low < high:  # the largest cap whose widths fit
        cap = (low + high + 1) // 2
        if sum(max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)) <= room:
            low = cap
        else:
            high = cap - 1
    return [max(f, min(n, low)) for n, f in zip(natural, floors, strict=True)]


def to_vertical(columns: Sequence[str], rows: Sequence[dict[str, Any]], title: str = "") -> str:
    """Each row as a record: a `-[ RECORD n ]-` line, then `column | value` lines, the
    columns aligned and a value's further lines indented under its first."""
    names = [terminal_safe(c) for c in columns]
    width = max((cell_len(n) for n in names), default=0)
    lines = [terminal_safe(title)] if title else []
    for number, row in enumerate(rows, 1):
        lines.append(f"-[ RECORD {number} ]" + "-" * max(0, width - 8))
        for name, column in zip(names, columns, strict=True):
            value = [terminal_safe(part) for part in compact(row.get(column)).split("\n")]
            lines.append(f"{name}{' ' * (width - cell_len(name))} | {value[0]}")
            lines.extend(f"{'':<{width}} | {more}" for more in value[1:])
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"


def compact(value: Any) -> str:
    """A value for a person: a list's items joined by commas, a map's `key: value` pairs,
    anything nested in them as JSON; the rest as in every cell (`cell_text`)."""
    if isinstance(value, list):
        return ", ".join(_item(v) for v in value) if value else "[]"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_item(v)}" for k, v in value.items()) if value else "{}"
    return cell_text(value)


def _item(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    return json.dumps(finite(value), ensure_ascii=False, default=str, allow_nan=False)
