"""The official driver, opened for a `Target`, with its failures turned into typed one-liners."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from loader.model.errors import (
    AuthFailed,
    ConfigError,
    ConnectionFailed,
    DatabaseMissing,
    KgError,
    QueryFailed,
)
from loader.neo4j.target import Target

if TYPE_CHECKING:
    from neo4j import Driver


@contextmanager
def translated_errors(settings: Target) -> Iterator[None]:
    """Turn the driver's exceptions into one-line typed failures naming the cause."""
    from neo4j import exceptions as ex

    try:
        yield
    except KgError:
        raise
    except ex.AuthError:
        raise AuthFailed(
            f"authentication failed for user {settings.username!r} at {settings.uri}"
        ) from None
    except (ex.ServiceUnavailable, ex.SessionExpired) as exc:
        raise ConnectionFailed(f"cannot reach Neo4j at {settings.uri}: {_one_line(exc)}") from None
    except ex.ConfigurationError as exc:
        raise ConfigError(f"bad connection settings for {settings.uri}: {_one_line(exc)}") from None
    except ex.Neo4jError as exc:
        code = exc.code or ""
        if code.endswith("DatabaseNotFound"):
            raise DatabaseMissing(
                f"database {settings.database!r} does not exist at {settings.uri}"
            ) from None
        if code.endswith("CredentialsExpired"):
            raise AuthFailed(f"the password of {settings.username!r} has expired") from None
        kind = "Cypher syntax error" if code.endswith("SyntaxError") else "query failed"
        raise QueryFailed(f"{kind}: {_one_line(exc.message or str(exc))} [{code}]") from None
    except ex.DriverError as exc:
        raise ConnectionFailed(f"Neo4j driver error at {settings.uri}: {_one_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise ConnectionFailed(f"cannot use Neo4j at {settings.uri}: {_one_line(exc)}") from None


@contextmanager
def open_driver(settings: Target) -> Iterator[Driver]:
    """A driver whose failures, while it is used, come out as typed errors."""
    from neo4j import GraphDatabase

    with translated_errors(settings):
        driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            connection_timeout=10.0,
            max_transaction_retry_time=15.0,
        )
        try:
            yield driver
        finally:
            driver.close()


def verify(settings: Target, run_query: bool = True) -> None:
    """Fail unless the server answers and accepts the credentials (and, by default, a query)."""
    with open_driver(settings) as driver:
        driver.verify_connectivity()
        if run_query:
            driver.execute_query("RETURN 1", database_=settings.database)


def change_initial_password(settings: Target, new_password: str) -> None:
    """Replace the first-start password; Neo4j allows nothing else until this is done."""
    with open_driver(settings) as driver:
        driver.execute_query(
            "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
            old=settings.password,
            new=new_password,
            database_="system",
        )


def _one_line(exc: object) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__
