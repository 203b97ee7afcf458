"""Typed failures a user can act on.

Library code raises these; the CLI turns each into one line on stderr and its exit code. Each
class is a kind (the data: `DataInvalid`, `DataConflict`; a query: `QueryFailed`; the
connection: `ConnectionFailed`, `AuthFailed`, `DatabaseMissing`; the server: `ServerError`,
`ToolMissing`; settings, outputs, another load), so a caller tells a data conflict from a query
the server refused. What the user can do next is named by a `Hint`, never worded with a flag:
options and commands are the command line's, and the CLI alone turns a hint into words.
"""

from collections.abc import Sequence
from enum import StrEnum

from loader.model.problems import Problem


class Hint(StrEnum):
    """A next step the library names and the command line words."""

    PROJECT = "project"  # name the project folder
    WRITE = "write"  # allow the statement to write
    BREAK_LEASE = "break-lease"  # break the lease of a killed load
    STREAM_EXPORT = "stream-export"  # export in a streamed format instead of reading it all
    WIPE_FIRST = "wipe-first"  # empty the database before a bulk import
    START_SERVER = "start-server"  # start the managed server, or name another
    INSTALL_SERVER = "install-server"  # install the managed server
    CREDENTIALS = "credentials"  # where the user and password go
    TARBALL = "tarball"  # give the divisions tarball as a file
    RDF_FORMAT = "rdf-format"  # name the RDF format
    FOCUS = "focus"  # draw one neighbourhood instead of the whole graph


class KgError(Exception):
    """A failure with a message fit for one line of output, and perhaps a next step."""

    exit_code = 1

    def __init__(self, message: str = "", *, hint: Hint | None = None) -> None:
        super().__init__(message)
        self.hint = hint


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


class LoadLost(KgError):
    """A load's end found the graph holding less of the dataset than it wrote: another writer
    deleted or took over some of it while it ran. Its load record is left incomplete."""


class LoadBusy(KgError):
    """Another load holds a lease this one needs (a load of the same dataset, any load while
    this one would delete, or a load that deletes): try again later (EX_TEMPFAIL)."""

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
