"""Numbers with their units in a sentence, as values of the entity they qualify: a unit names
the property (公里 -> a km property of the entity's label), the word before the number chooses
among several (投资 -> investment_cny), and 约 or 以上 bound it."""

from __future__ import annotations

import re
from typing import Any

from loader.model.schema import Schema
from loader.text.spots import CLAUSE_ENDS, Spot, clause_break, topic

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
    "座车站": (1, "stations"),
    "个车站": (1, "stations"),
}
SPEED_WORD = "时速"  # 时速可达160公里: kilometres an hour, not kilometres
SPEED_REACH = 6  # characters between 时速 and its number
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


def values(text: str, spots: list[Spot], schema: Schema, when: str | None) -> list[dict[str, Any]]:
    """A number with a unit, as the value of the nearest entity before it in its clause (or of
    the entity it qualifies, 19亿元的 X), where that entity's label has exactly one property of
    that unit."""
    values = []
    for match in NUMBER.finditer(text):
        factor, unit = UNITS[match.group(3)]
        if unit == "km" and SPEED_WORD in text[max(0, match.start() - SPEED_REACH) : match.start()]:
            unit = "km/h"
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
    if before and not clause_break(text, before[-1].end, start):
        return before[-1]
    if before:  # a clause naming nothing: the sentence's topic (…，全线新设14座车站)
        clause = max(text.rfind(ch, 0, start) for ch in CLAUSE_ENDS) + 1
        return topic(text, clause, before)
    return None
