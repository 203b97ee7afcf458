"""The 1%-changed reload's input: a copy of the divisions tarball with 1% of the names changed.

In each of the five CSV files, every 100th row (rows 100, 200, … after the header) gets a
suffix on its name; every other byte of every member is copied as it is, so the other 99% of
the rows, their cited CSV lines included, are unchanged. Deterministic: same input, same output.
"""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path

from loader.divisions.gazetteer import LEVELS

EVERY = 100
SUFFIX = "·改"
MEMBERS = {f"package/dist/{filename}" for filename, _parent in LEVELS.values()}


def changed_line(line: str) -> str:
    """The CSV row (no line ending) with its name column (the second) suffixed."""
    values = next(csv.reader([line]))
    values[1] += SUFFIX
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def change_csv(body: bytes, every: int = EVERY) -> tuple[bytes, int]:
    """The file with every `every`-th data row renamed; how many rows were."""
    lines = body.decode("utf-8").splitlines(keepends=True)
    changed = 0
    for index in range(every, len(lines), every):  # lines[0] is the header
        line = lines[index]
        text = line.rstrip("\r\n")
        lines[index] = changed_line(text) + line[len(text) :]
        changed += 1
    return "".join(lines).encode("utf-8"), changed


def write_changed(tarball: Path, out: Path, every: int = EVERY) -> int:
    """Copy `tarball` to `out` with 1 row in `every` of each division file renamed; returns
    how many rows were changed."""
    changed = 0
    with (
        tarfile.open(tarball, "r:gz") as source,
        tarfile.open(out, "w:gz", compresslevel=1) as target,
    ):
        for member in source:
            data = source.extractfile(member) if member.isfile() else None
            if data is None:
                target.addfile(member)
                continue
            body = data.read()
            if member.name in MEMBERS:
                body, count = change_csv(body, every)
                changed += count
            info = tarfile.TarInfo(member.name)
            info.size, info.mtime, info.mode = len(body), member.mtime, member.mode
            target.addfile(info, io.BytesIO(body))
    return changed
