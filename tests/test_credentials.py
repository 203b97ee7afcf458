"""Issue 15 (7), without a server: credentials in a URI are refused with the password masked,
no error echoes a secret, and the server's authentication rate limit is named as what it is.

The rate limit met for real, on the test server, is in tests/test_secrets.py.
"""

from __future__ import annotations

import pytest
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.errors import AuthFailed, ConfigError, ConnectionFailed, QueryFailed
from loader.neo4j.driver import RATE_LIMIT, text_values, translate
from loader.neo4j.target import Target, checked_uri, masked_uri, uri_secrets

SECRET = "hunter2-Sekr3t"
TARGET = Target("bolt://localhost:7687", "neo4j", SECRET)


def _server_error(code: str, message: str) -> Neo4jError:
    """The exception the driver raises for a FAILURE message from the server."""
    return Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        (f"bolt://neo4j:{SECRET}@db.example:7687", "bolt://***@db.example:7687"),
        (f"neo4j+s://neo4j:{SECRET}@db.example", "neo4j+s://***@db.example"),
        (f"bolt://{SECRET}@db.example/x", "bolt://***@db.example/x"),
        ("bolt://db.example:7687", "bolt://db.example:7687"),
        (f"neo4j:{SECRET}@db.example", "***"),
    ],
)
def test_masked_uri(uri: str, shown: str) -> None:
    assert masked_uri(uri) == shown


@pytest.mark.parametrize(
    "uri",
    [f"bolt://neo4j:{SECRET}@localhost:7687", f"http://neo4j:{SECRET}@localhost:7474"],
    ids=["credentials", "credentials and a wrong scheme"],
)
def test_a_uri_with_credentials_is_refused_without_the_password(uri: str) -> None:
    with pytest.raises(ConfigError) as refused:
        checked_uri(uri)
    assert SECRET not in str(refused.value) and "***@localhost" in str(refused.value)


@pytest.mark.parametrize("where", ["--uri", "NEO4J_URI"])
def test_the_cli_refuses_credentials_in_a_uri_in_one_line(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = f"bolt://neo4j:{SECRET}@localhost:7687"
    monkeypatch.delenv("NEO4J_URI", raising=False)
    args = ["cypher", "RETURN 1"]
    if where == "--uri":
        args += ["--uri", uri]
    else:
        monkeypatch.setenv("NEO4J_URI", uri)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert result.stderr.splitlines() == [
        "kg: error: the Neo4j URI bolt://***@localhost:7687 carries credentials: give the URI "
        "without them, and the user and password in NEO4J_USERNAME (or --username) and "
        "NEO4J_PASSWORD (or NEO4J_PASSWORD_FILE)"
    ]


@pytest.mark.parametrize("password", ["pa/ss", "pa#ss", "pa?ss", "p@ss", "a:b/c#d@e"])
def test_a_password_with_any_character_in_a_uri_is_refused_and_never_shown(
    password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The credentials are everything before the URI's last `@`: a `/`, `#` or `?` in the
    password does not end them early (as parsing by delimiters would) and show the rest."""
    uri = f"neo4j://admin:{password}@db.example:7687"
    assert masked_uri(uri) == "neo4j://***@db.example:7687"
    assert password in uri_secrets(uri)
    monkeypatch.setenv("NEO4J_URI", uri)
    result = CliRunner().invoke(app, ["cypher", "RETURN 1"])
    assert result.exit_code == 1
    assert password not in result.output and password not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "kg: error: the Neo4j URI neo4j://***@db.example:7687 carries credentials"
    )


@pytest.mark.parametrize("secret", ["two  spaces here", "a\ttab secret", " edges "])
def test_a_secret_with_runs_of_whitespace_is_blanked_in_errors(secret: str) -> None:
    """Blanking works on the raw text: a `-p` secret with two spaces or a tab is not missed
    because the message's whitespace was collapsed first."""
    exc = _server_error(
        "Neo4j.ClientError.Statement.SyntaxError", f"Invalid input '{secret}' (line 1)"
    )
    failure = translate(exc, Target("bolt://h:7687", "u", "pw-000"), [secret])
    assert failure is not None
    assert secret.strip() not in str(failure) and " ".join(secret.split()) not in str(failure)
    assert "***" in str(failure)


def test_the_driver_log_keeps_queries_but_no_values() -> None:
    """With --debug, the wire log names each query and each failure's code, never a value:
    not the parameters sent, not the server's message (which may quote one)."""
    import logging

    from loader.neo4j.driver import HiddenParameters

    secret = "s3cret-0123"
    sent = logging.LogRecord(
        "neo4j.io",
        logging.DEBUG,
        "x",
        1,
        "[#%04X]  C: RUN %s",
        (7, f"'RETURN $p' {{'p': '{secret}'}} {{}}"),
        None,
    )
    failed = logging.LogRecord(
        "neo4j.io",
        logging.DEBUG,
        "x",
        1,
        "[#%04X]  S: FAILURE %r",
        (7, {"code": "Neo.ClientError.Statement.ArgumentError", "message": f"Text '{secret}'"}),
        None,
    )
    retried = logging.LogRecord(
        "neo4j.work",
        logging.WARNING,
        "x",
        1,
        "Transaction failed and will be retried in %ss (%s)",
        (1.0, f"Text '{secret}' cannot be parsed"),
        None,
    )
    for record in (sent, failed, retried):
        assert HiddenParameters().filter(record)
        assert secret not in record.getMessage()
    assert sent.getMessage() == "[#0007]  C: RUN 'RETURN $p' {parameters hidden}"
    assert "Neo.ClientError.Statement.ArgumentError" in failed.getMessage()


def test_describe_masks_credentials() -> None:
    target = Target(f"bolt://u:{SECRET}@h:7687", "u", SECRET, database="kg")
    assert target.describe() == "bolt://***@h:7687 (database kg)"


def test_the_rate_limit_is_named_with_the_wait() -> None:
    exc = _server_error(
        RATE_LIMIT,
        "The client has provided incorrect authentication details too many times in a row.",
    )
    failure = translate(exc, TARGET)
    assert isinstance(failure, AuthFailed)
    text = str(failure)
    assert "\n" not in text and "rate limit" in text and "wait 5 seconds" in text
    assert "query failed" not in text


def test_a_wrong_password_is_an_auth_failure() -> None:
    exc = _server_error("Neo.ClientError.Security.Unauthorized", "bad credentials")
    assert isinstance(exc, AuthError)
    assert str(translate(exc, TARGET)) == (
        "authentication failed for user 'neo4j' at bolt://localhost:7687"
    )


def test_server_words_never_echo_a_password_or_a_text_parameter() -> None:
    exc = _server_error(
        "Neo.ClientError.Statement.ArgumentError",
        f"Invalid input. '{SECRET}' is not a valid value; neither is 'opensesame'",
    )
    failure = translate(exc, TARGET, text_values({"limit": "opensesame", "n": 1, "x": "ab"}))
    assert isinstance(failure, QueryFailed)
    assert SECRET not in str(failure) and "opensesame" not in str(failure)
    assert "'***' is not a valid value" in str(failure)


def test_a_connection_error_shows_the_uri_masked() -> None:
    target = Target(f"bolt://u:{SECRET}@h:7687", "u", "other")
    failure = translate(ServiceUnavailable(f"Couldn't connect to u:{SECRET}@h:7687"), target)
    assert isinstance(failure, ConnectionFailed)
    assert SECRET not in str(failure)


def test_text_values_reach_into_lists_and_maps() -> None:
    found = text_values({"a": "secret1", "b": ["secret2", 3], "c": {"d": "secret3"}, "e": "x"})
    assert sorted(found) == ["secret1", "secret2", "secret3"]


def test_a_bad_parameter_does_not_echo_its_value() -> None:
    result = CliRunner().invoke(app, ["cypher", "RETURN 1", "-p", SECRET])
    assert result.exit_code == 2 and SECRET not in result.output  # a usage error
