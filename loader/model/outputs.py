"""Where the tool writes: inside the project (outside one, the working folder), to a file.

An output path is data too: `-o ../../home/me/.bashrc` or a symlink out of the project is
refused unless the user says `--allow-outside`; a directory, device or pipe is never written.
Writes themselves go to a `.partial` file renamed into place, so a failure leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

from loader.model.errors import ConfigError
from loader.model.project import ProjectMissing, current_project


def checked_output(path: Path, allow_outside: bool = False, folder: bool = False) -> Path:
    """`path` resolved (symlinks followed), or a one-line refusal saying why."""
    root = _working_tree()
    try:
        resolved = path.expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, an unreadable parent
        raise ConfigError(f"cannot write {path}: {exc}") from None
    if not allow_outside and not resolved.is_relative_to(root):
        raise ConfigError(
            f"refusing to write {path}: it is outside the working tree {root} "
            "(pass --allow-outside to write there)"
        )
    if resolved.exists():
        if folder and not resolved.is_dir():
            raise ConfigError(f"cannot write the report into {path}: it is not a folder")
        if not folder and not resolved.is_file():
            raise ConfigError(f"cannot write {path}: it is not a regular file")
    return resolved


def _working_tree() -> Path:
    """The project in use (--project, KG_PROJECT or found from here), else the working folder."""
    try:
        return current_project().root
    except ProjectMissing:
        return Path.cwd().resolve()
