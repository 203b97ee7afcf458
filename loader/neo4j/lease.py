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

import functools
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loader.model.errors import Hint, LoadBusy
from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph, records_in
from loader.neo4j.server import pid_alive

if TYPE_CHECKING:
    from neo4j import ManagedTransaction, Record

log = logging.getLogger(__name__)

TTL_S = 300  # renewed after every chunk; a killed load's lease frees itself after this
POLL_S = 1.0
ALL = "*"  # the dataset name of the database-wide lease (not a valid dataset name to load)


@dataclass(frozen=True)
class LeasePolicy:
    """How long to wait for another load of the dataset, and whether to break its lease."""

    wait_s: float = 10.0
    break_existing: bool = False


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Held:
    """A lease this run holds: renew it as work goes on, restore it after a wipe took it."""

    renew: Callable[[], None]
    restore: Callable[[], None]


@contextmanager
def leased(
    graph: Graph, dataset: str, run: str, policy: LeasePolicy, *, alone: bool = False
) -> Iterator[Held]:
    """Hold the dataset's lease while the block runs; `alone` (a load that deletes) also
    claims the database-wide lease, so no other dataset's load runs meanwhile."""
    if dataset == ALL:
        raise LoadBusy(f"{ALL!r} is reserved and cannot name a dataset")

    def constrained_take(wait_s: float) -> None:
        _write(graph, q.LEASE_CONSTRAINT, {})
        take(graph, dataset, run, wait_s, alone=alone)

    if policy.break_existing:
        _write(graph, q.BREAK_LEASE, {"dataset": dataset})
        _write(graph, q.BREAK_LEASE, {"dataset": ALL})
    try:
        constrained_take(policy.wait_s)
    except LoadBusy:  # the database-wide node this run locked (unclaimed) is not left behind
        _write(graph, q.RELEASE_DATABASE, {"all": ALL, "run": run})
        raise
    try:
        yield Held(
            functools.partial(take, graph, dataset, run, 0, ours=True, alone=alone),
            functools.partial(constrained_take, 0),
        )
    finally:
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
) -> None:
    """Take (or, `ours`, renew) the lease, waiting up to `wait_s` for another holder to end.
    A renewal looks for no dead holder: the lease is this run's already."""
    deadline = time.monotonic() + wait_s
    while True:
        dead = [] if ours else _dead_runs(graph)
        params = {
            "dataset": dataset,
            "run": run,
            "holder": holder_name(),
            "ttl": TTL_S,
            "dead": dead,
            "all": ALL,
        }
        busy = graph.write(_take, params, alone)
        if busy is None:
            return
        if time.monotonic() >= deadline:
            raise LoadBusy(busy, hint=Hint.BREAK_LEASE)
        time.sleep(POLL_S)


def _take(tx: ManagedTransaction, params: dict[str, object], alone: bool) -> str | None:
    """One attempt, in one transaction that first locks the database-wide lease: None when
    the leases are this run's, else why not."""
    [database] = tx.run(q.LOCK_DATABASE, params)
    if not database["open"]:
        return (
            f"a load that deletes (run {str(database['run'])[:12]}, {database['holder']}, "
            f"since {database['since']}) has the database to itself; try again when it ends"
        )
    if alone:
        for other in tx.run(q.OTHER_LEASES, params):
            return (
                f"a load of {other['dataset']} (run {str(other['run'])[:12]}, "
                f"{other['holder']}, since {other['since']}) is running, and a load that "
                "deletes needs the database to itself; try again when it ends"
            )
        tx.run(q.CLAIM_DATABASE, params).consume()
    [record] = tx.run(q.TAKE_LEASE, params)
    if record["ours"]:
        return None
    return (
        f"another load of {params['dataset']} (run {str(record['run'])[:12]}, "
        f"{record['holder']}, since {record['since']}) is running; try again when it ends"
    )


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
