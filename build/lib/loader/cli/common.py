"""What every command shares: the consoles, the one-line error mapping and row output."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from loader.cli.render import Format, to_csv, to_json, to_table
from loader.model.errors import KgError

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)
state = {"debug": False}


@contextmanager
def failures() -> Iterator[None]:
    """Map library failures to one line on stderr and a non-zero exit."""
    try:
        yield
    except KgError as exc:
        if state["debug"]:
            raise
        stderr.print(f"kg: error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("kg: interrupted", markup=False)
        raise typer.Exit(130) from None


def emit_rows(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], fmt: Format, title: str = ""
) -> None:
    """Rows as a table for a person, or JSON/CSV (and nothing else) for a program."""
    if fmt is Format.json:
        sys.stdout.write(to_json(list(rows)) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(columns, rows))
    else:
        stdout.print(to_table(columns, rows, title=title))


def emit_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def say(text: str) -> None:
    """A line for a person, printed as it is (no markup, no highlighting)."""
    stdout.print(text, markup=False, highlight=False)


def note(text: str) -> None:
    """A line on stderr, so stdout stays clean for JSON/CSV."""
    stderr.print(text, markup=False, highlight=False)


def ask_password(question: str) -> str | None:
    """On a terminal, ask (without echo); elsewhere there is no one to ask."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    return getpass.getpass(question, stream=sys.stderr)
