"""What a command works on, built once at its entry and handed to its job: the workspace (the
project found from `--project`, `KG_PROJECT` or the working directory) and the one connection.

The root command keeps its options (`--debug`, `--project`) on the invocation's context, which
every command receives and passes here; nothing is kept in module state, so two invocations in
one process (as the tests make) never see each other's choices.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from loader.model.errors import ConfigError
from loader.model.project import ENV_PROJECT, ProjectMissing, find_project

if TYPE_CHECKING:  # imported when a command runs: `kg --help` reads no schema, no driver
    from loader.model.workspace import Workspace
    from loader.neo4j.connect import Connection
    from loader.neo4j.target import ConnectionOptions


@dataclass(frozen=True)
class RootOptions:
    """The root command's options: tracebacks wanted, and the project named (if any)."""

    debug: bool = False
    project: Path | None = None


def root_options(ctx: typer.Context) -> RootOptions:
    """The root options of the invocation `ctx` belongs to."""
    found = ctx.find_root().obj
    return found if isinstance(found, RootOptions) else RootOptions()


def named_project(option: Path | None) -> Path | None:
    """`--project`, else `KG_PROJECT`, else None (found by walking up)."""
    return option or (Path(os.environ[ENV_PROJECT]) if os.environ.get(ENV_PROJECT) else None)


def workspace(
    ctx: typer.Context, *, data: Path | None = None, schema: Path | None = None
) -> Workspace:
    """The command's workspace: the project's data and schema unless the command names others.
    Outside a project, a command that names both works on them alone; any other says how to
    name a project (`ProjectMissing`)."""
    from loader.model.workspace import Workspace

    named = root_options(ctx).project
    try:
        project = find_project(named)
    except ProjectMissing:
        if named is None and data is not None and schema is not None:
            return Workspace.detached(data, schema)
        raise
    return Workspace.of(project, data=data, schema=schema)


def optional_workspace(ctx: typer.Context) -> Workspace | None:
    """The workspace if there is a project, else None."""
    try:
        return workspace(ctx)
    except ProjectMissing:
        return None


def workspace_for(ctx: typer.Context, options: ConnectionOptions) -> Workspace | None:
    """The workspace; None when the command can do without one (it names a server by URI or
    a managed server's home) and there is no project, or its kg.toml cannot be read; else the
    failure (`ProjectMissing` outside a project)."""
    try:
        return workspace(ctx)
    except ConfigError:
        if options.chosen_uri() or options.chosen_home():
            return None
        raise


@contextmanager
def connection(options: ConnectionOptions, ws: Workspace | None = None) -> Iterator[Connection]:
    """The command's one connection, closed (its one driver with it) when the command ends."""
    from loader.neo4j.connect import Connection

    with Connection(ws, options) as opened:
        yield opened
