"""Claims: the value of a cited property, with the sentence that states it and when it held.

A number or a status is a fact like a relation: some source states it, on some day. A facts
file gives it under the sentence that states it (`values: [[yexin-road, length_km, 2.24]]`, or
a mapping with `as_of`, `start_date`, `end_date`, `undated`, `note`). Each claim becomes an
entity of the schema's claim label, linked from its subject by the claim type, so that loads,
exports and queries carry the citation like any other node; the subject carries the value of
its latest claim, so `e.length_km` answers at once and the claims answer "says who, since when".
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from loader.model.dataset import (
    Dataset,
    Entity,
    FactRecord,
    Record,
    Relation,
    Statement,
    fact_records,
)
from loader.model.problems import Fault, Problem
from loader.model.properties import PropertySpec, checked_properties, hint
from loader.model.schema import Schema

DATES = ("start_date", "as_of", "end_date")  # the order a claim's date is taken in
SUBJECT_KEYS = ("entity", "value")  # what a claim record holds besides the claim's properties
# What a curator may write on a value; the rest of a claim (its id, name, unit, sources,
# whether it is current) is derived, so a name, an alias or an identifier cannot ride on it.
WRITTEN = frozenset(
    {*SUBJECT_KEYS, "property", *DATES, "undated", "qualifier", "note", "confidence",
     "uncertain", "sentence", "source"}
)  # fmt: skip
TIME_HINT = "give as_of, start_date or end_date (ISO dates), or undated: true with a note"


def sentence_problem(props: dict[str, Any], dataset: Dataset) -> Fault | None:
    """Why a citation does not stand: an unknown source, or a sentence not in its text."""
    source = dataset.sources.get(props["source"])
    if source is None:
        return Fault(code="unknown-source", message=f"unknown source {props['source']!r}")
    if props["sentence"] not in source.text:
        return Fault(
            code="sentence-not-in-source",
            message=f"sentence not found verbatim in source {props['source']!r}",
        )
    return None


def time_problem(props: dict[str, Any], what: str, timed: bool) -> Fault | None:
    """Why a fact's dates do not stand: an end before the start, `undated` with a date or
    without a note, or (for a timed fact) no date at all."""
    start, end = props.get("start_date"), props.get("end_date")
    if start and end and end < start:
        return Fault(
            code="end-before-start", message=f"{what}: end_date {end} is before start_date {start}"
        )
    dated = any(props.get(key) for key in DATES)
    if props.get("undated") is True:
        if dated:
            return Fault(code="undated-yet-dated", message=f"{what}: undated, yet dated; keep one")
        if props.get("note"):
            return None
        return Fault(
            code="undated-without-note", message=f"{what}: undated needs a note saying why"
        )
    if dated or not timed:
        return None
    return Fault(code="undated-timed-fact", message=f"{what} is qualified in time: {TIME_HINT}")


def cited_fields(
    record: Record, fields: dict[Any, Any], specs: dict[str, PropertySpec], problems: list[Problem]
) -> dict[Any, Any]:
    """An entity record's fields without its cited properties, each of which is a problem: a
    cited value comes from a claim, with its sentence, not from the entity's own record."""
    out = {}
    for key, value in fields.items():
        spec = specs.get(str(key))
        if spec is not None and spec.cited:
            problems.append(
                Problem(
                    record.file,
                    record.values.line_of(key),
                    code="cited-property-in-entity",
                    message=f"{key} is a cited property: state it in a facts file under the "
                    f"sentence that states it (values: [[id, {key}, value]])",
                )
            )
        else:
            out[key] = value
    return out


def add_claims(
    read: list[Statement], schema: Schema, dataset: Dataset, problems: list[Problem]
) -> None:
    """Check every claim of the facts files, add it (and its link) to `dataset`, and give each
    subject the values of its latest claims."""
    records = list(fact_records(read, problems, "values"))
    kinds = schema.claims()
    if kinds is None:
        for record in records:
            no_claims = "this schema has no claims"
            problems.append(
                Problem(
                    record.file, record.values.line, code="no-claims-in-schema", message=no_claims
                )
            )
        return
    latest: dict[tuple[str, str], list[tuple[str, Any, Entity]]] = {}
    for record in records:
        claim = _claim(record, kinds, schema, dataset, problems)
        if claim is None:
            continue
        entity, subject, value = claim
        dataset.entities[entity.id] = entity
        provenance = {
            "source": entity.properties["sources"][0],
            "sentence": entity.properties["sentence"],
        }
        dataset.relations.append(
            Relation(subject, kinds[1], entity.id, provenance, entity.location)
        )
        day = next((entity.properties[k] for k in DATES if entity.properties.get(k)), "")
        latest.setdefault((subject, entity.properties["property"]), []).append((day, value, entity))
    for (subject, prop), claims in latest.items():
        claims.sort(key=lambda c: c[0])
        _rivals(subject, prop, claims, problems)
        day, value, _latest = claims[-1]
        dataset.entities[subject].properties[prop] = value
        for other_day, other_value, other in claims:
            other.properties["current"] = (other_day, other_value) == (day, value)


def _rivals(
    subject: str, prop: str, claims: list[tuple[str, Any, Entity]], problems: list[Problem]
) -> None:
    """Two values of one property on one day (or both undated) cannot both hold."""
    first: dict[str, tuple[Any, Entity]] = {}
    for day, value, entity in claims:
        seen = first.setdefault(day, (value, entity))
        if seen[0] != value:
            problems.append(
                Problem(
                    entity.location.file,
                    entity.location.line,
                    code="conflicting-values",
                    message=f"{subject} {prop}: {value!r} and {seen[0]!r} ({seen[1].location}) "
                    f"both hold {'on ' + day if day else 'undated'}; date them or drop one",
                )
            )


def _claim(
    record: FactRecord,
    kinds: tuple[str, str],
    schema: Schema,
    dataset: Dataset,
    problems: list[Problem],
) -> tuple[Entity, str, Any] | None:
    """(the claim entity, its subject's id, the typed value), or None with the problems."""
    values, file, line = record.values, record.file, record.values.line
    subject, prop = values.get("entity"), values.get("property")
    label = kinds[0]
    if not isinstance(subject, str) or subject not in dataset.entities:
        known = hint(str(subject), dataset.entities)
        unknown = f"value of unknown entity {subject!r}{known}"
        problems.append(Problem(file, line, code="dangling-endpoint", message=unknown))
        return None
    subject_label = dataset.label_of(subject)
    spec = schema.node_properties(subject_label).get(str(prop))
    if spec is None or not spec.cited:
        cited = {name: s for name, s in schema.node_properties(subject_label).items() if s.cited}
        problems.append(
            Problem(
                file,
                values.line_of("property"),
                code="not-a-cited-property",
                message=f"{subject_label} has no cited property {prop!r}{hint(str(prop), cited)}"
                + (f" (cited: {', '.join(cited)})" if cited else ""),
            )
        )
        return None
    extra = sorted(str(k) for k in values if k not in WRITTEN)
    if extra:
        carried = f"a value cannot carry {extra[0]!r}"
        problems.append(
            Problem(file, values.line_of(extra[0]), code="unknown-property", message=carried)
        )
        return None
    value, error = spec.coerce(values.get("value"))
    if error:
        wrong_value = f"{subject} {prop}: {error}"
        problems.append(
            Problem(file, values.line_of("value"), code="bad-value", message=wrong_value)
        )
        return None
    fields = {k: v for k, v in values.items() if k not in SUBJECT_KEYS}
    fields.setdefault("sentence", record.sentence)
    fields.setdefault("source", record.source)
    fields = {k: v for k, v in fields.items() if v is not None}
    source = fields.pop("source", None)
    if not isinstance(source, str) or not source:
        unsourced = "a value needs its statement's `source`"
        problems.append(Problem(file, line, code="missing-property", message=unsourced))
        return None
    fields["sources"] = [source]
    shown, unit = _shown(value), f" {spec.unit}" if spec.unit else ""
    fields |= {"value": shown, **({"unit": spec.unit} if spec.unit else {})}
    key = "|".join(str(fields.get(k, "")) for k in ("sources", "sentence", "value", *DATES))
    digest = hashlib.blake2b(key.encode(), digest_size=4).hexdigest()
    claim_id = f"claim-{subject}-{str(prop).replace('_', '-')}-{digest}"
    fields |= {"id": claim_id, "name": f"{dataset.entities[subject].name} {prop} {shown}{unit}"}
    specs = schema.node_properties(label)
    props = checked_properties(Record(values, file), fields, specs, problems, owner=label)
    if props is None:
        return None
    wrong = sentence_problem({"source": source, "sentence": props["sentence"]}, dataset)
    if wrong is not None:
        at = record.sentence_line if "sentence" not in values else values.line_of("sentence")
        problems.append(wrong.at(file, at))
        return None
    wrong = time_problem(props, f"{subject} {prop}", spec.timed)
    if wrong is None and max(str(props.get(k, "")) for k in DATES) > date.today().isoformat():
        wrong = Fault(
            code="dated-in-future",
            message=f"{subject} {prop}: dated after today; a plan is its own value "
            "(opening_year …)",
        )
    if wrong is None and claim_id in dataset.entities:
        first = dataset.entities[claim_id].location
        wrong = Fault(
            code="duplicate-value",
            message=f"{subject} {prop} {shown} is cited twice (first at {first})",
        )
    if wrong is not None:
        problems.append(wrong.at(file, line))
        return None
    return Entity(claim_id, label, props, record.location), subject, value


def _shown(value: Any) -> str:
    """A value as a claim's text: numbers without a needless `.0` or exponent."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)
