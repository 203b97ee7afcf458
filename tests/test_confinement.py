"""Inputs confined (issue 15, item 3): the files a dataset names stay inside its data folder and
are regular files under the size cap; anything else is one `file:line: message`, never a hang,
a memory blow-up or a traceback. The special files are made here, at test time."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.readers import MAX_BYTES, read_bytes, read_text
from loader.model.schema import load_schema
from loader.model.validation import validate
from tests.project import SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "id: zz-source\ntitle: 特殊文件\ntext: zz.txt\n"


def _source_text(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(data: Path) -> None:
        (data / "sources" / "zz.yaml").write_text(SOURCE, "utf-8")
        make(data / "sources" / "zz.txt")

    return build


def _outside_file(path: Path) -> None:
    outside = path.parent.parent.parent / "outside.yaml"
    outside.write_text("- {type: Park, id: outside-park, name: 外园}\n", "utf-8")
    path.symlink_to(outside)


def _big(path: Path) -> None:
    with path.open("wb") as out:
        out.truncate(MAX_BYTES + 1)  # sparse: refused on its size, never read


# (case, how to build it in a copy of data/, the one problem expected)
SPECIAL: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "entity file is a symlink to /dev/zero",
        lambda d: (d / "entities" / "zz.yaml").symlink_to("/dev/zero"),
        "entities/zz.yaml:0: refused: a character device, not a regular file",
    ),
    (
        "entity file is a FIFO",
        lambda d: os.mkfifo(d / "entities" / "zz.yaml"),
        "entities/zz.yaml:0: refused: a FIFO, not a regular file",
    ),
    (
        "a FIFO with another suffix in facts/",
        lambda d: os.mkfifo(d / "facts" / "zz.pipe"),
        "facts/zz.pipe:0: refused: a FIFO, not a regular file",
    ),
    (
        "entity file is a symlink out of the data folder",
        lambda d: _outside_file(d / "entities" / "zz.yaml"),
        "entities/zz.yaml:0: refused: the file lies outside the data folder",
    ),
    (
        "entity file is a dangling symlink",
        lambda d: (d / "entities" / "zz.yaml").symlink_to(d / "nowhere.yaml"),
        "entities/zz.yaml:0: cannot read the file: No such file or directory",
    ),
    (
        "entity file over the size cap",
        lambda d: _big(d / "entities" / "zz.yaml"),
        f"entities/zz.yaml:0: refused: {MAX_BYTES + 1:,} bytes, over the limit of {MAX_BYTES:,}",
    ),
    (
        "source text is a symlink to /dev/zero",
        _source_text(lambda p: p.symlink_to("/dev/zero")),
        "sources/zz.yaml:3: text 'zz.txt' leads outside the data folder",
    ),
    (
        "source text is a FIFO",
        _source_text(os.mkfifo),
        "sources/zz.txt:0: refused: a FIFO, not a regular file",
    ),
    (
        "source text over the size cap",
        _source_text(_big),
        f"sources/zz.txt:0: refused: {MAX_BYTES + 1:,} bytes, over the limit of {MAX_BYTES:,}",
    ),
    (
        "source file is a FIFO",
        lambda d: os.mkfifo(d / "sources" / "zz.yaml"),
        "sources/zz.yaml:0: refused: a FIFO, not a regular file",
    ),
]


@pytest.mark.parametrize(("case", "build", "expected"), SPECIAL, ids=[c[0] for c in SPECIAL])
def test_special_files_are_refused(
    case: str, build: Callable[[Path], None], expected: str, tmp_path: Path
) -> None:
    data = tmp_path / "project" / "data"
    shutil.copytree(ROOT / "data", data)
    build(data)
    found = [
        str(p).replace(str(data) + "/", "", 1)
        for p in validate(data, load_schema(SCHEMA_FILE)).problems
    ]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_fifo_through_the_cli_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    os.mkfifo(data / "entities" / "zz.yaml")
    result = CliRunner().invoke(app, ["validate", str(data)])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{data}/entities/zz.yaml:0: refused: a FIFO, not a regular file [not-a-regular-file]"
    ]


def test_an_unlistable_folder_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    real_iterdir = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self.name == "facts":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    problems = [str(p) for p in validate(data, load_schema(SCHEMA_FILE)).problems]
    assert problems == [f"{data}/facts:0: cannot list the folder: Permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_folder_is_one_problem(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "facts").chmod(0)
    try:
        problems = [str(p) for p in validate(data, load_schema(SCHEMA_FILE)).problems]
    finally:
        (data / "facts").chmod(0o755)
    assert problems == [f"{data}/facts:0: cannot list the folder: Permission denied"]


def test_the_reader_refuses_a_file_outside_its_root_even_by_dotdot(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    text, problems = read_text(tmp_path / "data" / ".." / "secret.txt", "x", tmp_path / "data")
    assert text is None and "outside the data folder" in problems[0].message


def test_the_cap_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("a: 1\n" * 10, "utf-8")
    raw, problems = read_bytes(path, "small.yaml", limit=10)
    assert raw is None and problems[0].message == "refused: 50 bytes, over the limit of 10"
