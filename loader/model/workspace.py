"""The workspace a command works on: the project, its schema and its validated data.

Built once at the command line's entry (as dbt builds its project before a task runs) and handed
to the job, which hands it on: no module below the CLI finds the project, reads the schema or
validates the data on its own. The schema and the data are read on first use and kept, so a
command that needs them twice (an export with mentions) reads and checks them once, and a
command that needs neither (a query) never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from loader.model.about import About
from loader.model.dataset import Dataset
from loader.model.errors import Hint
from loader.model.project import Project, ProjectMissing, read_project
from loader.model.schema import Schema, load_schema
from loader.model.validation import Report, checked_dataset, dataset_about, validate


@dataclass
class Workspace:
    """A project with the data folder and schema file this command reads (the project's unless
    the command names others). Outside a project, a command that names both its data folder
    and its schema file still has a workspace (`detached`): asked for what only a project has
    (its queries, report folder, cache, server), it says there is no project."""

    project: Project | None
    data_path: Path
    schema_path: Path

    @classmethod
    def at(cls, root: Path, *, data: Path | None = None, schema: Path | None = None) -> Workspace:
        """The workspace of the project whose kg.toml is in `root` (for scripts and tests)."""
        return cls.of(read_project(root), data=data, schema=schema)

    @classmethod
    def of(
        cls, project: Project, *, data: Path | None = None, schema: Path | None = None
    ) -> Workspace:
        """The project's workspace, with another data folder or schema file if given."""
        return cls(project, data or project.data, schema or project.schema)

    @classmethod
    def detached(cls, data: Path, schema: Path) -> Workspace:
        """A data folder and a schema file with no project around them."""
        return cls(None, data, schema)

    @property
    def root(self) -> Path:
        return self._project().root

    @property
    def queries(self) -> Path:
        return self._project().queries

    @property
    def report(self) -> Path:
        return self._project().report

    @property
    def cache(self) -> Path:
        return self._project().cache

    def _project(self) -> Project:
        if self.project is None:
            raise ProjectMissing(
                f"{self.data_path} and {self.schema_path} are not in a jinshan-kg project "
                "(no kg.toml around them)",
                hint=Hint.PROJECT,
            )
        return self.project

    @cached_property
    def schema(self) -> Schema:
        """The schema, read and checked once (`DataInvalid` when it is broken)."""
        return load_schema(self.schema_path)

    @cached_property
    def validation(self) -> Report:
        """The data checked against the schema, once; never touches Neo4j."""
        return validate(self.data_path, self.schema)

    @cached_property
    def about(self) -> About:
        """What `dataset.yaml` declares about the curated data (read alone, not validated)."""
        return dataset_about(self.data_path)

    @property
    def dataset(self) -> Dataset:
        """The validated dataset (warnings do not stop it), or `DataInvalid` carrying every
        problem."""
        return checked_dataset(self.validation)

    def server_home(self, home: Path | None) -> Path:
        """The managed server's home: `home` (relative: to the project root, so every subfolder
        names the same server) if given, else the project's (kg.toml's `neo4j_home`)."""
        if home is None:
            return self._project().neo4j_home
        home = home.expanduser()
        if home.is_absolute():
            return home
        return (self.project.root if self.project else Path.cwd()) / home
