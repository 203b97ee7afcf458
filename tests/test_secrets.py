"""The password comes from the environment, a file or a prompt, and shows up nowhere else: not in
output, debug logs, error messages, process arguments, server logs or committed files."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loader.model.errors import AuthFailed
from loader.neo4j.driver import AUTH_LOCK_SECONDS
from loader.neo4j.graph import Graph
from loader.neo4j.server import USERNAME, ManagedServer
from loader.neo4j.target import Target

pytestmark = pytest.mark.neo4j
KG = str(Path(sys.executable).parent / "kg")
ROOT = Path(__file__).resolve().parent.parent


def _env(settings: Graph, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return env | {"NEO4J_URI": settings.target.uri, "COLUMNS": "200"} | extra


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KG, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_password_from_a_prompt_is_not_echoed(neo4j: Graph) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: kg on a terminal, no password anywhere but the keyboard
        os.chdir(ROOT)
        os.execve(KG, [KG, "cypher", "RETURN 40 + 2 AS answer"], _env(neo4j))
    seen = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"password for neo4j at" in seen:
            os.write(fd, neo4j.target.password.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = seen.decode("utf-8", "replace")
    assert answered and os.waitstatus_to_exitcode(status) == 0, text
    assert "42" in text
    assert neo4j.target.password not in text


def test_no_terminal_no_password_is_one_line(neo4j: Graph) -> None:
    done = subprocess.run(
        [KG, "cypher", "RETURN 1"],
        cwd=ROOT,
        env=_env(neo4j),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "kg: error: NEO4J_URI is set but no password: set NEO4J_PASSWORD or "
        "NEO4J_PASSWORD_FILE, or run on a terminal to be asked"
    ]


def test_password_from_a_file(neo4j: Graph, tmp_path: Path) -> None:
    secret = tmp_path / "neo4j-password"
    secret.write_text(neo4j.target.password + "\n", "utf-8")
    done = _run(_env(neo4j, NEO4J_PASSWORD_FILE=str(secret)), "cypher", "RETURN 7 AS n")
    assert done.returncode == 0, done.stderr
    assert "7" in done.stdout and neo4j.target.password not in done.stdout + done.stderr
    missing = _run(_env(neo4j, NEO4J_PASSWORD_FILE=str(tmp_path / "nope")), "cypher", "RETURN 1")
    assert missing.returncode != 0 and "cannot read NEO4J_PASSWORD_FILE" in missing.stderr


def test_debug_logs_and_errors_never_carry_the_password(neo4j: Graph) -> None:
    done = _run(_env(neo4j, NEO4J_PASSWORD=neo4j.target.password), "--debug", "cypher", "RETURN 1")
    assert done.returncode == 0, done.stderr
    assert "DEBUG" in done.stderr  # the driver's wire log was on
    assert neo4j.target.password not in done.stdout + done.stderr
    wrong = "hunter2-not-the-password"
    refused = _run(_env(neo4j, NEO4J_PASSWORD=wrong), "--debug", "cypher", "RETURN 1")
    assert refused.returncode != 0
    assert wrong not in refused.stdout + refused.stderr  # tracebacks included
    # The driver's wire log shows each query sent, never its parameters (a -p secret, or the
    # new password a first start sends in ALTER CURRENT USER).
    secret = "s3cret-parameter-value"
    env = _env(neo4j, NEO4J_PASSWORD=neo4j.target.password)
    sent = _run(env, "--debug", "cypher", "-p", f"token={secret}", "RETURN size($token) AS n")
    assert sent.returncode == 0, sent.stderr
    assert "C: RUN 'RETURN size($token) AS n' {parameters hidden}" in sent.stderr
    assert secret not in sent.stdout + sent.stderr


def test_process_arguments_and_server_logs_never_carry_the_password(
    managed_server: ManagedServer, neo4j: Graph
) -> None:
    env = _env(neo4j, NEO4J_PASSWORD=neo4j.target.password)
    running = subprocess.Popen(
        [KG, "cypher", "UNWIND range(1, 200000000) AS x WITH x WHERE x % 1000003 = 0 RETURN 1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.5)
        pids = [running.pid, managed_server.status().pid]
        for pid in pids:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes()
            assert argv and neo4j.target.password.encode() not in argv
    finally:
        running.kill()
        running.wait()
    for log in (managed_server.home / "logs").glob("*"):
        if log.is_file():
            assert neo4j.target.password.encode() not in log.read_bytes(), log


def test_committed_files_hold_no_password(managed_server: ManagedServer) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    secrets = [managed_server.password().encode()]
    dev = ROOT / ".kg" / "neo4j" / "kg-password"
    if dev.exists():
        secrets.append(dev.read_bytes().strip())
    for name in filter(None, tracked):
        path = ROOT / os.fsdecode(name)
        if path.is_file():
            content = path.read_bytes()
            assert not any(secret in content for secret in secrets), name
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    assert ignored.returncode == 0, ".env must be git-ignored"
    compose = (ROOT / "docker-compose.yml").read_text("utf-8")
    assert "${NEO4J_PASSWORD:?" in compose and "NEO4J_AUTH: neo4j/${NEO4J_PASSWORD" in compose


def test_the_auth_rate_limit_is_named_and_waited_out(managed_server: ManagedServer) -> None:
    """Wrong passwords in a row lock the user for a while; kg says so, and the wait, in one
    line, instead of a generic failure (Neo4j locks after 3 by default)."""
    wrong = Target(managed_server.bolt_uri, USERNAME, "not-the-password-at-all")
    messages: list[str] = []
    try:
        for _attempt in range(5):
            with pytest.raises(AuthFailed) as failed, Graph.open(wrong) as graph:
                graph.verify()
            messages.append(str(failed.value))
        limited = [m for m in messages if "rate limit" in m]
        assert limited, messages
        assert f"wait {AUTH_LOCK_SECONDS} seconds" in limited[0]
        assert all("\n" not in m and wrong.password not in m for m in messages)
    finally:
        time.sleep(AUTH_LOCK_SECONDS + 1)  # the lock must not outlive this test
    right = Target(managed_server.bolt_uri, USERNAME, managed_server.password())
    with Graph.open(right) as graph:
        graph.verify()


def test_a_password_set_for_the_managed_server_is_used_or_refused(
    managed_server: ManagedServer,
) -> None:
    """With no NEO4J_URI the managed server is the target: a NEO4J_PASSWORD that is not its
    password is refused in one line naming the setting (never silently ignored); its own
    password works."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env |= {"KG_NEO4J_HOME": str(managed_server.home), "NEO4J_PASSWORD": "not-the-password"}
    refused = _run(env, "cypher", "RETURN 1 AS one", "--format", "json")
    assert refused.returncode == 1
    [line] = refused.stderr.strip().splitlines()
    assert "NEO4J_PASSWORD" in line and str(managed_server.password_file) in line
    assert "not-the-password" not in refused.stdout + refused.stderr
    env["NEO4J_PASSWORD"] = managed_server.password()
    used = _run(env, "cypher", "RETURN 1 AS one", "--format", "json")
    assert used.returncode == 0, used.stderr
    assert managed_server.password() not in used.stdout + used.stderr
