"""Where the tool writes: the file or folder the user names, atomically, or nothing at all.

Each output goes to a temporary file created exclusively (never through a planted name) in the
target's own folder, is flushed and fsync'ed, then renamed over the target: a planted symlink at
the target is replaced, never followed, and a failure (full disk, missing folder, permission)
is one `OutputFailed` line that leaves no partial file. A report folder that is a symlink is
refused; each of its files goes through the same writer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from loader.model.errors import OutputFailed

_TEMP_FLAGS = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
_TEMP_FLAGS |= getattr(os, "O_CLOEXEC", 0)


def check_output(path: Path) -> Path:
    """`path` (with `~` expanded) if a file can be written there, else a one-line refusal.

    Called before any work, so a wrong path fails fast; `atomic_output` still checks again.
    """
    path = path.expanduser()
    _check_target(path)
    parent = path.parent
    if not parent.is_dir():
        raise OutputFailed(f"cannot write {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFailed(f"cannot write {path}: no permission to write in {parent}")
    return path


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary handle whose bytes become `path` when the block ends, and nowhere on failure.

    An `OSError` inside the block (a write on a full disk, …) comes out as `OutputFailed`.
    """
    path = check_output(path)
    temp, handle = _create_temp(path)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _check_target(path)  # something may have been put there while we wrote
        _keep_mode(temp, path)
        os.replace(temp, path)
    except OSError as exc:
        _remove(temp)
        raise OutputFailed(f"cannot write {path}: {_reason(exc)}") from None
    except BaseException:
        _remove(temp)
        raise
    _sync_folder(path.parent)


def write_file(path: Path, data: bytes) -> Path:
    """`data` as the whole of `path`, atomically."""
    with atomic_output(path) as handle:
        write_all(handle, data)
    return path


def write_all(handle: BinaryIO | IO[bytes], data: bytes) -> None:
    """All of `data` to `handle`: a pipe whose reader left may take part of a large write and
    report no error; the next write then raises, instead of the rest being lost in silence."""
    view = memoryview(data)
    while view:
        written = handle.write(view)
        if written is None:  # a non-blocking handle that took nothing; the same as an error
            raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
        view = view[written:]


def report_folder(path: Path) -> Path:
    """The report folder, created if missing; a symlink or a non-folder there is refused."""
    path = path.expanduser()
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise OutputFailed(f"cannot create the report folder {path}: {_reason(exc)}") from None
        return path
    except OSError as exc:
        raise OutputFailed(f"cannot use the report folder {path}: {_reason(exc)}") from None
    if stat.S_ISLNK(mode):
        raise OutputFailed(f"refusing to write the report into {path}: it is a symlink")
    if not stat.S_ISDIR(mode):
        raise OutputFailed(f"cannot write the report into {path}: it is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputFailed(f"cannot write the report into {path}: no permission to write there")
    return path


def _check_target(path: Path) -> None:
    """A folder, device or pipe at `path` is never replaced; a file or a symlink may be."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputFailed(f"cannot write {path}: {_reason(exc)}") from None
    if stat.S_ISDIR(mode):
        raise OutputFailed(f"cannot write {path}: it is a folder")
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OutputFailed(f"cannot write {path}: it is not a regular file")


def _create_temp(path: Path) -> tuple[Path, BinaryIO]:
    """A new file beside `path` under a random name; O_EXCL makes a planted name an error."""
    for _attempt in range(20):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(temp, _TEMP_FLAGS, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputFailed(f"cannot write {path}: {_reason(exc)}") from None
        return temp, os.fdopen(fd, "wb")
    raise OutputFailed(f"cannot write {path}: no free temporary name in {path.parent}")


def _keep_mode(temp: Path, path: Path) -> None:
    """A file replaced keeps its mode, or becomes stricter: the new file's bits are those both
    the old file and the umask (as the temporary file was created under it) allow. A private
    (0600) export stays private. Only a regular file at the target counts: a symlink there is
    replaced, never followed (not even to read its target's mode)."""
    try:
        old = os.lstat(path).st_mode
    except OSError:
        return
    if stat.S_ISREG(old):
        os.chmod(temp, stat.S_IMODE(os.lstat(temp).st_mode) & stat.S_IMODE(old))


def _remove(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    return exc.strerror or str(exc)
