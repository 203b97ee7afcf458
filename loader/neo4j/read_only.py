"""Read-only means it reads the graph only: decided from the server's plan, not from the text.

A statement not allowed to write (and every saved query) is first EXPLAINed: the server must
plan it as a read (query type `r`), and no operator may reach outside the graph: no LOAD CSV
(files or URLs), no transaction management (TERMINATE or SHOW TRANSACTIONS: the latter shows
other sessions' queries and parameters, secrets among them), no administration command,
and no procedure but the built-in ones known to read only. A write keeps the full power.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from loader.model.errors import Hint, QueryFailed
from loader.neo4j.graph import Graph

# Operators that leave the graph: what each is, for the message.
REFUSED_OPERATORS = {
    "LoadCSV": "LOAD CSV reads files or URLs",
    "TerminateTransactions": "TERMINATE TRANSACTIONS ends other sessions' work",
    "ShowTransactions": "SHOW TRANSACTIONS shows other sessions' queries and parameters",
    "AdministrationCommand": "an administration command",
}
# Built-in procedures that only read the graph or its schema.
READ_ONLY_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes",
        "db.index.fulltext.queryRelationships",
        "db.index.fulltext.listAvailableAnalyzers",
        "db.awaitIndex",
        "db.awaitIndexes",
        "db.info",
        "db.ping",
    }
)


def check_read_only(
    graph: Graph, text: str, params: dict[str, Any], what: str, secrets: Iterable[str] = ()
) -> None:
    """Refuse `text` (named `what` in the message) unless its plan only reads the graph."""
    # nothing runs: the server only plans it
    _, summary, _ = graph.execute("EXPLAIN " + text, params, read=True, secrets=secrets)
    reason = refusal(str(summary.query_type), summary.plan)
    if reason:
        raise QueryFailed(f"{what} is not read-only ({reason}); refused", hint=Hint.WRITE)


def refusal(query_type: str, plan: dict[str, Any] | None) -> str | None:
    """Why a planned statement is not a read of the graph, or None when it is."""
    if query_type != "r":
        return f"the server plans it as query type {query_type!r}"
    for operator, details in _operators(plan):
        if operator in REFUSED_OPERATORS:
            return REFUSED_OPERATORS[operator]
        if operator == "ProcedureCall":
            name = details.split("(", 1)[0].strip()
            if name not in READ_ONLY_PROCEDURES:
                return f"procedure {name} is not known to be read-only"
    return None


def _operators(plan: dict[str, Any] | None) -> Iterator[tuple[str, str]]:
    if not plan:
        return
    operator = str(plan.get("operatorType", "")).split("@", 1)[0]
    yield operator, str((plan.get("args") or {}).get("Details", ""))
    for child in plan.get("children") or ():
        yield from _operators(child)
