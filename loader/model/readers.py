"""Reading curated files without ever crashing: YAML and CSV with the line of every value.

The one place user files are opened: only regular files up to `MAX_BYTES`, and, given the data
folder, only files inside it (symlinks followed, then the file opened without following one).
Every problem comes back as a `Problem` (file, line, code, message) instead of an exception, so
that `kg validate` can report all of them at once. YAML dates stay strings (checked later as ISO
dates) and duplicate keys, which PyYAML would silently drop, are reported.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from loader.model.problems import Problem

MAX_BYTES = 16 * 1024 * 1024  # far above any curated file; a /dev/zero never gets this far
# Open without blocking (a FIFO would wait for a writer) and without following a last symlink.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class LocDict(dict[Any, Any]):
    """A mapping that remembers its line and the line of each key."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LocList(list[Any]):
    """A sequence that remembers its line and the line of each item."""

    line: int = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_lines: list[int] = []


class _AliasRefused(yaml.composer.ComposerError):
    """An alias in a curated file: refused, and reported under a code of its own."""


class _Loader(yaml.SafeLoader):
    problems: list[Problem]
    filename: str

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Aliases are refused: curated data never needs them, and nested ones make a few
        lines expand into billions of values (a "billion laughs" file)."""
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _AliasRefused(
                None, None, "YAML aliases (*name) are not allowed in curated files", mark
            )
        return super().compose_node(parent, index)


# No implicit timestamps: `2020-12-32` must be reported as a bad date, not crash the constructor.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    result = LocDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            scalar = "a mapping key must be a scalar"
            loader.problems.append(Problem(loader.filename, line, code="bad-shape", message=scalar))
            continue
        if key in result:
            loader.problems.append(
                Problem(
                    loader.filename, line, code="duplicate-key", message=f"duplicate key {key!r}"
                )
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    result = LocList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


@dataclass
class ReadResult:
    data: Any = None
    problems: list[Problem] = field(default_factory=list)


def outside(path: Path, root: Path) -> bool:
    """Whether `path`, every symlink and `..` resolved, lies outside the folder `root`."""
    return not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for a message."""
    for test, kind in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "a special file"


def read_bytes(
    path: Path, name: str, root: Path | None = None, limit: int = MAX_BYTES
) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or the one problem that stops them being read: outside `root`, not a
    regular file, larger than `limit`, or unreadable."""

    def refused(*, code: str, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(name, 0, code=code, message=message)]

    try:
        real = Path(os.path.realpath(path))
        if root is not None and outside(real, root):
            return refused(
                code="outside-data-folder",
                message="refused: the file lies outside the data folder (a symlink or `..`)",
            )
        fd = os.open(real, _OPEN_FLAGS)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        reason = getattr(exc, "strerror", None) or exc
        return refused(code="cannot-read", message=f"cannot read the file: {reason}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = file_kind(info.st_mode)
            return refused(
                code="not-a-regular-file", message=f"refused: {kind}, not a regular file"
            )
        if info.st_size > limit:
            return refused(
                code="file-too-large",
                message=f"refused: {info.st_size:,} bytes, over the limit of {limit:,}",
            )
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while read
                return refused(
                    code="file-too-large", message=f"refused: over the limit of {limit:,} bytes"
                )
        return b"".join(chunks), []
    except OSError as exc:
        return refused(code="cannot-read", message=f"cannot read the file: {exc.strerror or exc}")
    finally:
        os.close(fd)


def read_text(
    path: Path, name: str, root: Path | None = None, limit: int = MAX_BYTES
) -> tuple[str | None, list[Problem]]:
    """The file as text, or the one problem that stops it being read (see `read_bytes`; not
    UTF-8; a NUL byte)."""
    raw, problems = read_bytes(path, name, root, limit)
    if raw is None:
        return None, problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(name, line, code="not-utf8", message=f"not valid UTF-8 (byte {exc.start})")
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(name, line, code="nul-byte", message="NUL byte in text")]
    return text.removeprefix("\ufeff"), []


def parse_yaml(text: str, name: str) -> ReadResult:
    problems: list[Problem] = []
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader rejects control characters right here
        loader.problems = problems
        loader.filename = name
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        reason = exc.problem or exc.context or "invalid YAML"
        code = "yaml-alias" if isinstance(exc, _AliasRefused) else "yaml-syntax"
        failed = Problem(name, line, code=code, message=f"YAML syntax: {reason}")
        return ReadResult(None, [*problems, failed])
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        failed = Problem(name, line, code="yaml-syntax", message=f"YAML: {exc.reason}")
        return ReadResult(None, [*problems, failed])
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:200]
        failed = Problem(name, 0, code="yaml-syntax", message=f"YAML: {detail}")
        return ReadResult(None, [*problems, failed])
    finally:
        if loader is not None:
            loader.dispose()
    return ReadResult(data, problems)


def read_yaml(path: Path, name: str, root: Path | None = None) -> ReadResult:
    text, problems = read_text(path, name, root)
    if text is None:
        return ReadResult(None, problems)
    return parse_yaml(text, name)


def parse_csv(text: str, name: str) -> ReadResult:
    """Rows as LocDicts keyed by the header; every row must have the header's width."""
    rows = LocList()
    problems: list[Problem] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[str] | None = None
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                duplicates = {c for c in header if header.count(c) > 1}
                if duplicates or "" in header:
                    wrong = "CSV header has empty or repeated columns"
                    problems.append(Problem(name, line, code="csv-header", message=wrong))
                    return ReadResult(None, problems)
                continue
            if len(record) != len(header):
                cells = f"CSV row has {len(record)} cells, header has {len(header)}"
                problems.append(Problem(name, line, code="csv-row-width", message=cells))
                continue
            row = LocDict(
                (col, cell) for col, cell in zip(header, record, strict=True) if cell != ""
            )
            row.line = line
            row.key_lines = dict.fromkeys(row, line)
            rows.append(row)
            rows.item_lines.append(line)
    except csv.Error as exc:
        problems.append(Problem(name, 0, code="csv-syntax", message=f"CSV: {exc}"))
        return ReadResult(None, problems)
    if header is None:
        problems.append(Problem(name, 1, code="csv-header", message="CSV file has no header"))
        return ReadResult(None, problems)
    return ReadResult(rows, problems)


def read_csv(path: Path, name: str, root: Path | None = None) -> ReadResult:
    text, problems = read_text(path, name, root)
    if text is None:
        return ReadResult(None, problems)
    return parse_csv(text, name)
