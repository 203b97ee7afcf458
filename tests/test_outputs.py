"""Issue 15 (5, 6): outputs written atomically where the user asks, and text out made safe.

No server: the exports, pictures and reports here are drawn from the curated files. Full disks
are a file-size limit (RLIMIT_FSIZE) in a subprocess, and /dev/full; a closed stdout is a pipe
whose reader has gone.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Dataset as RdfDataset
from rich.console import Console
from typer.testing import CliRunner

from loader.cli.app import app
from loader.cli.render import to_csv, to_json, to_table
from loader.model.errors import OutputFailed
from loader.model.outputs import atomic_output, report_folder, write_file
from loader.rdf.export import FORMATS, rdf_format
from tests.project import SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
VICTIM = b"precious: must not change\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the output folder that a planted symlink points at."""
    path = tmp_path / "elsewhere" / "victim.txt"
    path.parent.mkdir()
    path.write_bytes(VICTIM)
    return path


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _kg(
    *args: str, limit: int | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    def limited() -> None:  # the child: a "disk" that takes `limit` bytes per file, no signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    options: dict[str, object] = {"capture_output": True} | kwargs
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [KG, *args], cwd=ROOT, preexec_fn=limited, check=False, timeout=300, **options
    )


def _one_error_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), lines
    return lines[0]


# -- where: the path given, any folder --------------------------------------------------------


EXTENSIONS = [
    ("ttl", "turtle"),
    ("nt", "n-triples"),
    ("nq", "n-quads"),
    ("trig", "trig"),
    ("jsonld", "json-ld"),
    ("rdf", "rdf-xml"),
    ("xml", "rdf-xml"),
]


@pytest.mark.parametrize(("ext", "fmt"), EXTENSIONS, ids=[e for e, _f in EXTENSIONS])
def test_export_format_follows_the_extension_outside_the_project(
    tmp_path: Path, ext: str, fmt: str
) -> None:
    out = tmp_path / f"graph.{ext}"  # tmp_path is outside the project: written all the same
    result = CliRunner().invoke(app, ["export", "rdf", "--no-ontology", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"as {fmt} to {out}" in result.stderr
    store = RdfDataset()
    store.parse(out, format=FORMATS[fmt][0])  # parses as the format its name says
    assert len(store) > 100
    assert _left(tmp_path) == [out.name]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ttl", "turtle"),
        ("nt", "n-triples"),
        ("ntriples", "n-triples"),
        ("nq", "n-quads"),
        ("nquads", "n-quads"),
        ("jsonld", "json-ld"),
        ("json", "json-ld"),
        ("xml", "rdf-xml"),
        ("rdf", "rdf-xml"),
        ("TriG", "trig"),
        ("turtle", "turtle"),
    ],
)
def test_short_format_names(name: str, fmt: str) -> None:
    assert rdf_format(name) == fmt


def test_format_option_beats_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(app, ["export", "rdf", "-f", "nt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = out.read_text("utf-8").splitlines()[0]
    assert first.startswith("<") and first.endswith(" .")  # N-Triples, not Turtle's @prefix


def test_tilde_is_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["export", "rdf", "-o", "~/jinshan.ttl"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "jinshan.ttl").stat().st_size > 1000


# -- never through a planted name ---------------------------------------------------------------


def test_a_planted_partial_symlink_is_not_followed(tmp_path: Path, victim: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "out.ttl.partial").symlink_to(victim)
    result = CliRunner().invoke(app, ["export", "rdf", "-o", str(out_dir / "out.ttl")])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == VICTIM
    assert (out_dir / "out.ttl").is_file() and not (out_dir / "out.ttl").is_symlink()
    assert _left(out_dir) == ["out.ttl", "out.ttl.partial"]


def test_a_planted_temporary_name_is_skipped(
    tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = iter(["guessed", "fresh"])  # the attacker guessed the first random name
    monkeypatch.setattr("loader.model.outputs.secrets.token_hex", lambda _n: next(names))
    (tmp_path / ".out.ttl.guessed.tmp").symlink_to(victim)
    write_file(tmp_path / "out.ttl", b"new\n")
    assert victim.read_bytes() == VICTIM
    assert (tmp_path / "out.ttl").read_bytes() == b"new\n"
    assert (tmp_path / ".out.ttl.guessed.tmp").is_symlink()


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path, victim: Path) -> None:
    target = tmp_path / "graph.html"
    target.symlink_to(victim)
    result = CliRunner().invoke(app, ["viz", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == VICTIM
    assert not target.is_symlink() and b"<html" in target.read_bytes()[:500].lower()


def test_a_symlink_inside_the_report_folder_is_replaced(tmp_path: Path, victim: Path) -> None:
    from loader.analysis.graph import analyze
    from loader.jobs.report import write_report
    from loader.model.schema import load_schema
    from loader.model.validation import load_dataset

    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "nodes.csv").symlink_to(victim)
    (folder / "layout.html").symlink_to(victim)
    (folder / "favorites.zip").symlink_to(victim)
    schema = load_schema(SCHEMA_FILE)
    dataset = load_dataset(ROOT / "data", schema)
    write_report(dataset, schema, folder, analyze(dataset, schema), queries=ROOT / "queries")
    assert victim.read_bytes() == VICTIM
    assert _left(folder) == [
        "analysis.json",
        "favorites.zip",
        "layout.html",
        "layout.png",
        "nodes.csv",
    ]
    assert not any(p.is_symlink() for p in folder.iterdir())


def test_a_symlinked_report_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "report").symlink_to(real, target_is_directory=True)
    result = CliRunner().invoke(app, ["run", "--report", str(tmp_path / "report")])
    assert result.exit_code == 1
    assert "it is a symlink" in result.stderr
    assert _left(real) == []
    with pytest.raises(OutputFailed, match="it is a symlink"):
        report_folder(tmp_path / "report")


# -- failures: one line, no partial file ------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "umask", "new"),
    [(0o600, 0o022, 0o600), (0o644, 0o077, 0o600), (0o640, 0o022, 0o640), (0o755, 0o022, 0o644)],
)
def test_a_replaced_file_keeps_its_mode_or_a_stricter_one(
    tmp_path: Path, old: int, umask: int, new: int
) -> None:
    """Re-exporting over a private (0600) file leaves it private: the new file has the bits
    both the old file and the umask allow; a new file follows the umask alone."""
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old\n")
    target.chmod(old)
    before = os.umask(umask)
    try:
        write_file(target, b"new\n")
        fresh = write_file(tmp_path / "fresh.ttl", b"new\n")
    finally:
        os.umask(before)
    assert stat.S_IMODE(target.stat().st_mode) == new
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644 & ~umask
    assert target.read_bytes() == b"new\n"


def test_a_symlink_loop_at_the_target_is_replaced_like_any_symlink(tmp_path: Path) -> None:
    """Keeping the mode reads the target without following it: a symlink loop there is
    replaced, as any symlink is, and lends no mode."""
    loop = tmp_path / "graph.ttl"
    loop.symlink_to(loop)
    write_file(loop, b"new\n")
    assert not loop.is_symlink() and loop.read_bytes() == b"new\n"


def test_a_failed_block_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"half of it")
        raise RuntimeError("the export broke")
    assert target.read_bytes() == b"old\n"
    assert _left(tmp_path) == ["graph.ttl"]


@pytest.mark.parametrize(
    ("args", "limit"),
    [
        (["export", "rdf", "-f", "nt"], 4096),  # streamed: fails in the middle
        (["export", "rdf", "-f", "turtle"], 4096),  # one serialised write
        (["viz"], 4096),  # a picture
    ],
    ids=["n-triples", "turtle", "picture"],
)
def test_a_full_disk_is_one_line_and_no_file(tmp_path: Path, args: list[str], limit: int) -> None:
    out = tmp_path / ("graph.png" if args == ["viz"] else "graph.out")
    done = _kg(*args, "-o", str(out), limit=limit)
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert f"cannot write {out}: File too large" in line
    assert _left(tmp_path) == []


def test_a_full_disk_while_writing_the_report_leaves_no_file(tmp_path: Path) -> None:
    script = (
        "from pathlib import Path\n"
        "from loader.analysis.graph import analyze\n"
        "from loader.jobs.report import write_report\n"
        "from loader.model.errors import OutputFailed\n"
        "from loader.model.workspace import Workspace\n"
        "workspace = Workspace.at(Path.cwd())\n"
        "schema, dataset = workspace.schema, workspace.dataset\n"
        "try:\n"
        f"    write_report(dataset, schema, Path({str(tmp_path)!r}), analyze(dataset, schema),\n"
        "                 queries=workspace.queries)\n"
        "except OutputFailed as exc:\n"
        "    print(exc)\n"
    )

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        preexec_fn=limited,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "cannot write" in done.stdout and "File too large" in done.stdout
    assert _left(tmp_path) == []  # analysis.json, the first, is over 2 KiB: nothing is left


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    done = _kg("export", "rdf", "-o", str(tmp_path / "no" / "graph.ttl"))
    assert done.returncode == 1
    assert "the folder" in _one_error_line(done.stderr) and "does not exist" in done.stderr.decode()
    assert _left(tmp_path) == []


def test_a_folder_or_device_is_not_replaced(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = runner.invoke(app, ["export", "rdf", "-o", str(tmp_path)])
    assert folder.exit_code == 1 and "it is a folder" in folder.stderr
    device = runner.invoke(app, ["export", "rdf", "-o", "/dev/null"])
    assert device.exit_code == 1 and "not a regular file" in device.stderr


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
    elif Path("/sys").is_dir():
        yield Path("/sys")  # sysfs refuses new files even to root
    else:
        pytest.skip("no folder this user cannot write to")


def test_a_permission_error_is_one_line(read_only_folder: Path) -> None:
    done = _kg("export", "rdf", "-o", str(read_only_folder / "kg-test-graph.ttl"))
    assert done.returncode == 1
    assert "cannot write" in _one_error_line(done.stderr)
    assert not (read_only_folder / "kg-test-graph.ttl").exists()


# -- standard output -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["export", "rdf"], ["query", "list"], ["query", "list", "--format", "json"]],
    ids=["export", "table", "json"],
)
def test_stdout_on_a_full_device_is_one_line(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = _kg(*args, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert line == "kg: error: cannot write to standard output: No space left on device"


@pytest.mark.parametrize("fmt", ["turtle", "n-triples"])
def test_a_closed_stdout_is_one_line(fmt: str) -> None:
    with subprocess.Popen(
        [KG, "export", "rdf", "-f", fmt], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.read(1)  # like `| head -c1`: read a little, then go
        child.stdout.close()
        stderr = child.stderr.read()
        assert child.wait(timeout=300) == 1
    assert _one_error_line(stderr) == "kg: error: cannot write to standard output: Broken pipe"


# -- safe text -----------------------------------------------------------------------------------


def _shown(render: Callable[[Console], None]) -> str:
    buffer = io.StringIO()
    render(Console(file=buffer, width=200, color_system=None, force_terminal=False))
    return buffer.getvalue()


def test_table_escapes_terminal_controls_and_bidi() -> None:
    rows = [{"name": "\x1b[31mred\x1b[0m", "alias": "abc\u202edcba", "tag": "[bold]x[/]"}]
    shown = _shown(lambda c: c.print(to_table(["name", "alias", "tag"], rows, title="\x07t")))
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert "\\x1b[31mred\\x1b[0m" in shown
    assert "abc\\u202edcba" in shown
    assert "[bold]x[/]" in shown  # data is never markup


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\\x0d=1"),  # a lone CR is a control: shown escaped, so no formula either
        ("金山 = 1", "金山 = 1"),
    ],
)
def test_csv_neutralises_formula_cells(value: str, cell: str) -> None:
    text = to_csv(["v"], [{"v": value}])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["v"], [cell]]


def test_csv_and_json_escape_controls_and_bidi_from_the_data() -> None:
    """An ESC sequence, a C1 CSI (U+009B) or a bidi override in the data reaches no terminal
    raw through --format csv or json: CSV shows them as a table does, JSON as \\u escapes that
    parse back to the same string."""
    value = "t\x1b]0;title\x07\x1b[2J\u009b31m\u202edcba"
    text = to_csv(["v"], [{"v": value}, {"v": [value]}])
    assert not any(ch in text for ch in "\x1b\x07\u009b\u202e")
    assert "\\x1b]0;title\\x07" in text and "\\u202e" in text
    shown = to_json({"v": value, "list": [value]})
    assert not any(ch in shown for ch in "\x1b\x07\u009b\u202e")
    assert "\\u009b" in shown and "\\u202e" in shown
    assert json.loads(shown) == {"v": value, "list": [value]}


def test_the_load_summary_shows_a_dataset_name_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dataset's name comes from the file loaded (an RDF file's title): the summary table
    shows its controls escaped and its Rich markup as the characters it is."""
    from loader.cli import summaries

    shown: list[object] = []
    monkeypatch.setattr(summaries, "print_out", shown.append)
    name = "x\x1b]0;pwned\x07[link=https://evil.example]click[/link]\u202e"
    totals = [f"{k}_{c}" for k in ("nodes", "relationships") for c in summaries.COUNTERS]
    summaries._load_table(f"{name} 1", [], dict.fromkeys(totals, 0))
    text = _shown(lambda c: c.print(shown[0]))
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "[link=https://evil.example]click[/link]" in text
    assert "\\x1b]0;pwned\\x07" in text


def test_csv_leaves_numbers_alone() -> None:
    assert to_csv(["n", "x"], [{"n": -5, "x": -0.5}]) == "n,x\n-5,-0.5\n"


def test_json_never_carries_nan_or_infinity() -> None:
    text = to_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": float("-inf")}})

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in JSON")

    assert json.loads(text, parse_constant=refuse) == {
        "a": None,
        "b": [None, 1.5],
        "c": {"d": None},
    }
