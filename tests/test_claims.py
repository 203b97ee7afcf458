"""Values and time: every number and status is a claim with its sentence, timed facts are dated,
and the entity carries its latest value. (The refusals are cases 70-79 of tests/corpus/broken.)"""

from __future__ import annotations

from loader.model.schema import load_schema
from loader.model.validation import load_dataset
from tests.project import DATA, SCHEMA_FILE

DATASET = load_dataset(DATA, load_schema(SCHEMA_FILE))
SCHEMA = load_schema(SCHEMA_FILE)
CLAIM, HAS_CLAIM = SCHEMA.claims() or ("", "")


def _claims(subject: str, prop: str) -> list[dict[str, object]]:
    ids = {r.end for r in DATASET.relations if r.type == HAS_CLAIM and r.start == subject}
    return [
        DATASET.entities[i].properties
        for i in sorted(ids)
        if DATASET.entities[i].properties["property"] == prop
    ]


def test_every_number_a_label_holds_is_cited() -> None:
    for label, spec in SCHEMA.labels.items():
        if "claim" in spec.roles:
            continue
        for prop in spec.properties.values():
            if prop.type in ("integer", "decimal"):
                assert prop.cited, f"{label}.{prop.name}"


def test_each_claim_cites_a_sentence_of_its_source_and_hangs_off_its_subject() -> None:
    claims = [e for e in DATASET.entities.values() if e.label == CLAIM]
    assert len(claims) >= 60
    subjects = {r.end: r.start for r in DATASET.relations if r.type == HAS_CLAIM}
    for claim in claims:
        (source,) = claim.properties["sources"]
        assert claim.properties["sentence"] in DATASET.sources[source].text
        subject = DATASET.entities[subjects[claim.id]]
        assert claim.properties["property"] in SCHEMA.node_properties(subject.label)


def test_the_entity_carries_the_value_of_its_latest_claim() -> None:
    road = DATASET.entities["yexin-road-new-section"].properties
    assert (road["length_km"], road["design_speed_kmh"], road["status"]) == (2.24, 80, "opened")
    claims = _claims("yexin-road-new-section", "lanes")
    lanes = {(c["value"], c.get("as_of"), c["current"]) for c in claims}
    # 2018: four lanes near term (six long term); Xinhua at the opening: two-way six lanes.
    assert lanes == {("4", "2018-11-12", False), ("6", "2020-12-28", True)}
    assert road["lanes"] == 6 and road["lanes_long_term"] == 6
    statuses = sorted(
        (str(c["start_date"]), c["value"])
        for c in _claims("jinshan-railway", "status")
        if c.get("start_date")
    )
    assert statuses == [("2009-08-12", "under_construction"), ("2012-09-28", "operating")]
    assert DATASET.entities["nanfeng-line"].properties["status"] == "under_construction"


def test_timed_facts_are_dated_or_say_why_not() -> None:
    for claim in (e for e in DATASET.entities.values() if e.label == CLAIM):
        spec = SCHEMA.node_properties("Road").get(str(claim.properties["property"]))
        if spec is not None and spec.timed:
            props = claim.properties
            dated = any(props.get(k) for k in ("as_of", "start_date", "end_date"))
            assert dated or (props.get("undated") and props.get("note")), claim.id
    timed = {t for t, spec in SCHEMA.relationships.items() if spec.timed}
    assert {"HOLDS_OFFICE_IN", "POSITIONED_AS"} <= timed
    for relation in DATASET.relations:
        if relation.type in timed:
            props = relation.properties
            assert any(props.get(k) for k in ("as_of", "start_date", "end_date")) or (
                props.get("undated") and props.get("note")
            ), relation.key


def test_targets_aim_at_nothing_by_focus() -> None:
    """A target is aimed at and may concern something; it never focuses on an industry."""
    labels = {e.id: e.label for e in DATASET.entities.values()}
    for relation in DATASET.relations:
        if labels[relation.start] == "Target":
            assert relation.type in ("CONCERNS", HAS_CLAIM), relation.key
    assert "STATED_BY" not in SCHEMA.relationships
