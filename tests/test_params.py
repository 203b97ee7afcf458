"""`-p name=value` is read like Browser's `:param`: JSON when it parses, else the literal string;
bounded either way (size, nesting, 64-bit integers), a refusal one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from loader.cli.app import app
from loader.cli.params import MAX_PARAM_BYTES, parse_param, parse_params
from loader.model.bounded_json import MAX_DEPTH
from loader.model.errors import ConfigError, UsageError

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = "an integer outside Neo4j's 64-bit range (-2**63 to 2**63-1)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n=3", ("n", 3)),
        ("x=1.5", ("x", 1.5)),
        ("ok=true", ("ok", True)),
        ("none=null", ("none", None)),
        ('l=["金山", 2]', ("l", ["金山", 2])),
        ('m={"a": {"b": 1}}', ("m", {"a": {"b": 1}})),
        ("name=金山区", ("name", "金山区")),
        ('q="quoted"', ("q", "quoted")),
        ("eq=a=b", ("eq", "a=b")),
        ("empty=", ("empty", "")),
    ],
)
def test_values(text: str, expected: tuple[str, object]) -> None:
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["novalue", "=3", "bad name=1", "1x=2", "a-b=3"])
def test_bad_forms(text: str) -> None:
    with pytest.raises(ConfigError, match="name=value"):
        parse_param(text)


def test_later_wins() -> None:
    assert parse_params(["a=1", "a=2"]) == {"a": 2}


@given(st.text())
def test_any_text_is_a_value_or_a_clean_error(text: str) -> None:
    try:
        name, value = parse_param(text)
    except ConfigError:
        return
    raw = text.partition("=")[2]
    try:
        assert value == json.loads(raw)
    except ValueError:
        assert value == raw
    assert name.isidentifier()


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_is_bounded() -> None:
    assert parse_param(f"x={_nested(MAX_DEPTH)}")[0] == "x"
    assert parse_param('m={"a": ' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1))[0] == "m"
    for deep in (_nested(MAX_DEPTH + 1), _nested(3_000), '{"a": ' * 3_000 + "1" + "}" * 3_000):
        with pytest.raises(UsageError, match=r"^parameter \$x: nested deeper than 64 levels$"):
            parse_param(f"x={deep}")


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 0])
def test_64_bit_integers_are_taken(value: int) -> None:
    assert parse_param(f"n={value}") == ("n", value)
    assert parse_param(f'n => [1, {{"a": {value}}}]') == ("n", [1, {"a": value}])


@pytest.mark.parametrize(
    "value", [str(2**63), str(-(2**63) - 1), "99999999999999999999", f'[1, {{"a": {2**63}}}]']
)
def test_integers_past_64_bits_are_refused_anywhere(value: str) -> None:
    with pytest.raises(
        UsageError, match=r"^parameter \$n: an integer outside Neo4j's 64-bit"
    ) as raised:
        parse_param(f"n={value}")
    assert value not in str(raised.value)  # a value may be a secret (tests/test_credentials.py)


def test_an_integer_too_long_for_int_is_refused_not_taken_as_text() -> None:
    with pytest.raises(UsageError, match=r"^parameter \$n: an integer outside Neo4j's 64-bit"):
        parse_param("n=" + "9" * 5_000)


def test_size_is_bounded() -> None:
    at_limit = "s=" + "a" * (MAX_PARAM_BYTES - 2)
    assert parse_param(at_limit) == ("s", "a" * (MAX_PARAM_BYTES - 2))
    over = "s=" + "金" * (MAX_PARAM_BYTES // 3)  # three bytes each in UTF-8
    with pytest.raises(UsageError, match=r"^parameter \$s: 1,048,577 bytes, over the limit of "):
        parse_param(over)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["cypher", "-p", f"x={_nested(3_000)}", "RETURN $x"],
            "parameter $x: nested deeper than 64 levels",
        ),
        (
            ["cypher", "-p", "x=99999999999999999999", "RETURN $x"],
            f"parameter $x: {OUTSIDE}",
        ),
        (
            ["query", "run", "hubs", "-p", f"limit=[{-(2**63) - 1}]"],
            f"parameter $limit: {OUTSIDE}",
        ),
        (
            ["query", "run", "hubs", "-p", "limit=" + "1" * MAX_PARAM_BYTES],
            "parameter $limit: 1,048,582 bytes, over the limit of 1,048,576",
        ),
    ],
)
def test_the_cli_refuses_in_one_line_before_connecting(
    args: list[str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")  # were it reached: another error
    monkeypatch.setenv("NEO4J_PASSWORD", "unused")
    result = CliRunner().invoke(app, ["--project", str(ROOT), *args], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"kg: error: {expected}\n"
