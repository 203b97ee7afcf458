"""Saved queries: their headers, the CLI, read-only enforcement, Browser links and golden rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.errors import ConfigError, QueryFailed
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.neo4j.saved_queries import (
    browser_link,
    get_query,
    list_queries,
    run_saved,
    with_literals,
)
from tests import project
from tools.derived import golden_path, query_inputs, query_rows, same_rows

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
NAMES = [q.name for q in list_queries(QUERIES)]
CURATED = [q.name for q in list_queries(QUERIES) if q.scope == "curated"]  # the others: divisions


def test_at_least_twelve_documented_queries() -> None:
    saved = list_queries(QUERIES)
    assert len(saved) >= 12
    documented = (ROOT / "docs" / "querying.md").read_text("utf-8")
    for query in saved:
        assert query.title and query.description, query.name
        assert query.text.startswith(f"// {query.title}\n")
        for parameter in query.parameters.values():
            assert parameter.description, (query.name, parameter.name)
            assert f"// :param {parameter.name} => " in query.text
        assert f"| `{query.name}` | {query.title}" in documented, f"{query.name} is not in the docs"


@pytest.mark.neo4j
@pytest.mark.parametrize("name", CURATED)
def test_golden_rows(name: str, loaded: Graph) -> None:
    """The rows `make regen` recorded, taken again on the curated graph; the golden's inputs
    (query, schema, data) are today's, else it is stale."""
    query = get_query(name, QUERIES)
    expected = json.loads(golden_path(query).read_text("utf-8"))
    assert expected["inputs"] == query_inputs(project.workspace(), query), "run `make regen`"
    assert expected["ordered"] == query.ordered
    rows = query_rows(loaded, query)
    assert same_rows(query, rows, expected["rows"]), "rows differ: if meant, run `make regen`"


@pytest.mark.neo4j
def test_spun_partial_and_english_names_find_the_entity(loaded: Graph) -> None:
    query = get_query("alias-lookup", QUERIES)
    for q, wanted in (
        ("笨能算力核心", "alicloud-east-china-computing-centre"),
        ("碳谷", "carbon-valley-green-bay"),
        ("Yexin", "yexin-road"),
        ("墨枫公路", "zhufeng-road"),
    ):
        ids = [r["id"] for r in run_saved(loaded, query, {"q": q}).rows]
        assert wanted in ids[:3], (q, ids)


@pytest.mark.neo4j
def test_held_out_questions_are_answered_with_a_source(loaded: Graph) -> None:
    """How long, how fast, how many lanes, how much, since when, who holds the office now."""
    holders = get_query("office-holders", QUERIES)

    def held(day: str) -> set[tuple[str, str]]:
        rows = run_saved(loaded, holders, {"day": day}).rows
        assert all(r["source"] and r["sentence"] for r in rows)
        top = ("区委书记", "区长")  # the district's two leading offices (deputies are held too)
        return {(r["role"], r["holder"]) for r in rows if r["role"] in top}

    assert held("2020-12-31") == {("区委书记", "胡卫国"), ("区长", "刘健")}
    assert held("2023-01-01") == {("区委书记", "刘健"), ("区长", "李泽龙")}
    assert held("2099-12-31") == {("区委书记", "刘健"), ("区长", "袁罡")}
    assert held("2019-12-31") == set()
    values = get_query("entity-values", QUERIES)
    current = {
        r["property"]: (r["value"], r["unit"], r["source"])
        for r in run_saved(loaded, values, {"name": "叶新公路新建工程"}).rows
        if r["current"] and r["sentence"]
    }
    assert current["length_km"][:2] == ("2.24", "km")
    assert current["design_speed_kmh"][:2] == ("80", "km/h")
    assert current["lanes"] == ("6", "lanes", "xinhua-2020-12-28-yexin-road-opening")
    money = run_saved(loaded, values, {"name": "上海乐高乐园度假区"}).rows
    assert ("investment_usd", "550000000") in {(r["property"], r["value"]) for r in money}
    timeline = get_query("entity-timeline", QUERIES)
    rows = run_saved(loaded, timeline, {"name": "南枫线"}).rows
    assert ("2023-12-28", "status", "under_construction") in {
        (r["date"], r["what"], r["value"]) for r in rows
    }


@pytest.mark.neo4j
def test_cli_run_formats_and_parameters(runner: CliRunner, loaded_env: Graph) -> None:
    result = runner.invoke(
        app, ["query", "run", "who-focuses-on", "-p", "industry=细胞医乱", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["who"] for r in rows} == {"上海湾区健康医学城", "金山区"}
    assert all(r["industry"] == "细胞治疗" for r in rows)
    as_csv = runner.invoke(app, ["query", "run", "hubs", "-p", "limit=1", "--format", "csv"])
    assert as_csv.stdout.splitlines()[1].startswith("金山区,County,")


@pytest.mark.neo4j
def test_unknown_parameter_lists_the_expected(runner: CliRunner, loaded_env: Graph) -> None:
    result = runner.invoke(app, ["query", "run", "cross-border-links", "-p", "lft=shanghai"])
    assert result.exit_code == 2  # a usage error, as every other
    assert "unknown parameter lft for cross-border-links; expected: left, right" in result.stderr


def test_undeclared_parameter_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken.cypher").write_text("// Broken\n// no params\nRETURN $x AS x\n")
    with pytest.raises(ConfigError, match=r"\$x is used but has no `// :param x"):
        get_query("broken", tmp_path)


@pytest.mark.neo4j
def test_a_query_file_that_writes_is_refused(
    runner: CliRunner, loaded_env: Graph, tmp_path: Path
) -> None:
    shutil.copy(QUERIES / "hubs.cypher", tmp_path)
    writes = {
        "sneaky": "// Sneaky\n// Harmless?\n// @scope curated\n"
        "MATCH (n:Entity) SET n.name = 'pwned' RETURN n.id\n",
        "deleter": "// Deleter\n// Deletes\n// @scope curated\nMATCH (n) DETACH DELETE n\n",
        "subquery": "// Subquery\n// Writes in a subquery\n// @scope curated\n"
        "CALL { CREATE (:X) } RETURN 1 AS one\n",
        "schema": "// Schema\n// Drops an index\n// @scope curated\nDROP INDEX entity_names\n",
    }
    for name, text in writes.items():
        (tmp_path / f"{name}.cypher").write_text(text)
    before = run_cypher(loaded_env, "MATCH (n) RETURN count(n) AS n").rows
    for name in writes:
        result = runner.invoke(app, ["query", "run", name, "--queries", str(tmp_path)])
        assert result.exit_code == 1, name
        assert "is not read-only" in result.stderr or "read access mode" in result.stderr, name
    assert run_cypher(loaded_env, "MATCH (n) RETURN count(n) AS n").rows == before
    assert run_cypher(loaded_env, "MATCH (n {name: 'pwned'}) RETURN count(n) AS n").rows == [
        {"n": 0}
    ]
    with pytest.raises(QueryFailed, match="not read-only"):
        run_saved(loaded_env, get_query("sneaky", tmp_path))


def test_list_and_show(runner: CliRunner) -> None:
    listed = runner.invoke(app, ["query", "list", "--format", "json"])
    entries = json.loads(listed.stdout)
    assert [e["name"] for e in entries] == NAMES
    overview = next(e for e in entries if e["name"] == "layout-overview")
    assert overview["parameters"] == [
        {
            "name": "layout",
            "example": "layout-five-pillars",
            "description": "id of the layout",
        }
    ]
    shown = runner.invoke(app, ["query", "show", "timeline"])
    assert shown.stdout == (QUERIES / "timeline.cypher").read_text("utf-8")
    missing = runner.invoke(app, ["query", "show", "nope"])
    assert missing.exit_code == 2 and "no saved query 'nope'; known: " in missing.stderr


def test_browser_link_carries_the_query_with_its_values(runner: CliRunner) -> None:
    query = get_query("cross-border-links", QUERIES)
    link = browser_link(query, "http://127.0.0.1:7474/browser/")
    assert link.startswith("http://127.0.0.1:7474/browser/?cmd=edit&arg=")
    text = unquote(link.split("&arg=", 1)[1])
    assert text == with_literals(query)
    assert "pa.id = 'shanghai' AND pb.id = 'zhejiang'" in text
    assert text.startswith("// Cross-border Shanghai–Zhejiang links\n")
    printed = runner.invoke(
        app,
        [
            "query",
            "browser",
            "cross-border-links",
            "--base-url",
            "http://example.test:7474/browser",
        ],
    )
    assert printed.stdout.strip() == browser_link(query, "http://example.test:7474/browser")


def test_literals_escape_quotes() -> None:
    query = get_query("alias-lookup", QUERIES)
    assert "queryNodes('entity_names', 'it\\'s \\\\ ok')" in with_literals(
        query, {"q": "it's \\ ok"}
    )


@pytest.mark.neo4j
def test_favorites_zip_holds_every_query_runnable_as_it_is(
    runner: CliRunner, loaded: Graph, tmp_path: Path
) -> None:
    """One .zip of `jinshan-kg/<name>.cypher`, titled by the first line, values written in:
    each favorite runs read-only on the server as Browser would send it."""
    import zipfile

    out = tmp_path / "favorites.zip"
    result = runner.invoke(app, ["query", "favorites", "-o", str(out)])
    assert result.exit_code == 0, result.output
    saved = {q.name: q for q in list_queries(QUERIES)}
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"jinshan-kg/{name}.cypher" for name in saved)
        for name in names:
            text = archive.read(name).decode("utf-8")
            query = saved[name.split("/")[1].removesuffix(".cypher")]
            assert text.splitlines()[0] == f"// {query.title}"
            run_cypher(loaded, text, {})  # no parameter needed: it runs as it is
    refused = runner.invoke(app, ["query", "favorites", "-o", str(tmp_path / "f.txt")])
    assert refused.exit_code != 0 and ".zip" in refused.stderr


def test_a_query_file_whose_name_is_not_a_query_name_is_refused(tmp_path: Path) -> None:
    """A name like `x..\\evil` would reach the favorites archive as a path: one line, no zip.
    A hidden one (`..\\evil`) is skipped, as in data/: it is never read, so never archived."""
    shutil.copy(QUERIES / "hubs.cypher", tmp_path / "hubs.cypher")
    shutil.copy(QUERIES / "hubs.cypher", tmp_path / "..\\evil.cypher")
    assert [q.name for q in list_queries(tmp_path)] == ["hubs"]
    shutil.copy(QUERIES / "hubs.cypher", tmp_path / "x..\\evil.cypher")
    with pytest.raises(ConfigError, match="letters, digits, - and _ only"):
        list_queries(tmp_path)


def test_a_piped_table_is_a_line_per_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not on a terminal and with no COLUMNS, a table is as wide as its content: no row is
    folded over several lines at 80 columns."""
    monkeypatch.delenv("COLUMNS", raising=False)
    listed = CliRunner().invoke(app, ["query", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert len(lines) == len(list_queries(QUERIES)) + 4  # top, header, rule, rows, bottom
    assert max(len(line) for line in lines) > 80
