"""`-p name=value` is read like Browser's `:param`: JSON when it parses, else the literal string."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loader.cli.params import parse_param, parse_params
from loader.model.errors import ConfigError


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
