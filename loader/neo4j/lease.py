"""One load of a dataset at a time, and nothing else while a load deletes: leases in Neo4j.

Two loads of the same dataset that overlap would interleave their batches and leave a graph that
matches neither input. A load takes the dataset's lease (a `KgLease` node under a uniqueness
constraint, with the run id, the holder and an expiry), renews it as it goes and deletes it at
the end. A second load waits a bounded time, then stops with one line naming the holder. A lease
left by a killed load is taken over when it has expired, or at once when its holder was a
process on this machine that is gone; a policy that breaks it deletes it outright.

A load that deletes (`--wipe`, `--prune`) could remove what another dataset's load is writing,
so it also claims the database-wide lease (the `KgLease` of the reserved name `*`) alone: it
waits until no other dataset's load runs, and no load starts while it holds it. Every take
locks that node first, in the same transaction, so a load and a wipe starting together are
serialised by the server.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loader.model.errors import DataInvalid, Hint, LoadBusy
from loader.model.text_rules import RESERVED_DATASET
from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph, records_in
from loader.neo4j.server import pid_alive

if TYPE_CHECKING:
    from neo4j import ManagedTransaction, Record

log = logging.getLogger(__name__)

TTL_S = 300  # renewed after every chunk; a killed load's lease frees itself after this
POLL_S = 1.0
ALL = RESERVED_DATASET  # the dataset name of the database-wide lease (no dataset's name)


@dataclass(frozen=True)
class LeasePolicy:
    """How long to wait for another load of the dataset, and whether to break its lease."""

    wait_s: float = 10.0
    break_existing: bool = False


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Held:
    """The leases this run holds: renew them as work goes on (they expire after `TTL_S`);
    `exclude_others` claims the database too, waiting for other datasets' loads to end (a
    load that finds it must relabel: a node changes its label under other datasets' loads,
    which may be matching it by that label)."""

    graph: Graph
    dataset: str
    run: str
    wait_s: float
    alone: bool

    def renew(self) -> None:
        take(self.graph, self.dataset, self.run, 0, ours=True, alone=self.alone)

    def exclude_others(self, why: str) -> None:
        """Claim the database too; `why` names this load in the message if another is in the
        way ("a load that relabels nodes")."""
        if not self.alone:
            take(self.graph, self.dataset, self.run, self.wait_s, alone=True, why=why)
            self.alone = True


@contextmanager
def leased(
    graph: Graph, dataset: str, run: str, policy: LeasePolicy, *, alone: bool = False
) -> Iterator[Held]:
    """Hold the dataset's lease while the block runs; `alone` (a load that deletes) also
    claims the database-wide lease, so no other dataset's load runs meanwhile."""
    if dataset == ALL:
        raise DataInvalid(f"{ALL!r} is reserved and cannot name a dataset")

    if policy.break_existing:  # those in this load's way: a killed load's, a killed wipe's
        _write(graph, q.BREAK_LEASE, {"dataset": dataset})
        _write(graph, q.BREAK_LEASE, {"dataset": ALL})
    _write(graph, q.LEASE_CONSTRAINT, {})
    take(graph, dataset, run, policy.wait_s, alone=alone)
    try:
        yield Held(graph, dataset, run, policy.wait_s, alone)
    finally:
        release(graph, dataset, run)


def release(graph: Graph, dataset: str, run: str) -> None:
    """Give up the dataset's lease and the database claim of this run, if it made one."""
    try:
        _write(graph, q.RELEASE_LEASE, {"dataset": dataset, "run": run})
        _write(graph, q.RELEASE_DATABASE, {"all": ALL, "run": run})
    except Exception as exc:  # the server may be gone: the lease then expires by itself
        log.debug("could not release the lease of %s: %s", dataset, exc)


def take(
    graph: Graph,
    dataset: str,
    run: str,
    wait_s: float,
    *,
    ours: bool = False,
    alone: bool = False,
    why: str = "a load that deletes",
) -> None:
    """Take (or, `ours`, renew) the leases, waiting up to `wait_s` for other holders to end.
    A lease whose holder was a process on this machine that is gone is taken over (its
    dataset's) or removed (another dataset's, or a dead wipe's database-wide claim), so a
    renewal, which looks for no dead holder, never finds it in the way."""
    deadline = time.monotonic() + wait_s
    while True:
        params = {
            "dataset": dataset,
            "run": run,
            "holder": holder_name(),
            "ttl": TTL_S,
            "dead": [] if ours else _dead_runs(graph),
            "all": ALL,
        }
        try:
            graph.write(_take, params, alone, why)
            return
        except _Busy as busy:
            if time.monotonic() >= deadline:
                raise LoadBusy(str(busy), hint=busy.hint) from None
        time.sleep(POLL_S)


class _Busy(Exception):
    """Raised inside the transaction function, so that a failed attempt is rolled back whole
    (no claim or lease kept from it)."""

    def __init__(self, message: str, hint: Hint | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _take(tx: ManagedTransaction, params: dict[str, object], alone: bool, why: str) -> None:
    """One attempt, in one transaction that first locks the database-wide lease; `_Busy`
    (the transaction rolled back) when another holder is in the way."""
    [database] = tx.run(q.LOCK_DATABASE, params)
    if not database["open"]:
        raise _Busy(
            f"a load that deletes ({_holder(database)}) has the database to itself; try again "
            "when it ends",
            Hint.BREAK_LEASE,
        )
    tx.run(q.DROP_DEAD_LEASES, params).consume()
    if alone and database["run"] != params["run"]:  # a renewal has excluded them already
        for other in tx.run(q.OTHER_LEASES, params):
            raise _Busy(
                f"a load of {other['dataset']} ({_holder(other)}) is running, and {why} "
                "needs the database to itself; try again when it ends"
            )
    if alone:
        tx.run(q.CLAIM_DATABASE, params).consume()
    [record] = tx.run(q.TAKE_LEASE, params)
    if not record["ours"]:
        raise _Busy(
            f"another load of {params['dataset']} ({_holder(record)}) is running; try again "
            "when it ends",
            Hint.BREAK_LEASE,
        )


def _holder(lease: Record) -> str:
    """Who holds a lease, for a message: its run (short), holder and since when."""
    return f"run {str(lease['run'])[:12]}, {lease['holder']}, since {lease['since']}"


def _dead_runs(graph: Graph) -> list[str]:
    """The run ids of leases whose holder was a process on this machine that no longer lives."""
    dead = []
    for record in graph.records(q.ALL_LEASES):
        host, _, pid = str(record["holder"] or "").rpartition(":")
        if host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid)):
            dead.append(str(record["run"]))
    return dead


def _write(graph: Graph, query: str, params: dict[str, object]) -> list[Record]:
    """One retried write transaction of its own (never part of a load's batches)."""
    return graph.write(records_in, query, params)
