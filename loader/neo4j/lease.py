"""One load of a dataset at a time: a lease node in Neo4j, taken in its own transaction.

Two loads of the same dataset that overlap would interleave their batches and leave a graph that
matches neither input. A load takes the dataset's lease (a `KgLease` node under a uniqueness
constraint, with the run id, the holder and an expiry), renews it as it goes and deletes it at
the end. A second load waits a bounded time, then stops with one line naming the holder. A lease
left by a killed load is taken over when it has expired, or at once when its holder was a
process on this machine that is gone; a policy that breaks it deletes it outright.
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
    from neo4j import Record

log = logging.getLogger(__name__)

TTL_S = 300  # renewed after every chunk; a killed load's lease frees itself after this
POLL_S = 1.0


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
def leased(graph: Graph, dataset: str, run: str, policy: LeasePolicy) -> Iterator[Held]:
    """Hold the dataset's lease while the block runs."""

    def constrained_take(wait_s: float) -> None:
        _write(graph, q.LEASE_CONSTRAINT, {})
        take(graph, dataset, run, wait_s)

    if policy.break_existing:
        _write(graph, q.BREAK_LEASE, {"dataset": dataset})
    constrained_take(policy.wait_s)
    try:
        yield Held(
            functools.partial(take, graph, dataset, run, 0, ours=True),
            functools.partial(constrained_take, 0),
        )
    finally:
        try:
            _write(graph, q.RELEASE_LEASE, {"dataset": dataset, "run": run})
        except Exception as exc:  # the server may be gone: the lease then expires by itself
            log.debug("could not release the lease of %s: %s", dataset, exc)


def take(graph: Graph, dataset: str, run: str, wait_s: float, *, ours: bool = False) -> None:
    """Take (or, `ours`, renew) the lease, waiting up to `wait_s` for another holder to end.
    A renewal looks for no dead holder: the lease is this run's already."""
    deadline = time.monotonic() + wait_s
    while True:
        params = {
            "dataset": dataset,
            "run": run,
            "holder": holder_name(),
            "ttl": TTL_S,
            "breakable": "" if ours else _dead_run(graph, dataset),
        }
        [record] = _write(graph, q.TAKE_LEASE, params)
        if record["ours"]:
            return
        if time.monotonic() >= deadline:
            raise LoadBusy(
                f"another load of {dataset} (run {str(record['run'])[:12]}, "
                f"{record['holder']}, since {record['since']}) is running; try again when it "
                "ends",
                hint=Hint.BREAK_LEASE,
            )
        time.sleep(POLL_S)


def _dead_run(graph: Graph, dataset: str) -> str:
    """The run id of a lease whose holder was a process on this machine that no longer lives."""
    records = graph.records(q.READ_LEASE, {"dataset": dataset})
    if not records or not records[0]["holder"]:
        return ""
    host, _, pid = str(records[0]["holder"]).rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid)):
        return str(records[0]["run"])
    return ""


def _write(graph: Graph, query: str, params: dict[str, object]) -> list[Record]:
    """One retried write transaction of its own (never part of a load's batches)."""
    return graph.write(records_in, query, params)
