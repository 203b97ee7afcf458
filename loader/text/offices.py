"""Offices: a person named right after a title (书记, 区长, 总经理 …) that follows an
organisation holds that office there (金山区委书记刘健); a person the graph lacks is recognised
where a common family name follows a title and the name ends where a clause or a verb of speech
or attendance begins (总经理申振胜表示). The relationship type is the schema's `office` one."""

from __future__ import annotations

import re
from typing import Any

from loader.model.schema import Schema
from loader.text.extract import Extraction
from loader.text.normalise import normalise, normalise_mapped
from loader.text.spots import CLAUSE_ENDS, Spot

# The last words of a title of office, and the relationship a person after one has with the
# organisation before it (金山区委书记刘健, 久事集团副总裁刘纯洁).
OFFICE_ENDS = (
    "书记", "常委", "区长", "市长", "县长", "镇长", "主任", "董事长", "总经理", "经理", "总裁",
    "局长", "科长", "院长", "主席", "部长",
)  # fmt: skip
OFFICE_GAP = 10  # characters of title between the organisation and the person
# Common family names (Simplified): after a title they begin a person's name of two or three
# characters, which ends where a clause or a verb of speech or attendance begins.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤申"
)
PERSON = re.compile(
    f"(?:{'|'.join(OFFICE_ENDS)})([{SURNAMES}][\u4e00-\u9fff]{{1,2}}?)"
    "(?=[，,、。；;：:（(]|表示|说|介绍|指出|强调|致辞|出席|主持|会见|一行|在|等|与|和)"
)


def office_type(schema: Schema) -> tuple[str, str] | None:
    """The relationship type with the `office` role and the one label that holds it."""
    for rel_type in schema.types_with_role("office"):
        holders = {start for start, _end in schema.relationships[rel_type].pairs}
        if len(holders) == 1:
            return rel_type, holders.pop()
    return None


def person_names(extraction: Extraction, holder: str | None) -> list[str]:
    """Each name after a title that the graph does not hold, once, as names are matched (劉健
    on a Traditional page is 刘健, as the page's other new names are); none where the schema
    has no office."""
    if holder is None:
        return []
    known = {(m.start, m.end) for m in extraction.mentions}
    norm = normalise_mapped(extraction.text)
    found: list[str] = []
    for match in PERSON.finditer(norm.text):
        start, end = norm.original_span(*match.span(1))
        name = match.group(1)
        if not any(a < end and start < b for a, b in known) and name not in found:
            found.append(name)
    return found


def offices(
    text: str, spots: list[Spot], schema: Schema
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(person, office type, organisation, {role}) where a person follows a title that follows
    the organisation (金山区委副书记、区长李泽龙: the role as the page writes it, Simplified)."""
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    office = office_type(schema)
    if office is None:
        return found
    rel_type, holder = office
    for at, person in enumerate(spots):
        if at == 0 or person.label != holder:
            continue
        org = spots[at - 1]
        title = normalise(text[org.end : person.start])
        if (
            0 < len(title) <= OFFICE_GAP
            and title.endswith(OFFICE_ENDS)
            and not any(ch in CLAUSE_ENDS for ch in title)
            and schema.allows(person.label, rel_type, org.label)
        ):
            found.append((person.entity_id, rel_type, org.entity_id, {"role": title}))
    return found
