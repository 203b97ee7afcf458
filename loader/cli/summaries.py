"""Progress bars while a load runs, and its summary afterwards (table, JSON or CSV)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from loader.cli.common import emit_json, print_out, say, stderr, write_out
from loader.cli.render import Format, to_csv
from loader.model.errors import ConfigError

if TYPE_CHECKING:
    from loader.neo4j.store import LoadResult

COUNTERS = ("created", "updated", "deleted", "unchanged", "stale")
Tick = Callable[[str, int, int], None]


@contextmanager
def progress(enabled: bool) -> Iterator[Tick | None]:
    """A rich progress bar per phase, on stderr; the library only reports (phase, done, total)."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def tick(phase: str, done: int, total: int) -> None:
        if not tasks:  # the display starts with the first report, so errors alone stay one line
            bars.start()
        if phase not in tasks:
            tasks[phase] = bars.add_task(phase, total=total or None)  # 0: not known
        bars.advance(tasks[phase], done)

    try:
        yield tick
    finally:
        if tasks:
            bars.stop()


def confirm_wipe() -> None:
    """--wipe empties a whole database: asked on a terminal, refused elsewhere without --yes."""
    if not sys.stdin.isatty():
        raise ConfigError("--wipe empties the whole database: confirm with --yes")
    if not typer.confirm("--wipe deletes everything in the target database. Continue?"):
        raise ConfigError("wipe cancelled; nothing was changed")


def print_load(result: LoadResult, fmt: Format, extra: dict[str, Any] | None = None) -> None:
    """The load's counts: per label and type, and in total."""
    summary = {**result.as_dict(), **(extra or {})}
    if fmt is Format.json:
        emit_json(summary)
        return
    rows = [
        {"section": section, "name": name, **counts.as_dict()}
        for section, groups in (("node", result.nodes), ("rel", result.relationships))
        for name, counts in sorted(groups.items())
    ]
    if fmt is Format.csv:
        write_out(to_csv(["section", "name", *COUNTERS], rows))
        return
    from rich.table import Table

    table = Table(
        title=("Dry run: would change" if result.dry_run else "Loaded")
        + f" {result.dataset} {result.version}"
    )
    for column in ("", *COUNTERS):
        table.add_column(column, justify="left" if not column else "right")
    for row in rows:
        table.add_row(f"{row['section']} {row['name']}", *(str(row[k]) for k in COUNTERS))
    table.add_row("[b]nodes[/b]", *(str(summary[f"nodes_{k}"]) for k in COUNTERS))
    table.add_row("[b]relationships[/b]", *(str(summary[f"relationships_{k}"]) for k in COUNTERS))
    print_out(table)
    skipped = ""
    if result.chunks_skipped:
        skipped = f"; {result.chunks_skipped} chunks unchanged at the source"
    say(f"{result.uri}; run {result.run_id}; {result.elapsed_s:.2f} s{skipped}")
