"""Progress bars while a load runs, and its summary afterwards (table, JSON or CSV)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from loader.cli.common import emit_json, note, print_out, say, stderr, write_out
from loader.cli.render import Format, to_csv, to_vertical
from loader.model.errors import ConfigError, UsageError
from loader.model.safe_text import terminal_safe

if TYPE_CHECKING:
    from loader.neo4j.store import LoadResult

COUNTERS = ("created", "updated", "deleted", "unchanged", "stale")
Tick = Callable[[str, int, int], None]


LINE_EVERY_S = 5.0  # into a log (stderr not a terminal), a progress line this often


@dataclass
class _Phase:
    started: float
    done: int = 0
    total: int = 0  # 0: not known
    last: float = 0.0  # the time of its latest report

    def add(self, done: int, total: int) -> None:
        self.done += done
        self.total = total or self.total
        self.last = time.monotonic()

    def line(self, name: str, now: float) -> str:
        """`loading: 12,000 of 48,000 (25%), 3 s, about 9 s left`, or without a total
        `loading: 12,000 so far, 3 s`."""
        spent = now - self.started
        if not self.total:
            return f"{name}: {self.done:,} so far, {spent:.0f} s"
        share = min(self.done / self.total, 1.0)
        left = spent * (1 - share) / share if share else None
        eta = f", about {left:.0f} s left" if left is not None and share < 1 else ""
        return f"{name}: {self.done:,} of {self.total:,} ({share:.0%}), {spent:.0f} s{eta}"

    def summary(self, name: str) -> str:
        """`loading: 48,000 in 12 s`, from its first report to its last."""
        return f"{name}: {self.done:,} in {max(self.last, self.started) - self.started:.0f} s"


@contextmanager
def progress(enabled: bool) -> Iterator[Tick | None]:
    """Progress of each phase on stderr: on a terminal a bar with its count, share and time
    left (a count and a rate when the total is not known); into a log a line every few
    seconds; either way a line per phase at the end. The library only reports (phase, done,
    total)."""
    if not enabled:
        yield None
        return
    phases: dict[str, _Phase] = {}
    maker = _bars if stderr.is_terminal else _lines
    with maker(phases) as tick:
        yield tick
    for name, phase in phases.items():  # done (a failure stays its one line)
        note(phase.summary(name))


@contextmanager
def _lines(phases: dict[str, _Phase]) -> Iterator[Tick]:
    last = [time.monotonic()]

    def tick(name: str, done: int, total: int) -> None:
        phase = phases.setdefault(name, _Phase(time.monotonic()))
        phase.add(done, total)
        now = time.monotonic()
        if now - last[0] >= LINE_EVERY_S:
            note(phase.line(name, now))
            last[0] = now

    yield tick


@contextmanager
def _bars(phases: dict[str, _Phase]) -> Iterator[Tick]:
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    bars = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        _amount_column(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def tick(name: str, done: int, total: int) -> None:
        if not tasks:  # the display starts with the first report, so errors alone stay one line
            bars.start()
        phase = phases.setdefault(name, _Phase(time.monotonic()))
        phase.add(done, total)
        if name not in tasks:
            tasks[name] = bars.add_task(name, total=total or None)  # 0: not known
        bars.update(tasks[name], advance=done, total=phase.total or None)

    try:
        yield tick
    finally:
        if tasks:
            bars.stop()


def _amount_column() -> Any:
    """`12,000 of 48,000 (25 %)`, or `12,000 (3,100/s)` while the total is not known."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Amount(ProgressColumn):
        def render(self, task: Task) -> Text:
            done = f"{int(task.completed):,}"
            if task.total:
                return Text(f"{done} of {int(task.total):,} ({task.percentage:.0f} %)")
            rate = f" ({task.speed:,.0f}/s)" if task.speed else ""
            return Text(done + rate)

    return Amount()


def confirm_wipe() -> None:
    """--wipe empties a whole database: asked on a terminal, refused elsewhere without --yes."""
    if not _can_ask():
        raise UsageError("--wipe empties the whole database: confirm with --yes")
    if not typer.confirm("--wipe deletes everything in the target database. Continue?", err=True):
        raise ConfigError("wipe cancelled; nothing was changed")


def _can_ask() -> bool:
    """A question needs a person: a terminal to read the answer from and one to ask on (the
    question goes to stderr, so stdout stays clean for JSON or CSV)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def consent_to_prune(preview: LoadResult, *, dry_run_flag: bool = True) -> None:
    """--prune deletes what an earlier load wrote: the counts of a dry run, then a question on
    a terminal; elsewhere refused unless --yes. Nothing to delete: nothing to ask."""
    nodes, links = preview.total("nodes", "deleted"), preview.total("relationships", "deleted")
    if not nodes and not links:
        return
    what = f"--prune would delete {nodes:,} nodes and {links:,} relationships an earlier load wrote"
    if not _can_ask():
        see = " (--dry-run shows them by label)" if dry_run_flag else ""
        raise UsageError(f"{what}: confirm with --yes{see}")
    if not typer.confirm(f"{what}. Continue?", err=True):
        raise ConfigError("prune cancelled; nothing was changed")


def consent_to_import(preview: LoadResult, keeper: str | None) -> None:
    """An import into a dataset another command keeps (`kg load` from data/, say) changes
    that command's data, and --prune deletes: the dry run's counts, then a question on a
    terminal; elsewhere refused unless --yes. Nothing changes: nothing to ask."""
    if keeper is None:
        consent_to_prune(preview, dry_run_flag=False)
        return
    changes = [
        f"{n:,} {section} {what}"
        for section in ("nodes", "relationships")
        for what in ("created", "updated", "deleted")
        if (n := preview.total(section, what))
    ]
    if not changes:
        return
    by = f"`{keeper}`" if keeper.startswith("kg ") else keeper  # a command, or an older kg
    what = (
        f"dataset {preview.dataset} is kept by {by}, and this import would change it "
        f"({', '.join(changes)})"
    )
    if not _can_ask():
        raise UsageError(f"{what}: confirm with --yes")
    if not typer.confirm(f"{what}. Continue?", err=True):
        raise ConfigError("import cancelled; nothing was changed")


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
    title = ("Dry run: would change" if result.dry_run else "Loaded") + (
        f" {result.dataset} {result.version}"
    )
    if fmt is Format.vertical:
        totals = [
            {"section": "total", "name": kind, **{k: summary[f"{kind}_{k}"] for k in COUNTERS}}
            for kind in ("nodes", "relationships")
        ]
        write_out(to_vertical(["section", "name", *COUNTERS], [*rows, *totals], title))
    else:
        _load_table(title, rows, summary)
    skipped = ""
    if result.chunks_skipped:
        skipped = f"; {result.chunks_skipped} chunks unchanged at the source"
    say(f"{result.uri}; run {result.run_id}; {result.elapsed_s:.2f} s{skipped}")


def _load_table(title: str, rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    """The counts as a table; every text from the data (a dataset's name, which an RDF file
    chooses) is a `Text` made terminal-safe, never markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(terminal_safe(title)))
    for column in ("", *COUNTERS):
        table.add_column(column, justify="left" if not column else "right")
    for row in rows:
        name = Text(terminal_safe(f"{row['section']} {row['name']}"))
        table.add_row(name, *(str(row[k]) for k in COUNTERS))
    for kind in ("nodes", "relationships"):
        table.add_row(Text(kind, style="bold"), *(str(summary[f"{kind}_{k}"]) for k in COUNTERS))
    print_out(table)
