"""From a new page to a reviewable change: what it says that the graph could hold.

`kg propose` reads a page as `kg extract` does and proposes, sentence by sentence:
- new entities: the candidate names, with a label guessed from their head (the schema's
  `heads` of each label: 公路 for a road …);
- a relation between two entities of one clause where a trigger word between them states a
  relationship type (its `zh` word, `triggers` or `triggers_reversed` in the schema) and the
  schema allows the pair's labels; the entity before the word is the start, those after it the ends;
- a place written right after the place it lies in, as lying there (金山区廊下镇);
- a number with a unit after an entity, as a value of the entity's property with that unit
  (`quantities`);
- an office, and a stub for a person the graph lacks (`offices`);
- a date: the sentence's own (2021年9月29日, or 9月29日 in the page's year), else the page's
  publication day, as `as_of` (a day on which the page states the fact held).
What the graph already holds is proposed under `corroborates:` (kept, the page becomes one more
source of it: the relation's `corroborated_by`). Nothing is written to the graph: the result is
data a curator edits.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from loader.model.dataset import Dataset
from loader.model.schema import Schema
from loader.text.extract import Extraction
from loader.text.normalise import Normalised, normalise, normalise_mapped
from loader.text.offices import office_type, offices, person_names
from loader.text.quantities import values
from loader.text.spots import ENUMERATION, Spot, clause_break, topic

SUBJECT_GAP = 6  # characters between a relation's start and its trigger (将全力 打造)
TOPIC_OBJECT_GAP = 1  # and a clause with the topic as subject names its end at once
OBJECT_GAP = 4  # and between the trigger and its first end (打造成为 …)
# Words that end the text before a new name: a candidate's name starts after them.
LEADING_WORDS = (
    "标志着", "建设", "打造", "推进", "新建", "设立", "成立", "举办", "启动", "落户", "成为",
    "作为", "加快", "全力", "聚力", "位于", "依托", "聚焦", "企业", "旗下",
)  # fmt: skip
MIN_STEM = 2  # characters of a proposed name before its head (市委 is no name)
FULL_DATE = re.compile(r"(20\d{2})年(\d{1,2})月(\d{1,2})日")
DAY = re.compile(r"(?<![0-9年])(\d{1,2})月(\d{1,2})日")


@dataclass
class Statement:
    sentence: str
    facts: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)
    corroborates: list[list[str]] = field(default_factory=list)  # relations the graph holds


@dataclass
class Proposals:
    document: str
    entities: list[dict[str, Any]]  # stubs of the new names
    statements: list[Statement]
    held: int = 0  # proposals the graph already holds: the page corroborates them

    def facts(self) -> int:
        return sum(len(s.facts) for s in self.statements)

    def values(self) -> int:
        return sum(len(s.values) for s in self.statements)


@dataclass(frozen=True)
class Word:
    """A word that states a relationship type; `reversed_`: its end comes first (X 落户 Y)."""

    text: str
    rel_type: str
    reversed_: bool = False


def triggers(schema: Schema) -> list[Word]:
    """The words stating each relationship type, longest first: its `zh` word and its
    `triggers` and `triggers_reversed` in the schema."""
    found: dict[str, Word] = {}
    for name, spec in schema.relationships.items():
        for text in (spec.zh, *spec.triggers):
            if len(text) >= 2:
                found.setdefault(text, Word(text, name))
        for text in spec.triggers_reversed:
            found[text] = Word(text, name, reversed_=True)
    return sorted(found.values(), key=lambda word: -len(word.text))


def heads(schema: Schema) -> list[tuple[str, str]]:
    """(head, label) of the schema's name heads, longest first."""
    found = [(head, label) for label, spec in schema.labels.items() for head in spec.heads]
    return sorted(found, key=lambda item: -len(item[0]))


def stub_id(name: str) -> str:
    """A stable ASCII key for a proposed entity (the same name, the same key), for the curator
    to rename."""
    return f"proposed-{hashlib.blake2b(name.encode('utf-8'), digest_size=4).hexdigest()}"


def propose(
    extraction: Extraction, dataset: Dataset, schema: Schema, published: date | None
) -> Proposals:
    """The proposals of one extracted page; `published` dates what the page states undated."""
    stubs = _stubs(extraction, schema)
    holder = office_type(schema)
    for name in person_names(extraction, holder[1] if holder else None):
        if holder and name not in stubs:
            note = f"proposed from {extraction.document}: a name after a title of office"
            stub = {"type": holder[1], "id": stub_id(name), "name": name, "note": note}
            stubs[name] = (stub, holder[1])
    held = {r.key for r in dataset.relations}
    words = triggers(schema)
    out = Proposals(extraction.document, [s for s, _l in stubs.values()], [])
    proposed: set[tuple[str, str, str]] = set()  # a page states or corroborates a fact once
    for sentence in extraction.sentences:
        statement = Statement(sentence.sentence.text)
        # read as names are matched: Simplified, readings and entities gone (途經(jīng) -> 途经)
        norm = normalise_mapped(sentence.sentence.text)
        text = norm.text
        spots = _spots(norm, sentence, dataset, stubs)
        when = _when(text, published)
        found: list[tuple[str, str, str, dict[str, Any]]] = [
            (start, rel_type, end, {})
            for start, rel_type, end in [
                *_relations(text, spots, words, schema),
                *_nested_places(text, spots, schema),
            ]
        ]
        found += offices(text, spots, schema)
        for start, rel_type, end, extra in found:
            if (start, rel_type, end) in proposed:
                continue
            proposed.add((start, rel_type, end))
            if (start, rel_type, end) in held:  # the page becomes one more source of it
                statement.corroborates.append([start, rel_type, end])
                out.held += 1
                continue
            fact: dict[str, Any] = {"from": start, "type": rel_type, "to": end, **extra}
            if when:
                fact["as_of"] = when
            statement.facts.append(fact)
        statement.values.extend(values(text, spots, schema, when))
        if statement.facts or statement.values or statement.corroborates:
            out.statements.append(statement)
    return out


def _in_normalised(spots: list[Spot], norm: Normalised) -> list[Spot]:
    """The spots at their places in the normalised sentence (each keeps the characters whose
    original span lies inside its own)."""
    moved = []
    for spot in spots:
        start = bisect_left(norm.starts, spot.start)
        end = bisect_right(norm.ends, spot.end)
        if start < end:
            moved.append(Spot(start, end, spot.entity_id, spot.label))
    return moved


def _stubs(extraction: Extraction, schema: Schema) -> dict[str, tuple[dict[str, Any], str]]:
    """Name -> (entity stub, label) of each candidate whose head suggests a label."""
    stubs: dict[str, tuple[dict[str, Any], str]] = {}
    known_heads = heads(schema)
    for candidate in extraction.candidates:
        name = _trimmed(candidate.name)
        head, label = next(((h, lb) for h, lb in known_heads if name.endswith(h)), ("", ""))
        if not label or len(name) - len(head) < MIN_STEM or name in stubs:
            continue
        stub = {
            "type": label,
            "id": stub_id(name),
            "name": name,
            "note": f"proposed from {extraction.document}: the label is guessed from its head",
        }
        stubs[name] = (stub, label)
    return stubs


def _nested_places(text: str, spots: list[Spot], schema: Schema) -> list[tuple[str, str, str]]:
    """(inner, containment, outer) where a place is written right after the place it lies in
    (金山区廊下镇, 浙江平湖): the one after, and those listed with it (金山区廊下镇、吕巷镇), lie in
    the one before, if both are of labels a thing can lie in."""
    contained = schema.type_for("containment")
    places = {end for _start, end in schema.relationships[contained].pairs}
    found: list[tuple[str, str, str]] = []
    for at, (outer, inner) in enumerate(itertools.pairwise(spots)):
        if outer.end != inner.start or not {outer.label, inner.label} <= places:
            continue
        listed = [inner]
        for spot in spots[at + 2 :]:
            between = set(text[listed[-1].end : spot.start])
            if spot.label != inner.label or not between <= ENUMERATION:
                break
            listed.append(spot)
        found += [
            (spot.entity_id, contained, outer.entity_id)
            for spot in listed
            if spot.entity_id != outer.entity_id
            and schema.allows(spot.label, contained, outer.label)
        ]
    return found


def _trimmed(name: str) -> str:
    """The name after the last leading word in it (标志着上海湾区科创城 -> 上海湾区科创城)."""
    cut = 0
    for verb in LEADING_WORDS:
        at = name.rfind(verb)
        if at >= 0 and at + len(verb) < len(name) - 2:
            cut = max(cut, at + len(verb))
    return name[cut:]


def _spots(
    norm: Normalised,
    sentence: Any,
    dataset: Dataset,
    stubs: dict[str, tuple[dict[str, Any], str]],
) -> list[Spot]:
    """The known entities mentioned in the sentence and the proposed ones named in it, at their
    places in the normalised sentence (a stub's name is found as names are matched, so a
    Traditional page places its Simplified candidates)."""
    base = sentence.sentence.start
    spots = _in_normalised(
        [
            Spot(m.start - base, m.end - base, m.entity_id, dataset.label_of(m.entity_id))
            for m in sentence.mentions
        ],
        norm,
    )
    text = norm.text
    for name, (stub, label) in stubs.items():
        form = normalise(name)
        at = text.find(form) if form else -1
        while at >= 0:
            spots.append(Spot(at, at + len(form), str(stub["id"]), label))
            at = text.find(form, at + len(form))
    spots.sort(key=lambda s: (s.start, -s.end))
    kept: list[Spot] = []
    for spot in spots:  # a proposed name over a known one wins where they overlap
        if kept and spot.start < kept[-1].end:
            continue
        kept.append(spot)
    return kept


def _relations(
    text: str, spots: list[Spot], words: list[Word], schema: Schema
) -> list[tuple[str, str, str]]:
    """(start, type, end) for each trigger with an entity before it and after it in its clause."""
    found: list[tuple[str, str, str]] = []
    taken: set[int] = set()
    for word in words:
        at = text.find(word.text)
        while at >= 0:
            end = at + len(word.text)
            span = set(range(at, end))
            if not span & taken and not any(s.start < end and at < s.end for s in spots):
                taken |= span
                found.extend(_around(text, _Trigger(word, at, end), spots, schema))
            at = text.find(word.text, at + 1)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class _Trigger:
    word: Word
    start: int
    end: int


def _around(
    text: str, trigger: _Trigger, spots: list[Spot], schema: Schema
) -> list[tuple[str, str, str]]:
    """The relation's start is the entity just before the trigger (within SUBJECT_GAP); its ends
    the list of entities right after it (the first within OBJECT_GAP, the others joined by
    、 和 与 及)."""
    start, end, rel_type = trigger.start, trigger.end, trigger.word.rel_type
    before = [s for s in spots if s.end <= start]
    if not before:
        return []
    subject, gap = before[-1], OBJECT_GAP
    if start - subject.end > SUBJECT_GAP or clause_break(text, subject.end, start):
        opening = topic(text, start, before)
        if opening is None:
            return []
        # the topic's clause names its first end right after the word (途经临港新片区、…),
        # not after a noun the word makes (连接工作由金山区负责)
        subject, gap = opening, TOPIC_OBJECT_GAP
    ends: list[Spot] = []
    at = end
    for spot in (s for s in spots if s.start >= end):
        between = text[at : spot.start]
        if len(between) > gap or clause_break(text, at, spot.start):
            break
        if ends and not set(between) <= ENUMERATION:
            break
        ends.append(spot)
        at, gap = spot.end, 2
    pairs = [(other, subject) if trigger.word.reversed_ else (subject, other) for other in ends]
    return [
        (a.entity_id, rel_type, b.entity_id)
        for a, b in pairs
        if a.entity_id != b.entity_id and schema.allows(a.label, rel_type, b.label)
    ]


def _when(text: str, published: date | None) -> str | None:
    """The sentence's own day (a day without a year is in the page's year), else the page's."""
    full = FULL_DATE.search(text)
    try:
        if full:
            return date(int(full[1]), int(full[2]), int(full[3])).isoformat()
        day = DAY.search(text)
        if day and published:
            return date(published.year, int(day[1]), int(day[2])).isoformat()
    except ValueError:  # 2月30日: no such day; the page's date stands
        pass
    return published.isoformat() if published else None
