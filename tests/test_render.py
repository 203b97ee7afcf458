"""Rows for people: lists and maps compact, a terminal's table cut to its width with an
ellipsis (and a caption saying so), the vertical view whole and escaped, piped tables whole."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from loader.cli.app import app
from loader.cli.render import CUT_CAPTION, compact, fit_widths, to_table, to_vertical

SENTENCE = "叶新公路是横穿浦东新区、奉贤、松江、金山四区,并延伸至浙江省的一条东西向主干道。"
ROWS: list[dict[str, Any]] = [
    {"name": "金山区", "aliases": ["金山", "上海金山"], "where": {"code": "310116", "level": 3},
     "sentence": SENTENCE * 3, "none": None, "empty": []},
]  # fmt: skip
COLUMNS = list(ROWS[0])


def _shown(width: int | None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 10_000, color_system=None)
    console.print(to_table(COLUMNS, ROWS, width=width))
    return buffer.getvalue()


def test_lists_and_maps_are_compact_for_people() -> None:
    assert compact(["金山", "上海金山"]) == "金山, 上海金山"
    assert compact({"code": "310116", "level": 3}) == "code: 310116, level: 3"
    assert compact([["a"], None, 1.5]) == '["a"], null, 1.5'
    assert (compact([]), compact({}), compact(None), compact(True)) == ("[]", "{}", "", "true")


def test_a_terminal_table_fits_its_width_with_ellipses_and_says_so() -> None:
    shown = _shown(80)
    lines = shown.splitlines()
    assert max(Console().measure(line).maximum for line in lines if line) <= 80
    assert "…" in shown and CUT_CAPTION in shown
    assert "金山, 上海金山" in shown  # a narrow column stays whole
    body = [line for line in lines if line.startswith("│")]
    assert len(body) == 1  # one line per row, nothing folded


def test_a_piped_table_keeps_every_value_whole() -> None:
    shown = _shown(None)
    assert SENTENCE * 3 in shown and CUT_CAPTION not in shown


@given(st.lists(st.integers(1, 200), min_size=1, max_size=15), st.integers(20, 300))
def test_fitted_widths_fit_or_stop_at_their_floors(natural: list[int], room: int) -> None:
    heads = [min(n, 8) for n in natural]
    widths = fit_widths(natural, heads, room)
    floors = [min(n, min(6, h)) for n, h in zip(natural, heads, strict=True)]
    if sum(floors) > room:  # too narrow to cut: shown whole
        assert widths is None
        return
    assert widths is not None and sum(widths) <= room
    assert all(f <= w <= n for f, w, n in zip(floors, widths, natural, strict=True))
    if sum(natural) <= room:
        assert widths == natural


def test_the_vertical_view_shows_each_value_whole_and_escaped() -> None:
    rows: list[dict[str, Any]] = [
        {"name": "金山区", "note": "line one\nline two\x1b[2J"},
        {"name": "x", "note": None},
    ]
    text = to_vertical(["name", "note"], rows, title="Two")
    assert text.splitlines() == [
        "Two",
        "-[ RECORD 1 ]",
        "name | 金山区",
        "note | line one",
        "     | line two\\x1b[2J",
        "-[ RECORD 2 ]",
        "name | x",
        "note | ",
    ]
    assert to_vertical(["a"], []) == "(no rows)\n"
    aligned = to_vertical(["名称", "ab"], [{"名称": 1, "ab": 2}]).splitlines()
    assert aligned[1:] == ["名称 | 1", "ab   | 2"]  # 名称 is four cells wide


def test_a_line_break_in_a_fitted_table_keeps_the_row_on_one_line() -> None:
    buffer = io.StringIO()
    rows = [{"a": "one\ntwo", "b": "x" * 300}]
    Console(file=buffer, width=60, color_system=None).print(to_table(["a", "b"], rows, width=60))
    body = [line for line in buffer.getvalue().splitlines() if line.startswith("│")]
    assert len(body) == 1 and "one↵two" in body[0]


def test_a_terminal_too_narrow_to_cut_shows_values_whole() -> None:
    shown = _shown(20)
    assert CUT_CAPTION not in shown and "…" not in shown


def test_the_vertical_format_on_the_command_line() -> None:
    result = CliRunner().invoke(
        app,
        ["sparql", "SELECT ?code WHERE { kg:jinshan kgo:code ?code }", "--format", "vertical"],
    )
    assert result.exit_code == 0
    assert result.stdout == "-[ RECORD 1 ]\ncode | 310116\n"
