"""Progress that informs: a count, a share and the time left on a terminal; into a log, a line
every few seconds; a line per phase at the end (no `664832/None`)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from loader.cli import summaries


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    made = Clock()
    monkeypatch.setattr("loader.cli.summaries.time.monotonic", made)
    return made


def _log(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    written = io.StringIO()
    console = Console(file=written, force_terminal=False, width=200)
    monkeypatch.setattr(summaries, "stderr", console)
    monkeypatch.setattr(summaries, "note", lambda text: console.print(text, markup=False))
    return written


def test_into_a_log_a_line_every_few_seconds_and_one_per_phase_at_the_end(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _log(monkeypatch)
    with summaries.progress(enabled=True) as tick:
        assert tick is not None
        tick("nodes", 1000, 4000)  # at once: no line yet
        clock.now += summaries.LINE_EVERY_S
        tick("nodes", 1000, 4000)
        clock.now += 1
        tick("nodes", 2000, 4000)  # within the interval: quiet
        clock.now += summaries.LINE_EVERY_S
        tick("divisions", 500, 0)  # a streamed phase: no total known
    assert log.getvalue().splitlines() == [
        "nodes: 2,000 of 4,000 (50%), 5 s, about 5 s left",
        "divisions: 500 so far, 0 s",
        "nodes: 4,000 in 6 s",  # from its first report to its last, not to the command's end
        "divisions: 500 in 0 s",
    ]


def test_a_failed_run_stays_one_line(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _log(monkeypatch)
    with pytest.raises(RuntimeError), summaries.progress(enabled=True) as tick:
        assert tick is not None
        tick("nodes", 10, 20)
        raise RuntimeError("the server went away")
    assert log.getvalue() == ""  # the error's own line is the only output


def test_off_for_json_and_csv(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _log(monkeypatch)
    with summaries.progress(enabled=False) as tick:
        assert tick is None
    assert log.getvalue() == ""


def test_a_bar_says_how_far_and_never_none(clock: Clock) -> None:
    from rich.progress import Progress

    column = summaries._amount_column()
    with Progress(column, console=Console(file=io.StringIO())) as bars:
        known = bars.add_task("x", total=4000, completed=1000)
        unknown = bars.add_task("y", total=None, completed=664_832)
        assert str(column.render(bars.tasks[known])) == "1,000 of 4,000 (25 %)"
        assert str(column.render(bars.tasks[unknown])) == "664,832"
