"""Rows rendered for a person (a table) or a program (JSON, CSV).

The CLI prints what these functions return; nothing here writes to the terminal. Tables show
control characters and bidi marks escaped (never as markup), CSV cells never start a formula,
and JSON holds null where a value is NaN or Infinity (`loader.model.safe_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich.table import Table
from rich.text import Text

from loader.model.safe_text import cell_text, csv_text, json_text, terminal_safe


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def to_json(data: Any) -> str:
    return json_text(data)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    return csv_text(columns, rows)


def to_table(columns: Sequence[str], rows: Sequence[dict[str, Any]], title: str = "") -> Table:
    table = Table(title=Text(terminal_safe(title)) if title else None, show_lines=False)
    for column in columns:
        table.add_column(Text(terminal_safe(column)), overflow="fold")
    for row in rows:
        table.add_row(*(Text(terminal_safe(cell_text(row.get(c)))) for c in columns))
    return table
