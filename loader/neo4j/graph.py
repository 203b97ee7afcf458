"""The one connection a command holds: the official driver and its bookmark manager, typed.

A command opens one `Graph` and every step uses it: the load's writers, the snapshot readers,
the sweep, the analysis write-back, the saved queries that follow. Every transaction, in any
session or thread, takes its bookmarks from the one manager and gives its new bookmark back,
so on a cluster (`neo4j://`) a read that follows a write in the same command waits until its
server has that write (causal consistency), even when the read goes to another member.

Every call goes through here, so every driver failure comes out as a typed one-line error with
the password (and any value a caller names as secret) blanked out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from loader.neo4j.driver import translated_errors
from loader.neo4j.target import Target

if TYPE_CHECKING:
    from neo4j import (
        Driver,
        EagerResult,
        ManagedTransaction,
        Record,
        ResultSummary,
        Session,
    )
    from neo4j.api import BookmarkManager

P = ParamSpec("P")
T = TypeVar("T")


class Graph:
    """A Neo4j database behind one driver: queries, transactions and sessions that share one
    bookmark manager. Open it with `Graph.open(target)`; close it once, at the command's end."""

    def __init__(self, target: Target, driver: Driver, bookmarks: BookmarkManager) -> None:
        self.target = target
        self.driver = driver
        self.bookmarks = bookmarks

    @classmethod
    def open(cls, target: Target) -> Graph:
        """A driver for `target` (no connection is made until the first query)."""
        from neo4j import GraphDatabase

        with translated_errors(target):
            driver = GraphDatabase.driver(
                target.uri,
                auth=(target.username, target.password),
                connection_timeout=10.0,
                max_transaction_retry_time=15.0,
            )
        return cls(target, driver, GraphDatabase.bookmark_manager())

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def database(self) -> str | None:
        return self.target.database

    def execute(
        self,
        query: str,
        params: dict[str, Any] | None = None,
        *,
        read: bool = False,
        secrets: Iterable[str] = (),
        auth: tuple[str, str] | None = None,
        database: str | None = None,
    ) -> EagerResult:
        """One query in its own retried transaction (records, summary, keys); `read` routes it
        to a reader and lets the server refuse a write. `secrets` are blanked from errors.
        `auth` and `database` run it as another login or in another database than the
        graph's (the managed server's first start: the password change, in `system`)."""
        from neo4j import RoutingControl

        with translated_errors(self.target, secrets):
            return self.driver.execute_query(
                query,  # our query module's text, or the user's (by design)
                parameters_=params or {},
                routing_=RoutingControl.READ if read else RoutingControl.WRITE,
                database_=database or self.database,
                bookmark_manager_=self.bookmarks,
                auth_=auth,
            )

    def records(
        self, query: str, params: dict[str, Any] | None = None, *, read: bool = False
    ) -> list[Record]:
        """The records of one query in its own retried transaction."""
        return list(self.execute(query, params, read=read).records)

    def write(
        self,
        work: Callable[Concatenate[ManagedTransaction, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`work(tx, …)` in a retried write transaction of a session of its own (safe from any
        thread: sessions are not shared, the bookmark manager is)."""
        with translated_errors(self.target), self._session() as session:
            return session.execute_write(work, *args, **kwargs)

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[Record]:
        """One auto-commit query: for what cannot run in a transaction function (`CALL { … }
        IN TRANSACTIONS`, index waits, schema commands). Not retried."""
        with translated_errors(self.target), self._session() as session:
            return list(session.run(query, params or {}))

    def forget_bookmarks(self) -> None:
        """Start the causal chain afresh: the database was replaced offline (neo4j-admin import),
        so the bookmarks name transactions of a store that is gone, and a server asked to wait
        for them would wait until it times out."""
        from neo4j import GraphDatabase

        self.bookmarks = GraphDatabase.bookmark_manager()

    def accepts(self, username: str, password: str) -> bool:
        """Whether the server accepts this login (False for wrong or expired credentials); a
        server that does not answer raises."""
        with translated_errors(self.target, [password]):
            return self.driver.verify_authentication(auth=(username, password))

    def verify(self) -> None:
        """Fail unless the server answers and accepts the credentials."""
        with translated_errors(self.target):
            self.driver.verify_connectivity()

    def _session(self) -> Session:
        return self.driver.session(database=self.database, bookmark_manager=self.bookmarks)


def run_in(tx: ManagedTransaction, query: str, params: dict[str, Any]) -> ResultSummary:
    """One query inside a transaction function, consumed: its summary (counters)."""
    return tx.run(query, params).consume()


def run_each(tx: ManagedTransaction, statements: list[tuple[str, dict[str, Any]]]) -> None:
    """Several queries in one transaction, in order, each consumed: small groups of rows share
    a commit (on the reference machine a commit costs tens of milliseconds)."""
    for query, params in statements:
        run_in(tx, query, params)


def records_in(tx: ManagedTransaction, query: str, params: dict[str, Any]) -> list[Record]:
    """One query inside a transaction function: its records."""
    return list(tx.run(query, params))
