"""Typed failures a user can act on.

Library code raises these; the CLI turns each into one line on stderr and its exit code.
"""

from collections.abc import Sequence

from loader.model.problems import Problem


class KgError(Exception):
    """A failure with a message fit for one line of output."""

    exit_code = 1


class ConfigError(KgError):
    """Settings or arguments that cannot work (bad option, bad parameter, missing file)."""


class UsageError(ConfigError):
    """Options that cannot work together (or at all here): refused before anything is done."""

    exit_code = 2


class ToolMissing(KgError):
    """A program the managed server needs (Java 17+, Maven) is not installed."""


class ServerError(KgError):
    """The managed Neo4j server could not be installed, started or stopped."""


class ConnectionFailed(KgError):
    """No Neo4j server answers at the configured address."""


class AuthFailed(KgError):
    """The server refused the credentials."""


class DatabaseMissing(KgError):
    """The configured database does not exist on the server."""


class QueryFailed(KgError):
    """The server rejected a query (syntax, semantics, access mode, constraint)."""


class DataConflict(KgError):
    """The data cannot be written as it stands (an id another dataset owns, a relation outside
    the chunk of its start node, a relabel in a streamed load); nothing was changed."""


class LoadBusy(KgError):
    """Another load of the same dataset holds its lease: try again later (EX_TEMPFAIL)."""

    exit_code = 75


class DataInvalid(KgError):
    """Curated data or schema files have problems; nothing was written.

    `problems` holds every `Problem` found; the message names the count and the first.
    """

    exit_code = 2

    def __init__(self, what: str, problems: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        if self.problems:
            more = len(self.problems) - 1
            what = f"{what}: {self.problems[0]}" + (f" (and {more} more)" if more else "")
        super().__init__(what)


class OutputFailed(KgError):
    """An output could not be written (missing folder, permission, full disk); none was left."""
