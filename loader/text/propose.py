"""From a new page to a reviewable change: what it says that the graph could hold.

`kg propose` reads a page as `kg extract` does and proposes, sentence by sentence:
- new entities: the candidate names, with a label guessed from their head (the schema's
  `heads` of each label: 公路 for a road …);
- a relation between two entities of one clause where a trigger word between them states a
  relationship type (its `zh` word, `triggers` or `triggers_reversed` in the schema) and the
  schema allows the pair's labels; the entity before the word is the start, those after it the ends;
- a number with a unit after an entity, as a value of the entity's property with that unit;
- a date: the sentence's own (2021年9月29日, or 9月29日 in the page's year), else the page's
  publication day, as `as_of` (a day on which the page states the fact held).
What the graph already holds is proposed under `corroborates:` (kept, the page becomes one more
source of it: the relation's `corroborated_by`). Nothing is written to the graph: the result is
data a curator edits.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from loader.model.dataset import Dataset
from loader.model.schema import Schema
from loader.text.extract import Extraction

CLAUSE_ENDS = "，。；;！？!?\n,"
ENUMERATION = set("、和与及并 ")  # between the names of a list: A、B和C
SUBJECT_GAP = 6  # characters between a relation's start and its trigger (将全力 打造)
OBJECT_GAP = 4  # and between the trigger and its first end (打造成为 …)
# Words that end the text before a new name: a candidate's name starts after them.
LEADING_WORDS = (
    "标志着", "建设", "打造", "推进", "新建", "设立", "成立", "举办", "启动", "落户", "成为",
    "作为", "加快", "全力", "聚力", "位于", "依托", "聚焦", "企业", "旗下",
)  # fmt: skip
MIN_STEM = 2  # characters of a proposed name before its head (市委 is no name)
OWNER_GAP = 3  # a number before its entity: 总投资约19亿元的 X
# Where a label has several properties of a unit, the word before the number picks one by a part
# of its name (投资 -> investment_cny, 境内 -> length_in_jinshan_km).
PROPERTY_WORDS = {
    "投资": "investment",
    "营收": "revenue",
    "收入": "revenue",
    "产值": "output",
    "境内": "in_jinshan",
    "远期": "long_term",
    "设计": "design",
    "最高": "max",
}
# A number, its bound and its unit: the unit's factor and the schema's unit name.
UNITS: dict[str, tuple[float, str]] = {
    "平方公里": (1, "km2"),
    "平方千米": (1, "km2"),
    "公里/小时": (1, "km/h"),
    "km/h": (1, "km/h"),
    "公里": (1, "km"),
    "千米": (1, "km"),
    "km": (1, "km"),
    "亿美元": (1e8, "USD"),
    "万美元": (1e4, "USD"),
    "亿元": (1e8, "CNY"),
    "万元": (1e4, "CNY"),
    "车道": (1, "lanes"),
}
NUMBER = re.compile(
    r"(约|近|超过|超|逾|达)?(\d+(?:\.\d+)?)\s*("
    + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
    + r")(以上|左右)?"
)
QUALIFIERS = {
    "约": "about",
    "左右": "about",
    "近": "about",
    "超过": "at_least",
    "超": "at_least",
    "逾": "at_least",
    "以上": "at_least",
}
FULL_DATE = re.compile(r"(20\d{2})年(\d{1,2})月(\d{1,2})日")
DAY = re.compile(r"(?<![0-9年])(\d{1,2})月(\d{1,2})日")


@dataclass(frozen=True)
class Spot:
    """An entity, known or proposed, at a place in a sentence (offsets in the sentence)."""

    start: int
    end: int
    entity_id: str
    label: str


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
    held = {r.key for r in dataset.relations}
    words = triggers(schema)
    out = Proposals(extraction.document, [s for s, _l in stubs.values()], [])
    for sentence in extraction.sentences:
        spots = _spots(sentence.sentence.text, sentence, dataset, stubs)
        when = _when(sentence.sentence.text, published)
        statement = Statement(sentence.sentence.text)
        for start, rel_type, end in _relations(sentence.sentence.text, spots, words, schema):
            if (start, rel_type, end) in held:  # the page becomes one more source of it
                statement.corroborates.append([start, rel_type, end])
                out.held += 1
                continue
            fact: dict[str, Any] = {"from": start, "type": rel_type, "to": end}
            if when:
                fact["as_of"] = when
            statement.facts.append(fact)
        statement.values.extend(_values(sentence.sentence.text, spots, schema, when))
        if statement.facts or statement.values or statement.corroborates:
            out.statements.append(statement)
    return out


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


def _trimmed(name: str) -> str:
    """The name after the last leading word in it (标志着上海湾区科创城 -> 上海湾区科创城)."""
    cut = 0
    for verb in LEADING_WORDS:
        at = name.rfind(verb)
        if at >= 0 and at + len(verb) < len(name) - 2:
            cut = max(cut, at + len(verb))
    return name[cut:]


def _spots(
    text: str,
    sentence: Any,
    dataset: Dataset,
    stubs: dict[str, tuple[dict[str, Any], str]],
) -> list[Spot]:
    """The known entities mentioned in the sentence and the proposed ones named in it."""
    base = sentence.sentence.start
    spots = [
        Spot(m.start - base, m.end - base, m.entity_id, dataset.label_of(m.entity_id))
        for m in sentence.mentions
    ]
    for name, (stub, label) in stubs.items():
        at = text.find(name)
        while at >= 0:
            spots.append(Spot(at, at + len(name), str(stub["id"]), label))
            at = text.find(name, at + len(name))
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
    if not before or start - before[-1].end > SUBJECT_GAP:
        return []
    if _clause_break(text, before[-1].end, start):
        return []
    subject = before[-1]
    ends: list[Spot] = []
    at, gap = end, OBJECT_GAP
    for spot in (s for s in spots if s.start >= end):
        between = text[at : spot.start]
        if len(between) > gap or _clause_break(text, at, spot.start):
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


def _clause_break(text: str, start: int, end: int) -> bool:
    return any(ch in CLAUSE_ENDS for ch in text[start:end])


def _values(text: str, spots: list[Spot], schema: Schema, when: str | None) -> list[dict[str, Any]]:
    """A number with a unit, as the value of the nearest entity before it in its clause (or of
    the entity it qualifies, 19亿元的 X), where that entity's label has exactly one property of
    that unit."""
    values = []
    for match in NUMBER.finditer(text):
        factor, unit = UNITS[match.group(3)]
        owner = _owner(text, match.start(), match.end(), spots)
        if owner is None or owner.label not in schema.labels:
            continue
        fitting = _fitting(schema, owner.label, unit, text[: match.start()])
        if fitting is None:
            continue
        number = float(match.group(2)) * factor
        value: dict[str, Any] = {
            "entity": owner.entity_id,
            "property": fitting,
            "value": int(number) if number.is_integer() else number,
        }
        bound = QUALIFIERS.get(match.group(1) or "") or QUALIFIERS.get(match.group(4) or "")
        if bound:
            value["qualifier"] = bound
        if when:
            value["as_of"] = when
        values.append(value)
    return values


def _fitting(schema: Schema, label: str, unit: str, before: str) -> str | None:
    """The one property of the label with the unit, or the one the words before name."""
    fitting = [p.name for p in schema.node_properties(label).values() if p.unit == unit]
    if len(fitting) > 1:
        said = [part for word, part in PROPERTY_WORDS.items() if word in before[-12:]]
        plain = [p for p in fitting if not any(part in p for part in PROPERTY_WORDS.values())]
        fitting = [p for p in fitting if any(part in p for part in said)] if said else plain
    return fitting[0] if len(fitting) == 1 else None


def _owner(text: str, start: int, end: int, spots: list[Spot]) -> Spot | None:
    after = [s for s in spots if s.start >= end]
    if after and text[end : after[0].start].endswith("的") and after[0].start - end <= OWNER_GAP:
        return after[0]
    before = [s for s in spots if s.end <= start]
    if before and not _clause_break(text, before[-1].end, start):
        return before[-1]
    return None


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
