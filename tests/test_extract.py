"""`kg extract`: mentions in the seed (scored against the gold file), Traditional script,
spun variants learned from the data, candidates, and the lexical graph on the real server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from loader.cli.app import app
from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from loader.neo4j.cypher import run_cypher
from loader.neo4j.graph import Graph
from loader.text.extract import Matcher, extract, spin_rules, surface_forms
from loader.text.normalise import normalise
from tests.graph_state import graph_state
from tests.project import SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "jinshan-layout-2020-12.txt"
GOLD = ROOT / "data" / "gold" / "jinshan-layout-2020-12.mentions.yaml"
DATASET = load_dataset(ROOT / "data", load_schema(SCHEMA_FILE))
MATCHER = Matcher(surface_forms(DATASET, load_schema(SCHEMA_FILE)))


def _ids(text: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.entity_id) for m in extract(text, DATASET, "t", MATCHER).mentions]


def test_seed_meets_the_targets_against_the_gold_file() -> None:
    result = CliRunner().invoke(
        app, ["extract", str(SEED), "--evaluate", str(GOLD), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)["evaluation"]
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95
    assert scores["gold"] > 150


def test_json_lists_mentions_per_sentence_with_offsets() -> None:
    result = CliRunner().invoke(app, ["extract", str(SEED), "--format", "json"])
    [document] = json.loads(result.stdout)["documents"]
    assert document["document"] == "jinshan-layout-2020-12"
    text = SEED.read_text("utf-8")
    sentence = document["sentences"][21]
    assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    found = {(m["surface"], m["id"], m["name"]) for m in sentence["mentions"]}
    assert (
        "阿里云华东笨能算力核心",
        "alicloud-east-china-computing-centre",
        "阿里云华东智能算力中心",
    ) in found
    for m in sentence["mentions"]:
        assert text[m["start"] : m["end"]] == m["surface"]


def test_traditional_script_gives_the_same_mentions() -> None:
    text = SEED.read_text("utf-8")
    paragraph = text[text.index("长三角一体化,交通是排头兵") : text.index("据悉,近年来")]
    traditional = opencc.OpenCC("s2t").convert(paragraph)
    assert traditional != paragraph and len(traditional) == len(paragraph)
    assert _ids(traditional) == _ids(paragraph)
    assert "yexin-road" in {e for _a, _b, e in _ids(traditional)}


def test_full_width_and_spacing_are_normalised() -> None:
    wide = "\uff13\uff12\uff10国道\u3000\uff27\uff13\uff12\uff10"  # full-width 320, G320
    assert normalise(wide) == "320国道 G320"
    assert [e for _a, _b, e in _ids("车辆绕行" + wide[:5])] == ["g320"]


def test_spun_variants_learned_from_the_data() -> None:
    rules = spin_rules(DATASET)
    assert "笨" in rules["智"] and "核" in rules["中"] and "财产" in rules["产业"]
    aliases = {a for e in DATASET.entities.values() for a in e.properties.get("aliases", [])}
    for unseen, wanted in (
        ("阿里云华东智能算力核心", "alicloud-east-china-computing-centre"),
        ("华平金山智慧财产园", "huaping-jinshan-smart-park"),
        ("上海湾区健康医学核心", None),
    ):
        assert unseen not in aliases
        found = [e for _a, _b, e in _ids(f"据悉,{unseen}开工。")]
        if wanted:
            assert found == [wanted], unseen


def test_no_hits_inside_longer_names() -> None:
    assert [e for _a, _b, e in _ids("金山区委举行会议")] == ["jinshan-district-committee"]
    assert [e for _a, _b, e in _ids("沿金山大道经济走廊")] == ["jinshan-avenue-economic-corridor"]
    assert [e for _a, _b, e in _ids("上海湾区科创中心")] == ["bay-area-innovation-centre"]


def test_unknown_names_are_reported_as_candidates(tmp_path: Path) -> None:
    doc = tmp_path / "news.txt"
    doc.write_text(
        "晨光镇和枫泾工业区正在对接金山区。新的滨海森林公园、晨光镇医院将开工。\n", "utf-8"
    )  # 晨光镇 is invented: a town the graph will never hold
    result = CliRunner().invoke(app, ["extract", str(doc), "--format", "json"])
    [document] = json.loads(result.stdout)["documents"]
    candidates = {c["name"]: c for c in document["candidates"]}
    assert candidates["晨光镇"]["count"] == 2  # alone, and inside 晨光镇医院
    assert "枫泾工业区" in candidates and "晨光镇医院" in candidates
    assert "金山区" not in candidates
    assert any("枫泾工业区" in context for context in candidates["枫泾工业区"]["contexts"])
    assert document["document"] == "news"


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("金山区上海叶新公路财产园。，,!\n 浙江省碳谷绿湾ａ１"),
        max_size=200,
    )
)
def test_any_text_extracts_without_crashing(text: str) -> None:
    result = extract(text, DATASET, "t", MATCHER)
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.surface


@pytest.mark.neo4j
def test_write_is_idempotent_and_queryable(runner: CliRunner, neo4j_env: Graph) -> None:
    assert runner.invoke(app, ["load", "--format", "json"]).exit_code == 0
    first = runner.invoke(app, ["extract", str(SEED), "--write", "--format", "json"])
    assert first.exit_code == 0, first.output
    written = json.loads(first.stdout)["written"][0]
    assert written["nodes_created"] == written["sentences"] > 30
    before = graph_state(neo4j_env)
    again = json.loads(
        runner.invoke(app, ["extract", str(SEED), "--write", "--format", "json"]).stdout
    )["written"][0]
    assert again["nodes_created"] == again["relationships_created"] == 0
    assert again["relationships_deleted"] == 0
    assert graph_state(neo4j_env) == before
    rows = run_cypher(
        neo4j_env,
        "MATCH (:Document {id: 'jinshan-layout-2020-12'})-[:HAS_SENTENCE]->(s:Sentence)"
        "-[m:MENTIONS]->(r:Road) WHERE r.id STARTS WITH 'yexin-road' "
        "RETURN s.index AS i, r.id AS road ORDER BY i",
    ).rows
    # 叶新公路新建工程 names the new section; 叶新公路 alone the trunk road
    section, road = (18, "yexin-road-new-section"), (19, "yexin-road")
    assert [(r["i"], r["road"]) for r in rows] == [section, road]
    listed = runner.invoke(app, ["query", "run", "sentences-mentioning", "--format", "json"])
    assert [r["sentence"] for r in json.loads(listed.stdout)] == [19]


def test_rdf_export_can_include_the_lexical_graph(tmp_path: Path) -> None:
    from rdflib import Dataset as RdfDataset
    from rdflib import URIRef

    from loader.rdf.shacl import validate_rdf
    from loader.rdf.vocab import Names

    out = tmp_path / "with-mentions.trig"
    result = CliRunner().invoke(
        app,
        ["export", "rdf", "--format", "trig", "--with-mentions", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    store = RdfDataset(default_union=True)
    store.parse(out, format="trig")
    names = Names()
    seed_graph = store.graph(names.graph("jinshan-layout-2020-12"))
    sentence = URIRef(names.base + "sentence/jinshan-layout-2020-12/19")
    mentioned = set(seed_graph.objects(sentence, names.ontology["mentions"]))
    assert names.entity("yexin-road") in mentioned and names.entity("g320") in mentioned
    assert validate_rdf(out, load_schema(SCHEMA_FILE), names).conforms
    # Every statement and claim quotes sentences of the lexical graph, of its own document.
    quoted, text = URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"), names.ontology["text"]
    said, rdf_type = names.ontology["sentence"], URIRef(RDF_TYPE)
    citing = [
        s
        for s, _p, o, _g in store.quads((None, rdf_type, None, None))
        if o in (URIRef(RDF_STATEMENT), names.cls("Claim"))
    ]
    assert len(citing) > 400
    for statement in citing:
        sentences = set(store.objects(statement, quoted))
        assert sentences, statement
        quote = str(store.value(statement, said))
        texts = [str(store.value(s, text)) for s in sentences]
        if len(texts) == 1:  # the sentence holding the quote
            assert quote in texts[0], statement
        else:  # a quote across sentences: each of them overlaps it
            assert all(t[:4] in quote or t[-4:] in quote for t in texts), statement


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_STATEMENT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"


@pytest.mark.parametrize(
    "gold", sorted((ROOT / "data" / "gold").glob("*.mentions.yaml")), ids=lambda p: p.name
)
def test_every_gold_file_meets_the_targets(gold: Path) -> None:
    result = CliRunner().invoke(app, ["extract", "--evaluate", str(gold), "--format", "json"])
    assert result.exit_code == 0, result.output
    [scores] = json.loads(result.stdout)["evaluations"]
    assert scores["gold"] >= 20
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95, scores


def test_evaluate_takes_a_folder_and_reports_a_total() -> None:
    result = CliRunner().invoke(
        app, ["extract", "--evaluate", str(ROOT / "data" / "gold"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    per_document = out["evaluations"]
    assert len(per_document) == len(list((ROOT / "data" / "gold").glob("*.mentions.yaml")))
    assert out["evaluation"]["gold"] == sum(s["gold"] for s in per_document)


def test_mentions_in_a_page_with_readings_keep_the_original_offsets() -> None:
    text = "連接上海市金山區(qū)和浙江省嘉善縣的葉新公路,緩解320國(guó)道的壓力。"
    found = {(m.surface, m.entity_id) for m in extract(text, DATASET, "t", MATCHER).mentions}
    assert ("金山區(qū)", "jinshan") in found and ("320國(guó)道", "g320") in found
    for m in extract(text, DATASET, "t", MATCHER).mentions:
        assert text[m.start : m.end] == m.surface


def test_the_best_covering_split_of_qualified_names() -> None:
    assert [e for _a, _b, e in _ids("上海金山区发布")] == ["shanghai", "jinshan"]
    assert [e for _a, _b, e in _ids("西起浙江省嘉善县丁枫公路")] == ["zhejiang", "jiashan"]
    assert _ids("上海市交通委主任表示") == []  # 上海市 begins the commission's name


def test_nothing_to_extract_is_one_line_and_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["extract"])
    assert result.exit_code == 2  # UsageError: the command's use
    assert "give a text file" in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_known_name_inside_a_longer_proper_name_is_no_mention() -> None:
    """Heads of names (城, 开发区, 港, 站, 局, 集团, 频道 …) make the longer span a name of its
    own; the same head words beginning common words (城市, 港口, 布局) do not."""
    assert _ids("上海湾区晨光城首发项目开工") == []  # an invented name
    assert _ids("上海湾区科创城首发项目开工") == [(0, 7, "bay-area-science-city")]  # a known one
    assert _ids("网易上海频道报道") == []
    assert _ids("联手上海石化推进") == [(2, 6, "shanghai-petrochemical")]  # the company, known
    assert [e for _a, _b, e in _ids("上海湾区城市更新")] == ["shanghai-bay-area-brand"]
    assert [e for _a, _b, e in _ids("融入上海发展大局")] == ["shanghai"]
    # the place is the company's (which the graph now holds)
    assert _ids("金海芯半导体(上海)有限公司总经理") == [(0, 14, "jinhaixin-semiconductor")]
    assert _ids("上海晨光金山高科技产业开发有限公司计划") == []  # an invented company
    assert _ids("上海张江金山高科技产业开发有限公司计划") == [
        (0, 17, "zhangjiang-jinshan-hitech-dev-co")
    ]
    assert _ids("去年成功登陆科创板") == []
    assert [e for _a, _b, e in _ids("金山区委常委表示")] == ["jinshan-district-committee"]
    # a place before a town: both (the town is known), and before one it does not know, the place
    assert [e for _a, _b, e in _ids("连接金山区廊下镇")] == ["jinshan", "langxia"]
    assert [e for _a, _b, e in _ids("连接金山区晨光镇")] == ["jinshan"]


def test_every_style_of_quotation_mark_reads_as_one() -> None:
    assert normalise("「上海制造」『金山』‘枫泾’") == "“上海制造”“金山”“枫泾”"
    brand = [(2, 10, "shanghai-manufacturing-brand")]
    assert _ids("打响「上海制造」品牌") == _ids("打响“上海制造”品牌") == brand


def test_a_title_and_a_named_series_are_names_of_their_own() -> None:
    assert _ids("印发《金山区全面推动转型发展实施方案》") == []
    assert _ids("“高质量发展在申城”系列主题新闻发布会") == []
    assert [e for _a, _b, e in _ids("《金山区》")] == ["jinshan"]  # the title is the name


def test_a_place_before_a_title_of_office_is_the_place() -> None:
    assert [(a, b, e) for a, b, e in _ids("上海市长见证签约")] == [(0, 2, "shanghai")]


def test_gold_files_say_their_split_and_variants(tmp_path: Path) -> None:
    from loader.text.gold import by_graph_names, read_gold_file

    gold = tmp_path / "g.mentions.yaml"
    gold.write_text(
        "split: test\nmentions:\n  - [0, 0, 3, 金山区, jinshan]\n"
        "  - [0, 4, 8, 乐高乐园, lego-resort, variant]\n",
        "utf-8",
    )
    read = read_gold_file(gold)
    assert read.split == "test" and read.variants == {(4, 8, "lego-resort")}
    scores = by_graph_names([(0, 3, "jinshan"), (4, 8, "lego-resort")], read)
    assert (scores.precision, scores.recall, scores.gold) == (1.0, 1.0, 1)
    gold.write_text("split: train\nmentions: []\n", "utf-8")
    result = CliRunner().invoke(app, ["extract", "--evaluate", str(gold)])
    assert result.exit_code != 0 and "split is dev or test, not 'train'" in result.stderr


def test_the_2021_to_2025_pages_are_scored_by_split() -> None:
    """The pages annotated before the extractor ran on them: scored dev and test apart. The
    test pages are never tuned on; their floor here is what the extractor reached when they were
    scored (docs/extraction.md), not the 0.95 the issue asks for, which it does not reach yet."""
    folder = ROOT / "data" / "gold-unseen"
    result = CliRunner().invoke(app, ["extract", "--evaluate", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    splits = {e["split"] for e in out["evaluations"]}
    assert splits == {"dev", "test"} and len(out["evaluations"]) >= 20
    dev, test = out["splits"]["dev"], out["splits"]["test"]
    assert dev["precision"] >= 0.93 and dev["recall"] >= 0.87, dev
    assert test["precision"] >= 0.8 and test["recall"] >= 0.78, test


def test_an_entity_added_after_annotation_neither_helps_nor_hurts(tmp_path: Path) -> None:
    """A gold folder's `known-entities.txt` freezes the graph it was annotated against: a name
    the graph learns later (here from the very page) is not looked for when scoring it."""
    project = tmp_path / "project"
    for part in ("data", "schema", "queries"):
        shutil.copytree(ROOT / part, project / part)
    shutil.copy(ROOT / "kg.toml", project / "kg.toml")
    gold = project / "data" / "gold-unseen"
    page = gold / "jfdaily-2023-07-31-bay-area-science-city.mentions.yaml"

    def scores() -> dict[str, float]:
        args = ["--project", str(project), "extract", "--evaluate", str(page), "--format", "json"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        total: dict[str, float] = json.loads(result.stdout)["evaluation"]
        return total

    before = scores()
    (project / "data" / "entities" / "later.yaml").write_text(  # a made-up entity on the page
        "- {type: Park, id: later-park, name: 首个科技园, name_en: later}\n", "utf-8"
    )
    assert scores() == before
    (project / "data" / "gold-unseen" / "known-entities.txt").unlink()
    unfrozen = scores()  # every later name is now looked for, and the gold holds none of them
    assert unfrozen["precision"] < before["precision"]


def test_a_list_of_known_entities_must_list_some(tmp_path: Path) -> None:
    gold = tmp_path / "g.mentions.yaml"
    gold.write_text("mentions:\n  - [0, 0, 3, 金山区, jinshan]\n", "utf-8")
    (tmp_path / "known-entities.txt").write_text("# nothing yet\n", "utf-8")
    result = CliRunner().invoke(app, ["extract", "--evaluate", str(gold)])
    assert result.exit_code != 0 and "lists no entity id" in result.stderr
