"""Cypher against the target: ad-hoc statements (`kg cypher`) and saved queries (`kg query`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.model.errors import ConfigError
from loader.model.outputs import check_output, write_file
from loader.model.workspace import Workspace
from loader.neo4j.browser_style import style_command
from loader.neo4j.connect import Connection
from loader.neo4j.cypher import QueryResult, run_cypher, split_statements
from loader.neo4j.favorites import favorites_zip
from loader.neo4j.saved_queries import (
    SavedQuery,
    browser_link,
    get_query,
    list_queries,
    run_saved,
)


@dataclass(frozen=True)
class StatementRun:
    statement: str
    result: QueryResult


def run_statements(
    connection: Connection, text: str, params: dict[str, Any], *, write: bool = False
) -> list[StatementRun]:
    """Each `;`-separated statement in turn, each in its own transaction (like cypher-shell),
    over the command's one connection (so each sees what the one before it wrote)."""
    statements = split_statements(text)
    if not statements:
        raise ConfigError("no Cypher statement given")
    graph = connection.graph(start=False)
    return [
        StatementRun(statement, run_cypher(graph, statement, params, write=write))
        for statement in statements
    ]


@dataclass(frozen=True)
class SavedRun:
    query: SavedQuery
    result: QueryResult


def run_saved_query(
    connection: Connection, name: str, params: dict[str, Any], *, folder: Path
) -> SavedRun:
    """A saved query by name, read-only, parameters over the examples in its header."""
    saved = get_query(name, folder)
    return SavedRun(saved, run_saved(connection.graph(start=False), saved, params))


def saved_query_link(
    connection: Connection, name: str, base_url: str | None, *, folder: Path
) -> str:
    """A Browser URL opening the saved query in the editor (the managed server's by default)."""
    saved = get_query(name, folder)
    return browser_link(saved, base_url or connection.server().status().browser_url)


def browser_style_command(workspace: Workspace) -> str:
    """The `:style` command applying the schema's GRASS stylesheet in Browser."""
    return style_command(workspace.schema)


def write_favorites(out: Path, folder: Path) -> int:
    """The saved queries of `folder` as one Browser favorites archive at `out`; how many."""
    if out.suffix.lower() != ".zip":
        raise ConfigError(f"{out}: Browser imports favorites from a .zip; name the file *.zip")
    target = check_output(out)
    queries = list_queries(folder)
    write_file(target, favorites_zip(queries))
    return len(queries)
