"""`kg propose`: relations by trigger words the schema allows, numbers with their units, dates,
new names with a guessed label, and output that `kg validate` accepts once moved into data/."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import yaml
from typer.testing import CliRunner

from loader.cli.app import app
from loader.text.extract import Matcher, extract, surface_forms
from loader.text.propose import Proposals, _when, propose, stub_id
from loader.text.quantities import values as _values
from loader.text.spots import Spot
from tests.project import dataset, schema

ROOT = Path(__file__).resolve().parent.parent
DATASET = dataset()
SCHEMA = schema()
MATCHER = Matcher(surface_forms(DATASET, SCHEMA))
DEV_PAGES = (  # dev pages only, none yet a source in data/: never the test split
    "eastmoney-2025-02-19-syngenta-jinshan",
    "ppfocus-2021-01-17-lego-fengjing-binhai",
    "shobserver-2021-01-05-lego-signing",
)


def _propose(text: str, published: date | None = date(2023, 7, 31)) -> Proposals:
    return propose(extract(text, DATASET, "page", MATCHER), DATASET, SCHEMA, published)


def _facts(found: Proposals) -> list[tuple[str, str, str]]:
    return [(f["from"], f["type"], f["to"]) for s in found.statements for f in s.facts]


def test_a_trigger_between_two_entities_the_schema_allows_is_a_relation() -> None:
    found = _propose("叶新公路新建工程连接金山区和平湖市。")  # (it does not; a test sentence)
    assert _facts(found) == [("yexin-road-new-section", "CONNECTS_TO", "pinghu")]
    # the graph holds the section -> jinshan: the page corroborates it
    assert found.held == 1
    assert [c for s in found.statements for c in s.corroborates] == [
        ["yexin-road-new-section", "CONNECTS_TO", "jinshan"]
    ]
    assert all(f["as_of"] == "2023-07-31" for s in found.statements for f in s.facts)


def test_no_relation_the_schema_does_not_allow_or_across_a_clause() -> None:
    assert _facts(_propose("金山区位于叶新公路。")) == []  # a county lies in no road
    assert _facts(_propose("叶新公路建成，连接工作由金山区负责。")) == []


def test_a_name_that_lands_somewhere_is_that_place_s_project() -> None:
    # invented names, so that the graph holds neither: both become stubs
    found = _propose("上海晨光国际创新中心落户上海晨光科创城。")
    [(start, rel_type, end)] = _facts(found)
    assert rel_type == "HAS_PROJECT" and start == stub_id("上海晨光科创城")
    assert end == stub_id("上海晨光国际创新中心")
    labels = {e["name"]: e["type"] for e in found.entities}
    assert labels == {"上海晨光科创城": "Park", "上海晨光国际创新中心": "Project"}
    # a place the graph holds keeps its id; only the new name is a stub
    found = _propose("晨光国际创新中心落户上海湾区科创城。")
    assert _facts(found) == [("bay-area-science-city", "HAS_PROJECT", stub_id("晨光国际创新中心"))]


def _stated(found: Proposals) -> list[tuple[str, str, str]]:
    """Facts and corroborations alike: what the page states, new to the graph or not."""
    return _facts(found) + [(a, t, b) for s in found.statements for a, t, b in s.corroborates]


def test_a_person_after_a_title_holds_office_in_the_organisation_before_it() -> None:
    # 王晨光 is invented: a person the graph lacks is a stub, found by family name and title
    found = _propose("久事集团副总裁王晨光表示，项目将开工。")
    person = stub_id("王晨光")
    assert found.entities == [
        {
            "type": "Person",
            "id": person,
            "name": "王晨光",
            "note": "proposed from page: a name after a title of office",
        }
    ]
    [fact] = [f for s in found.statements for f in s.facts]
    assert fact == {
        "from": person,
        "type": "HOLDS_OFFICE_IN",
        "to": "jiushi-group",
        "role": "副总裁",
        "as_of": "2023-07-31",
    }
    # read as names are: Traditional with inline readings, the role in Simplified
    found = _propose("金山區(qū)委書(shū)記王晨光在開工儀式上致辭。")
    assert _facts(found) == [(person, "HOLDS_OFFICE_IN", "jinshan-district-committee")]
    assert found.statements[0].facts[0]["role"] == "书记"
    assert _propose("他在会上表示王晨光说").entities == []  # no title, no person


def test_a_place_written_inside_the_place_it_lies_in_lies_there() -> None:
    found = _propose("金山区廊下镇、吕巷镇与平湖市广陈镇携手。")
    assert _stated(found) == [
        ("langxia", "LOCATED_IN", "jinshan"),
        ("lvxiang", "LOCATED_IN", "jinshan"),
        ("guangchen", "LOCATED_IN", "pinghu"),
    ]


def test_a_clause_without_a_subject_speaks_of_the_sentence_s_topic() -> None:
    found = _propose(
        "南枫线全长95.67公里，途经奉贤区、松江区，全线新设14座车站，最高时速可达160公里。"
    )
    assert _stated(found) == [
        ("nanfeng-line", "CONNECTS_TO", "fengxian"),
        ("nanfeng-line", "CONNECTS_TO", "songjiang"),
    ]
    values = [(v["property"], v["value"]) for s in found.statements for v in s.values]
    assert values == [("length_km", 95.67), ("stations", 14), ("max_speed_kmh", 160)]


def test_a_page_states_a_fact_once() -> None:
    found = _propose("金山区位于上海市。上海市金山区是上海的西南门户。")
    assert _stated(found) == [("jinshan", "LOCATED_IN", "shanghai")]


def test_numbers_with_units_are_values_of_the_entity_they_qualify() -> None:
    text = "总投资约19亿元的东湖中心开工，叶新公路全长2.24公里以上"
    spots = [Spot(9, 13, "x", "Project"), Spot(16, 20, "yexin-road", "Road")]
    assert _values(text, spots, SCHEMA, "2023-01-01") == [
        {
            "entity": "x",
            "property": "investment_cny",  # of two CNY properties, the one 投资 names
            "value": 1_900_000_000,
            "qualifier": "about",
            "as_of": "2023-01-01",
        },
        {
            "entity": "yexin-road",
            "property": "length_km",
            "value": 2.24,
            "qualifier": "at_least",
            "as_of": "2023-01-01",
        },
    ]
    assert _values("东湖中心有19亿元", [Spot(0, 4, "x", "Project")], SCHEMA, None) == []


def test_a_sentence_s_own_day_else_the_page_s() -> None:
    page = date(2023, 7, 31)
    assert _when("2021年9月29日开工", page) == "2021-09-29"
    assert _when("9月29日开工", page) == "2023-09-29"
    assert _when("2月30日开工", page) == "2023-07-31"  # no such day
    assert _when("开工", None) is None


def test_proposals_move_into_data_and_validate(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for part in ("data", "schema", "queries"):
        shutil.copytree(ROOT / part, project / part)
    shutil.copy(ROOT / "kg.toml", project / "kg.toml")
    pages = []
    for page in DEV_PAGES:
        for suffix in (".txt", ".yaml"):
            shutil.copy(ROOT / "data" / "sources-unseen" / f"{page}{suffix}", tmp_path)
        pages.append(str(tmp_path / f"{page}.txt"))
    out = project / "proposals"  # where they go unless -o says otherwise
    done = CliRunner().invoke(
        app, ["--project", str(project), "propose", *pages, "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)["proposals"]
    assert [r["document"] for r in rows] == list(DEV_PAGES)
    assert sum(r["facts"] + r["values"] for r in rows) >= 3
    data = project / "data"
    for page in DEV_PAGES:  # what a curator does: the page as a source, then the proposals
        for suffix in (".txt", ".yaml"):
            shutil.copy(tmp_path / f"{page}{suffix}", data / "sources")
        shutil.copy(out / "facts" / f"{page}.yaml", data / "facts")
        stubs = out / "entities" / f"{page}.yaml"
        if stubs.exists():
            shutil.copy(stubs, data / "entities" / f"proposed-{page}.yaml")
            assert all(e["id"].startswith("proposed-") for e in yaml.safe_load(stubs.read_text()))
    checked = CliRunner().invoke(app, ["validate", str(data)])
    assert checked.exit_code == 0, checked.output


def test_a_page_without_a_source_record_gets_a_stub_and_a_bad_day_is_refused(
    tmp_path: Path,
) -> None:
    page = tmp_path / "note.txt"
    page.write_text("叶新公路连接金山区和嘉善县。\n", "utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["propose", str(page), "-o", str(out), "--published", "x"])
    assert done.exit_code != 0 and "--published is a day" in done.stderr
    done = CliRunner().invoke(app, ["propose", str(page), "-o", str(out)])
    assert done.exit_code == 0, done.output
    stub = yaml.safe_load((out / "sources" / "note.yaml").read_text("utf-8"))
    assert stub["id"] == "note" and stub["text"] == "note.txt"
    assert (out / "sources" / "note.txt").read_text("utf-8") == page.read_text("utf-8")
    facts = yaml.safe_load((out / "facts" / "note.yaml").read_text("utf-8"))
    assert [f["to"] for f in facts["statements"][0]["facts"]] == ["jinshan", "jiashan"]
