"""Cypher against the target: ad-hoc statements (`kg cypher`) and saved queries (`kg query`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.model.errors import ConfigError
from loader.model.outputs import check_output, write_file
from loader.model.schema import load_schema
from loader.neo4j.browser_style import style_command
from loader.neo4j.connect import managed_server, resolve_target
from loader.neo4j.cypher import QueryResult, run_cypher, split_statements
from loader.neo4j.favorites import favorites_zip
from loader.neo4j.saved_queries import (
    SavedQuery,
    browser_link,
    get_query,
    list_queries,
    run_saved,
)
from loader.neo4j.target import ConnectionOptions


def run_statements(
    options: ConnectionOptions, text: str, params: dict[str, Any], write: bool = False
) -> list[QueryResult]:
    """Each `;`-separated statement in turn, each in its own transaction (like cypher-shell)."""
    statements = split_statements(text)
    if not statements:
        raise ConfigError("no Cypher statement given")
    target = resolve_target(options)
    return [run_cypher(target, statement, params, write=write) for statement in statements]


@dataclass(frozen=True)
class SavedRun:
    query: SavedQuery
    result: QueryResult


def run_saved_query(
    options: ConnectionOptions,
    name: str,
    params: dict[str, Any],
    folder: Path | None = None,
) -> SavedRun:
    """A saved query by name, read-only, parameters over the examples in its header."""
    saved = get_query(name, folder)
    return SavedRun(saved, run_saved(resolve_target(options), saved, params))


def saved_query_link(
    options: ConnectionOptions, name: str, base_url: str | None, folder: Path | None = None
) -> str:
    """A Browser URL opening the saved query in the editor (the managed server's by default)."""
    saved = get_query(name, folder)
    return browser_link(saved, base_url or managed_server(options).status().browser_url)


def browser_style_command() -> str:
    """The `:style` command applying the schema's GRASS stylesheet in Browser."""
    return style_command(load_schema())


def write_favorites(out: Path, folder: Path | None = None) -> int:
    """The saved queries as one Browser favorites archive at `out`; how many it holds."""
    if out.suffix.lower() != ".zip":
        raise ConfigError(f"{out}: Browser imports favorites from a .zip; name the file *.zip")
    target = check_output(out)
    queries = list_queries(folder)
    write_file(target, favorites_zip(queries))
    return len(queries)
