"""One load of a dataset at a time: a second load waits or stops with one line, a killed load's
lease is taken over, and two loads started together never leave a graph matching neither."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from tests.graph_state import graph_state

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
DATASET = "jinshan-layout"
PLANT = (
    "CREATE (:KgLease {dataset: $dataset, run: $run, holder: $holder, since: datetime(), "
    "expires: datetime() + duration({seconds: $ttl})})"
)


def _plant(settings: Graph, holder: str, ttl: int, run: str = "f" * 32) -> None:
    params = {"dataset": DATASET, "run": run, "holder": holder, "ttl": ttl}
    run_cypher(settings, PLANT, params, write=True)


def _leases(settings: Graph) -> int:
    return int(run_cypher(settings, "MATCH (l:KgLease) RETURN count(l) AS n").rows[0]["n"])


def test_a_live_lease_stops_a_second_load_with_one_line(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    _plant(neo4j_env, "elsewhere:4242", ttl=600)
    result = runner.invoke(app, ["load", "--lease-wait", "0"])
    assert result.exit_code == 75
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        f"kg: error: another load of {DATASET} (run ffffffffffff, elsewhere:4242"
    )
    assert line.endswith(
        "is running; try again when it ends, or pass --break-lease if that load was killed"
    )
    nodes = run_cypher(neo4j_env, "MATCH (n:Entity) RETURN count(n) AS n").rows
    assert nodes == [{"n": 0}] and _leases(neo4j_env) == 1
    broken = runner.invoke(app, ["load", "--break-lease", "--format", "json"])
    assert broken.exit_code == 0, broken.output
    assert _leases(neo4j_env) == 0  # released at the end


def test_an_expired_lease_and_a_dead_local_holder_are_taken_over(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    _plant(neo4j_env, "elsewhere:4242", ttl=-1)
    assert runner.invoke(app, ["load", "--lease-wait", "0"]).exit_code == 0
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    _plant(neo4j_env, f"{socket.gethostname()}:{dead.stdout.strip()}", ttl=600)
    result = runner.invoke(app, ["load", "--lease-wait", "0"])
    assert result.exit_code == 0, result.output
    assert _leases(neo4j_env) == 0


def test_two_loads_together_leave_one_of_their_graphs(neo4j_env: Graph, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(ROOT / "data", other)
    facts = other / "facts" / "jinshan-layout-2020-12.yaml"
    text = facts.read_text("utf-8")
    old = (
        "      - {from: yexin-road-new-section, type: RELIEVES, to: g320, start_date: 2020-12-28,"
        ' note: "once opened (28 December 2020)"}\n'
    )
    assert old in text
    facts.write_text(text.replace(old, ""), "utf-8")
    env = {**os.environ}
    args = ["load", "--prune", "--yes", "--lease-wait", "300", "--format", "json"]

    def alone(data: Path) -> dict[str, object]:
        run_cypher(neo4j_env, "MATCH (n) DETACH DELETE n", write=True)
        subprocess.run([KG, *args, str(data)], env=env, check=True, capture_output=True)
        return graph_state(neo4j_env)

    expected = {"data": alone(ROOT / "data"), "other": alone(other)}
    assert expected["data"] != expected["other"]
    run_cypher(neo4j_env, "MATCH (n) DETACH DELETE n", write=True)
    both = [
        subprocess.Popen(
            [KG, *args, str(data)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for data in (ROOT / "data", other)
    ]
    for proc in both:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert graph_state(neo4j_env) in expected.values()
    assert _leases(neo4j_env) == 0
