"""The load record: one `KgLoad` node per load, where the run used to be stamped on every row.

A load writes its record when it starts (run id, dataset, version, holder, start time) and
completes it at its end (end time, counts, and the key and source digest of every chunk it read,
with the digests of the chunk's groups of lines when its source gives them).
A record with no end time is a load that stopped half-way. A reload trusts the chunk digests of
the dataset's newest complete record only when no half-way load came after it: such a load may
have written rows that no complete record describes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from loader.neo4j import cypher_text as q
from loader.neo4j.graph import Graph
from loader.neo4j.lease import holder_name
from loader.neo4j.sync_plan import Counts


@dataclass(frozen=True)
class LastLoad:
    """What the dataset's newest complete load recorded; `run` None: there is none."""

    run: str | None = None
    version: str | None = None
    counts: dict[str, dict[str, Counts]] = field(default_factory=dict)  # nodes/relationships
    chunks: dict[str, str] = field(default_factory=dict)  # chunk key -> source digest
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # chunk key -> its groups
    stale_links: int | None = None  # stale relationships kept on wanted nodes (None: unrecorded)
    broken: bool = False  # a load stopped half-way after it

    def left_stale(self) -> bool:
        """Whether it kept rows the data no longer had (a load without prune)."""
        return any(c.stale for groups in self.counts.values() for c in groups.values())

    def kept_stale_relationships(self) -> bool:
        """Whether it kept relationships the data no longer had that start at a node the data
        still has: only comparing that node's rows finds them again (the final sweep finds
        stale nodes and their relationships, not these). A record that does not say counts
        every stale relationship."""
        if self.stale_links is not None:
            return self.stale_links > 0
        return any(c.stale for c in self.counts.get("relationships", {}).values())

    def trusted(self) -> bool:
        """Whether a reload may skip what this load recorded as unchanged: not after a load
        that stopped half-way, nor while stale relationships are kept (each reload counts them
        again, and a prune deletes them)."""
        return not self.broken and not self.kept_stale_relationships()

    def trusted_chunks(self) -> dict[str, str]:
        """The chunk digests a reload may skip chunks by (see `trusted`)."""
        return self.chunks if self.trusted() else {}

    def trusted_groups(self) -> dict[str, tuple[str, ...]]:
        """The group digests a reload may skip groups of lines by (see `trusted`)."""
        return self.groups if self.trusted() else {}


def last_load(graph: Graph, dataset: str) -> LastLoad:
    records = graph.records(q.LAST_LOADS, {"dataset": dataset})
    if not records:
        return LastLoad()
    found = records[0]
    keys, digests = found["keys"] or [], found["digests"] or []
    groups = found["groups"] or []  # none: recorded before groups were
    if len(groups) != len(keys) or not all(isinstance(g, str) for g in groups):
        groups = []  # edited by hand: the changed chunks compare every row
    return LastLoad(
        run=found["run"],
        version=found["version"],
        counts=_counts(found["held"]),
        chunks=dict(zip(keys, digests, strict=True)),
        groups={k: tuple(g.split(",")) for k, g in zip(keys, groups, strict=False) if g},
        stale_links=found["stale_links"] if isinstance(found["stale_links"], int) else None,
        broken=bool(found["broken"]),
    )


def start_record(graph: Graph, run: str, dataset: str, version: str, command: str | None) -> None:
    """The start of a load by `command` (`kg load`, `kg import rdf` …): the record says which
    command keeps the dataset, so an import cannot take over another's data unasked."""
    params = {
        "run": run,
        "dataset": dataset,
        "version": version,
        "holder": holder_name(),
        "command": command,
    }
    graph.execute(q.START_LOAD, params)


UNKNOWN_WRITER = "a load by an older kg"


def other_writer(graph: Graph, base: str, dataset: str, besides: str) -> str | None:
    """The newest command but `besides` that loaded the dataset the graph holds nodes of; None
    when there is none (`UNKNOWN_WRITER` for loads recorded before records named their
    command, or nodes with no record at all). A load by `besides` does not change it: an
    import of unchanged data does not make the dataset the import's."""
    if not graph.records(q.any_own_node(base), {"dataset": dataset}):
        return None
    [found] = graph.records(q.OTHER_WRITER, {"dataset": dataset, "besides": besides})
    if not found["loads"]:
        return UNKNOWN_WRITER
    if not found["others"]:
        return None
    return str(found["command"]) if found["command"] else UNKNOWN_WRITER


def finish_record(
    graph: Graph,
    run: str,
    dataset: str,
    counts: dict[str, dict[str, Counts]],
    chunks: dict[str, str],
    *,
    groups: dict[str, tuple[str, ...]] | None = None,
    stale_links: int = 0,
) -> None:
    """The end of the load: its counts (`nodes`/`relationships`, by label or type) and the
    chunks it read (key -> source digest; a chunk with no digest is not recorded), with the
    digests of their groups of lines (key -> digests, one string each in the record; kept on
    the dataset's newest complete record only, as no other is read), and how many stale
    relationships it kept on nodes the data still has."""
    totals = {
        f"{section}_{what}": sum(getattr(c, what) for c in named.values())
        for section, named in counts.items()
        for what in ("created", "updated", "deleted", "unchanged", "stale")
    }
    held = {
        section: {name: c.as_dict() for name, c in sorted(named.items())}
        for section, named in counts.items()
    }
    params: dict[str, Any] = {
        "run": run,
        "dataset": dataset,
        "totals": totals,
        "held": json.dumps(held, sort_keys=True, ensure_ascii=False),
        "keys": list(chunks),
        "digests": list(chunks.values()),
        "groups": [",".join((groups or {}).get(key, ())) for key in chunks],
        "stale_links": stale_links,
    }
    graph.execute(q.END_LOAD, params)


def _counts(held: str | None) -> dict[str, dict[str, Counts]]:
    if not held:
        return {}
    try:
        parsed = json.loads(held)
        return {
            section: {name: Counts(**values) for name, values in groups.items()}
            for section, groups in parsed.items()
        }
    except (ValueError, TypeError):  # edited by hand: the reload compares rows instead
        return {}
