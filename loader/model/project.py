"""The project folder: found like git or dbt finds theirs, by walking up to a marker file.

`kg.toml` at the root names the data, schema, queries and report folders, the managed server's
home and the cache; every relative path resolves from the root, so any subfolder works.
`--project` / `KG_PROJECT` override the walk for scripts. The command line finds the project
once (`find_project`) and hands it down inside the `Workspace`: nothing below it looks it up.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from loader.model.errors import ConfigError, Hint

MARKER = "kg.toml"
ENV_PROJECT = "KG_PROJECT"
DEFAULT_PATHS = {
    "data": "data",
    "schema": "schema/schema.yaml",
    "queries": "queries",
    "report": "report",
    "neo4j_home": ".kg/neo4j",
    "cache": ".kg/cache",
}


class ProjectMissing(ConfigError):
    """The command needs a project and none was found."""


@dataclass(frozen=True)
class Project:
    root: Path
    data: Path
    schema: Path
    queries: Path
    report: Path
    neo4j_home: Path
    cache: Path


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the working directory) holding kg.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def find_project(explicit: Path | None = None, start: Path | None = None) -> Project:
    """The project a command works on: `explicit` (--project or KG_PROJECT) if given, else the
    nearest folder at or above `start` (default: the working directory) holding kg.toml."""
    if explicit is not None:
        root = explicit.expanduser().resolve()
        if not (root / MARKER).is_file():
            raise ProjectMissing(f"{root} is not a jinshan-kg project: it has no {MARKER}")
        return read_project(root)
    found = find_root(start)
    if found is None:
        raise ProjectMissing(
            f"not inside a jinshan-kg project (no {MARKER} here or in any parent folder)",
            hint=Hint.PROJECT,
        )
    return read_project(found)


def read_project(root: Path) -> Project:
    """The project at `root`, its paths from kg.toml's [paths] table over the defaults."""
    marker = root / MARKER
    try:
        config = tomllib.loads(marker.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{marker}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{marker}: invalid TOML: {exc}") from None
    paths = config.get("paths", {})
    if not isinstance(paths, dict):
        raise ConfigError(f"{marker}: [paths] must be a table")
    unknown = sorted(set(paths) - set(DEFAULT_PATHS))
    if unknown:
        raise ConfigError(f"{marker}: unknown path {unknown[0]!r} in [paths]")
    resolved: dict[str, Path] = {}
    for key, default in DEFAULT_PATHS.items():
        value = paths.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{marker}: paths.{key} must be a non-empty string")
        resolved[key] = root / Path(value).expanduser()
    return Project(root=root, **resolved)
