"""Entities at their places in a sentence, and the clauses around them: the ground `kg propose`
reads relations, values and offices on (offsets in the sentence as names are matched)."""

from __future__ import annotations

from dataclasses import dataclass

CLAUSE_ENDS = "，。；;！？!?\n,"
ENUMERATION = set("、和与及并 ")  # between the names of a list: A、B和C
TOPIC_START = 6  # the entity that opens a sentence begins within its first characters


@dataclass(frozen=True)
class Spot:
    """An entity, known or proposed, at a place in a sentence (offsets in the sentence)."""

    start: int
    end: int
    entity_id: str
    label: str


def topic(text: str, start: int, before: list[Spot]) -> Spot | None:
    """The sentence's topic, for a clause that begins with its trigger and names no subject
    (南枫线全长95.67公里，途经奉贤区…): the entity that opens the sentence, the last of the names
    written together there (市域铁路南枫线: 南枫线; 金山区廊下镇: 廊下镇)."""
    clause = max(text.rfind(ch, 0, start) for ch in CLAUSE_ENDS) + 1
    if text[clause:start].strip() or before[0].start > TOPIC_START:
        return None
    at = 0
    while at + 1 < len(before) and before[at + 1].start == before[at].end:
        at += 1
    first = before[at]
    return None if first.end > clause else first


def clause_break(text: str, start: int, end: int) -> bool:
    return any(ch in CLAUSE_ENDS for ch in text[start:end])
