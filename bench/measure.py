"""A command's wall time, CPU and peak RSS: the process's own, and its whole tree's.

GNU time's %M (the kernel's maxrss of a waited child) is the largest of the process and its
waited children: for `kg load --bulk` that is the neo4j-admin JVM. The process's own peak is
its VmHWM, sampled from /proc while it runs (a peak in its last 50 ms can be missed).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_S = 0.05


@dataclass(frozen=True)
class Measured:
    seconds: float
    own_rss_mb: float  # the command's own process
    tree_rss_mb: float  # the largest of the command and its children (GNU time's %M)
    stdout: str
    cpu_s: float = 0.0  # user + system CPU of the command and the children it waited for


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(cmd: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run `cmd` from the project root; a failure stops the bench with its stderr's tail."""
    env = env if env is not None else clean_env()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env, text=True)
        own = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                own[0] = max(own[0], _hwm_kb(proc.pid))
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.read()[-800:]}")
        tree = usage.ru_maxrss  # kB on Linux
        cpu = usage.ru_utime + usage.ru_stime
        return Measured(wall, own[0] / 1024, max(tree, own[0]) / 1024, out.read(), cpu)


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds a running process (the server's JVM) has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def clean_env() -> dict[str, str]:
    """The environment without NEO4J_*: every command talks to the managed server."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
