"""The official driver's failures turned into typed one-liners (`graph.Graph` wraps every call).

No message carries a secret: the URI is shown masked, and the password and any value the caller
names as secret (the text parameters of a user's query) are blanked out of the server's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from loader.model.errors import (
    AuthFailed,
    ConfigError,
    ConnectionFailed,
    DatabaseMissing,
    KgError,
    QueryFailed,
)
from loader.neo4j.target import Target, masked_uri, uri_secrets

RATE_LIMIT = "Neo.ClientError.Security.AuthenticationRateLimit"
AUTH_LOCK_SECONDS = 5  # Neo4j's dbms.security.auth_lock_time, after 3 failed attempts


@contextmanager
def translated_errors(settings: Target, secrets: Iterable[str] = ()) -> Iterator[None]:
    """Turn the driver's exceptions into one-line typed failures naming the cause."""
    try:
        yield
    except KgError:
        raise
    except Exception as exc:
        translated = translate(exc, settings, secrets)
        if translated is None:
            raise
        raise translated from None


def translate(exc: Exception, settings: Target, secrets: Iterable[str] = ()) -> KgError | None:
    """The one-line typed failure for a driver exception (None: not the driver's)."""
    from neo4j import exceptions as ex

    hidden = [settings.password, *uri_secrets(settings.uri), *secrets]
    where = masked_uri(settings.uri)

    def line(text: object) -> str:
        return _one_line(text, hidden)

    if isinstance(exc, ex.AuthError):
        return AuthFailed(f"authentication failed for user {settings.username!r} at {where}")
    if isinstance(exc, ex.ServiceUnavailable | ex.SessionExpired):
        return ConnectionFailed(f"cannot reach Neo4j at {where}: {line(exc)}")
    if isinstance(exc, ex.ConfigurationError):
        return ConfigError(f"bad connection settings for {where}: {line(exc)}")
    if isinstance(exc, ex.Neo4jError):
        code = exc.code or ""
        if code == RATE_LIMIT:
            return AuthFailed(
                f"Neo4j at {where} refuses logins for user {settings.username!r} for now: too "
                "many wrong passwords in a row (its authentication rate limit); wait "
                f"{AUTH_LOCK_SECONDS} seconds (dbms.security.auth_lock_time) and try again"
            )
        if code.endswith("DatabaseNotFound"):
            return DatabaseMissing(f"database {settings.database!r} does not exist at {where}")
        if code.endswith("CredentialsExpired"):
            return AuthFailed(f"the password of {settings.username!r} has expired")
        kind = "Cypher syntax error" if code.endswith("SyntaxError") else "query failed"
        return QueryFailed(f"{kind}: {line(exc.message or str(exc))} [{code}]")
    if isinstance(exc, ex.DriverError):
        return ConnectionFailed(f"Neo4j driver error at {where}: {line(exc)}")
    if isinstance(exc, OSError | ValueError):
        return ConnectionFailed(f"cannot use Neo4j at {where}: {line(exc)}")
    return None


_QUERY_REPR = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class HiddenParameters(logging.Filter):
    """The driver's log lines without the values a query carries: a `C: RUN 'query' {…}`
    line keeps its query but not its parameters (the first start's new password, the values
    of `-p`); a server failure (`S: FAILURE`) and a retry notice keep only the failure's code,
    since the server's message may quote a value (`date($p)`: "Text cannot be parsed …")."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg, args = record.msg, record.args
        if not (record.name.startswith("neo4j") and isinstance(msg, str) and args):
            return True
        *head, last = args if isinstance(args, tuple) else (args,)
        if "C: RUN" in msg:
            query = _QUERY_REPR.match(str(last))
            record.args = (*head, f"{query.group(0)} {{parameters hidden}}" if query else "…")
        elif "S: FAILURE" in msg or "will be retried" in msg:
            code = last.get("code") if isinstance(last, dict) else getattr(last, "code", None)
            record.args = (*head, f"{{code: {code!r}, message hidden}}")
        return True


def text_values(parameters: dict[str, Any] | None) -> list[str]:
    """The text values of a query's parameters (in lists and maps too): each could be a
    password, so none is echoed back in an error. Values under 3 characters are left, since
    blanking them would blank letters of the message."""
    found: list[str] = []
    stack: list[Any] = list((parameters or {}).values())
    while stack:
        value = stack.pop()
        if isinstance(value, str) and len(value) >= 3:
            found.append(value)
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return found


def _one_line(exc: object, hidden: Iterable[str] = ()) -> str:
    """The message on one line with every secret blanked: in the raw text first (a secret
    with two spaces or a tab would not be found once whitespace is collapsed), then in the
    collapsed text (the server may have collapsed it in its own words)."""
    secrets = sorted({s for s in hidden if s}, key=len, reverse=True)
    text = str(exc)
    for secret in secrets:
        text = text.replace(secret, "***")
    text = " ".join(text.split())
    for secret in secrets:
        text = text.replace(" ".join(secret.split()), "***") if secret.strip() else text
    return text[:300] if text else type(exc).__name__
