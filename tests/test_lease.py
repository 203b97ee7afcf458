"""One load of a dataset at a time: a second load waits or stops with one line, a killed load's
lease is taken over, and two loads started together never leave a graph matching neither."""

from __future__ import annotations

import json
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
from tests.project import dead_pid, relabel_project_as_park

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
    dead = dead_pid()
    _plant(neo4j_env, f"{socket.gethostname()}:{dead}", ttl=600)
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


ALL_PLANT = (
    "CREATE (:KgLease {dataset: '*', run: $run, holder: $holder, since: datetime(), "
    "expires: datetime() + duration({seconds: 600})})"
)


@pytest.mark.parametrize("deletes", ["--wipe", "--prune"])
def test_a_load_that_deletes_waits_for_every_other_datasets_load(
    runner: CliRunner, neo4j_env: Graph, deletes: str
) -> None:
    """A wipe or a prune needs the database to itself: another dataset's live lease stops it
    in one line, and nothing is deleted."""
    assert runner.invoke(app, ["load", "--format", "json"]).exit_code == 0
    before = graph_state(neo4j_env)
    params = {"dataset": "other-dataset", "run": "e" * 32, "holder": "elsewhere:4242", "ttl": 600}
    run_cypher(neo4j_env, PLANT, params, write=True)
    result = runner.invoke(app, ["load", deletes, "--yes", "--lease-wait", "0"])
    assert result.exit_code == 75, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kg: error: a load of other-dataset (run eeeeeeeeeeee, elsewhere:4242")
    assert "a load that deletes needs the database to itself; try again when it ends" in line
    assert graph_state(neo4j_env) == before
    assert _leases(neo4j_env) == 1  # the other load's, untouched; its own and `*` released


def test_no_load_starts_while_a_load_that_deletes_holds_the_database(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    run_cypher(neo4j_env, ALL_PLANT, {"run": "d" * 32, "holder": "elsewhere:4242"}, write=True)
    result = runner.invoke(app, ["load", "--lease-wait", "0"])
    assert result.exit_code == 75, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kg: error: a load that deletes (run dddddddddddd, elsewhere:4242")
    assert "has the database to itself; try again when it ends" in line
    nodes = run_cypher(neo4j_env, "MATCH (n:Entity) RETURN count(n) AS n").rows
    assert nodes == [{"n": 0}]
    broken = runner.invoke(app, ["load", "--break-lease", "--format", "json"])
    assert broken.exit_code == 0, broken.output
    assert _leases(neo4j_env) == 0


def test_an_unchanged_reload_puts_back_what_was_deleted_by_hand(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    """The digests say nothing changed, but the graph no longer holds what the last load left:
    the reload compares every row instead of reporting the missing node unchanged."""
    assert runner.invoke(app, ["load", "--format", "json"]).exit_code == 0
    before = graph_state(neo4j_env)
    run_cypher(neo4j_env, "MATCH (n:Entity {id: 'jinshan'}) DETACH DELETE n", write=True)
    again = runner.invoke(app, ["load", "--format", "json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["chunks_skipped"] == 0
    assert graph_state(neo4j_env) == before


def test_a_load_and_a_wipe_of_another_dataset_together_lose_nothing_they_report(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """`kg load` while `kg import rdf OTHER --wipe` runs: one waits for the other. Whatever the
    order, the graph ends as the import alone, and no command exits 0 reporting rows the graph
    does not hold (a load after the import is refused: the ids are the other dataset's)."""
    other = tmp_path / "other"
    shutil.copytree(ROOT / "data", other)
    meta = other / "dataset.yaml"
    meta.write_text(meta.read_text("utf-8").replace("name: jinshan-layout", "name: other"), "utf-8")
    exported = tmp_path / "other.ttl"
    made = runner.invoke(app, ["export", "rdf", "--data", str(other), "-o", str(exported)])
    assert made.exit_code == 0, made.output
    wipe = ["import", "rdf", str(exported), "--wipe", "--yes", "--lease-wait", "300"]
    assert runner.invoke(app, wipe).exit_code == 0
    expected = graph_state(neo4j_env)
    run_cypher(neo4j_env, "MATCH (n) DETACH DELETE n", write=True)
    load = subprocess.Popen(
        [KG, "load", "--lease-wait", "300", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    importer = subprocess.Popen(
        [KG, *wipe, "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    load_out, load_err = load.communicate(timeout=600)
    _out, import_err = importer.communicate(timeout=600)
    assert importer.returncode == 0, import_err
    assert graph_state(neo4j_env) == expected
    if load.returncode == 0:  # it ran first: the wipe waited, then removed it
        assert json.loads(load_out)["nodes_created"] > 0, load_out
    else:  # it ran after the import: refused before writing, the owner named
        assert load.returncode == 1, load_err
        assert "already belongs to a node of dataset 'other', not of 'jinshan-layout'" in load_err
    assert _leases(neo4j_env) == 0


def test_a_failed_take_keeps_no_claim_and_a_dead_wipes_claim_is_taken_over(
    runner: CliRunner, neo4j_env: Graph
) -> None:
    """A --prune load that finds its dataset busy claims nothing (the attempt is rolled back
    whole); a database-wide claim left by a wipe whose process is gone is cleared by the next
    load, whose renewals then find nothing in the way."""
    _plant(neo4j_env, "elsewhere:4242", ttl=600)
    busy = runner.invoke(app, ["load", "--prune", "--yes", "--lease-wait", "0"])
    assert busy.exit_code == 75, busy.output
    assert _leases(neo4j_env) == 1  # the planted one only: no `*` claim kept
    run_cypher(neo4j_env, "MATCH (l:KgLease) DELETE l", write=True)
    dead = dead_pid()
    holder = f"{socket.gethostname()}:{dead}"
    run_cypher(neo4j_env, ALL_PLANT, {"run": "c" * 32, "holder": holder}, write=True)
    result = runner.invoke(app, ["load", "--lease-wait", "0", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert _leases(neo4j_env) == 0


def test_a_load_that_relabels_waits_for_other_datasets_loads(
    runner: CliRunner, neo4j_env: Graph, tmp_path: Path
) -> None:
    """A node whose label changed is deleted and written again, which another dataset's
    running load could be linking to: the load claims the database first, and with another
    dataset's load running it stops in one line before writing anything."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    assert runner.invoke(app, ["load", str(data)]).exit_code == 0
    relabel_project_as_park(data)
    other = {"dataset": "other", "run": "e" * 32, "holder": "elsewhere:4242", "ttl": 600}
    run_cypher(neo4j_env, PLANT, other, write=True)
    busy = runner.invoke(app, ["load", str(data), "--lease-wait", "0"])
    assert busy.exit_code == 75, busy.output
    [line] = busy.stderr.strip().splitlines()
    assert "a load of other (run eeeeeeeeeeee, elsewhere:4242" in line, line
    labels = "MATCH (n {id: 'hongxingyun-shanghai-branch'}) RETURN labels(n) AS labels"
    assert sorted(run_cypher(neo4j_env, labels).rows[0]["labels"]) == ["Entity", "Project"]
    assert _leases(neo4j_env) == 1  # the planted one: nothing of this load's kept
    run_cypher(neo4j_env, "MATCH (l:KgLease) DELETE l", write=True)
    done = runner.invoke(app, ["load", str(data), "--lease-wait", "0"])
    assert done.exit_code == 0, done.output
    assert sorted(run_cypher(neo4j_env, labels).rows[0]["labels"]) == ["Entity", "Park"]
