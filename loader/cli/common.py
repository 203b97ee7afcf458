"""What every command shares: the consoles, the one-line error mapping and row output.

Everything printed goes through here: a standard output that cannot be written (a closed pipe,
a full device) is one line on stderr and exit 1, never a traceback. A library error names its
next step as a `Hint`; the words for it, flags and commands, are here and nowhere else.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import typer
from rich.console import Console

from loader.cli.context import root_options
from loader.cli.render import Format, to_csv, to_json, to_table, to_vertical
from loader.model.errors import Hint, KgError
from loader.model.outputs import write_all
from loader.model.safe_text import terminal_safe


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """rich exits silently on a closed pipe; kg says so (see `to_stdout`)."""
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


stdout = _Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


@contextmanager
def to_stdout() -> Iterator[None]:
    """Writes to standard output, flushed at the end; failing to write is one line, exit 1."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _stdout_lost(exc)


def write_out(text: str) -> None:
    """`text` on standard output, as it is (JSON, CSV, a query), every byte or an error."""
    with to_stdout():
        sys.stdout.flush()
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        write_all(sys.stdout.buffer, text.encode(encoding))


def _stdout_lost(exc: OSError) -> NoReturn:
    # Point fd 1 at /dev/null so the buffered rest, flushed at exit, cannot fail again
    # (Python would print "Exception ignored … BrokenPipeError" after we said it once).
    with suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    reason = exc.strerror or type(exc).__name__
    with suppress(OSError):
        stderr.print(f"kg: error: cannot write to standard output: {reason}", markup=False)
    raise typer.Exit(1) from None


# The next step each hint names, in the words of the command that failed: a flag in the prose
# is one of that command's own (or the root's), and one of another command comes with it in
# backticks (`kg viz --focus NAME`); tests/test_options.py holds every command and hint to that.
HINTS: dict[Hint, str] = {
    Hint.PROJECT: "; run kg from the project folder, or pass --project or set KG_PROJECT",
    Hint.WRITE: " (`kg cypher --write` runs it)",
    Hint.BREAK_LEASE: ", or `kg load --break-lease` if that load was killed",
    Hint.STREAM_EXPORT: "; `kg export rdf --from neo4j` (N-Triples, N-Quads, TriG) streams it",
    Hint.WIPE_FIRST: ": empty it first with `kg load --wipe`",
    Hint.START_SERVER: ": start it with `kg neo4j start`, or set NEO4J_URI",
    Hint.INSTALL_SERVER: ": run `kg neo4j install`",
    Hint.CREDENTIALS: ", and the user and password in NEO4J_USERNAME and NEO4J_PASSWORD (or "
    "NEO4J_PASSWORD_FILE)",
    Hint.TARBALL: "; give the tarball with `kg divisions import --from FILE`",
    Hint.RDF_FORMAT: "; name the file for its format (.ttl .nt .nq .trig .jsonld .rdf)",
    Hint.FOCUS: ": draw one neighbourhood with `kg viz --focus NAME --depth N`",
}
SAVED_ONLY_READ = " (a saved query only reads: `kg cypher --write -f FILE` runs its text)"
PASS_BREAK_LEASE = ", or pass --break-lease if that load was killed"
COMMAND_HINTS: dict[tuple[tuple[str, ...], Hint], str] = {
    (("cypher",), Hint.WRITE): " (use --write to run it)",
    (("query", "run"), Hint.WRITE): SAVED_ONLY_READ,
    (("run",), Hint.WRITE): SAVED_ONLY_READ,
    (("load",), Hint.BREAK_LEASE): PASS_BREAK_LEASE,
    (("import", "rdf"), Hint.BREAK_LEASE): PASS_BREAK_LEASE,
    (("divisions", "import"), Hint.BREAK_LEASE): PASS_BREAK_LEASE,
    (("load",), Hint.WIPE_FIRST): ": use `kg load --wipe` first, or load without --bulk",
    (("load",), Hint.TARBALL): "; pass --divisions-from FILE with the tarball",
    (("divisions", "import"), Hint.TARBALL): "; pass --from FILE with the tarball",
    (("import", "rdf"), Hint.RDF_FORMAT): "; give --rdf-format",
    (("export", "rdf"), Hint.RDF_FORMAT): "; give --format",
    (("viz",), Hint.FOCUS): ": draw one neighbourhood with --focus NAME --depth N",
}
WITH_USERNAME = (
    ", and the user and password in NEO4J_USERNAME (or --username) and NEO4J_PASSWORD (or "
    "NEO4J_PASSWORD_FILE)"
)


def command_path(ctx: typer.Context) -> tuple[str, ...]:
    """The command `ctx` runs, as its words after `kg` (`("import", "rdf")`)."""
    path: list[str] = []
    at: Any = ctx
    while at is not None and at.parent is not None:
        path.insert(0, str(at.info_name))
        at = at.parent
    return tuple(path)


def hint_text(command: tuple[str, ...], options: Collection[str], hint: Hint | None) -> str:
    """The words for `hint` in `command`, whose options are `options` ("" for no hint)."""
    if hint is None:
        return ""
    if hint is Hint.CREDENTIALS and "--username" in options:
        return WITH_USERNAME
    return COMMAND_HINTS.get((command, hint), HINTS[hint])


def _options(ctx: typer.Context) -> set[str]:
    return {o for param in ctx.command.params for o in getattr(param, "opts", [])}


@contextmanager
def failures(ctx: typer.Context) -> Iterator[None]:
    """Map library failures to one line on stderr and a non-zero exit (a traceback with the
    invocation's --debug)."""
    try:
        yield
    except KgError as exc:
        if root_options(ctx).debug:
            raise
        text = str(exc) + hint_text(command_path(ctx), _options(ctx), exc.hint)
        stderr.print(f"kg: error: {terminal_safe(text)}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("kg: interrupted", markup=False)
        raise typer.Exit(130) from None


def emit_rows(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], fmt: Format, title: str = ""
) -> None:
    """Rows as a table for a person, or JSON/CSV (and nothing else) for a program."""
    if fmt is Format.json:
        write_out(to_json(list(rows)) + "\n")
    elif fmt is Format.csv:
        write_out(to_csv(columns, rows))
    elif fmt is Format.vertical:
        write_out(to_vertical(columns, rows, title))
    else:
        print_out(to_table(columns, rows, title=title, width=None if _piped() else stdout.width))


def emit_json(data: Any) -> None:
    write_out(to_json(data) + "\n")


# Piped (not a terminal, no COLUMNS), a table is as wide as its content: a line per row, never
# folded to 80 columns.
PIPE_WIDTH = 100_000


def print_out(renderable: Any) -> None:
    """A rich table (or other renderable) for a person: the terminal's width, or unwrapped
    when piped."""
    console = _Console(soft_wrap=True, width=PIPE_WIDTH) if _piped() else stdout
    with to_stdout():
        console.print(renderable)


def _piped() -> bool:
    """Output goes to a program or a file (and COLUMNS does not name a width)."""
    return not stdout.is_terminal and not os.environ.get("COLUMNS")


def say(text: str) -> None:
    """A line for a person, printed as it is (no markup, no highlighting, no escapes)."""
    with to_stdout():
        stdout.print(terminal_safe(text), markup=False, highlight=False)


def note(text: str) -> None:
    """A line on stderr, so stdout stays clean for JSON/CSV."""
    stderr.print(terminal_safe(text), markup=False, highlight=False)


def ask_password(question: str) -> str | None:
    """On a terminal, ask (without echo); elsewhere there is no one to ask."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    return getpass.getpass(question, stream=sys.stderr)
