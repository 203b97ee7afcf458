"""What the managed server's life depends on: is a process alive, is a loopback port taken,
are its files the owner's alone."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its parent has not reaped it yet
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return True


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def make_private(home: Path, folders: tuple[str, ...]) -> None:
    """`home` and the given folders in it (with what they hold) closed to other users.

    The JVM runs with umask 077 from now on; this mends what an older start left open."""
    home.chmod(0o700)
    for name in folders:
        top = home / name
        if not top.is_dir() or top.is_symlink():
            continue
        for folder, _dirs, files in os.walk(top):
            os.chmod(folder, 0o700)
            for file in files:
                path = Path(folder) / file
                if not path.is_symlink():
                    path.chmod(path.stat().st_mode & 0o700)
