"""From text to graph: sentences, mentions of known entities, and candidate new names.

Text is normalised before matching (`normalise`: pinyin readings, entities, invisible and
full-width characters, broken lines, Traditional script), and every match is mapped back, so
offsets and surfaces are always those of the original text. Surface forms are every name and
alias in the graph plus their spun variants, learned from the data itself: where an alias has the
length of its entity's name, the differing stretches are substitutions the spinner made (智能 ->
笨能, 中心 -> 核心 ...), and applying them to other names predicts how a spun copy would write
those. Matching is leftmost-longest, so a name inside a longer known name (金山 in 金山区) is
never a separate hit.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from loader.model.dataset import Dataset
from loader.model.schema import Schema
from loader.model.sources import Sentence, split_sentences
from loader.text.normalise import Normalised, normalise, normalise_mapped

MIN_NAME = 2
MAX_VARIANTS = 16
CANDIDATE_SUFFIXES = (
    "产业园",
    "工业区",
    "园区",
    "中心",
    "公路",
    "铁路",
    "医院",
    "科技城",
    "度假区",
    "走廊",
    "县",
    "镇",
    "科技园",
    "乐园",
    "大道",
    "国道",
    "宣传部",
    "研究院",
    "大会",
    "大厦",
    "公司",
)
# Heads of proper names that are also the first character of common words: a head only where
# the word does not go on (城 but not 城市, 港 but not 港口).
HEADS = (
    "城(?![市区镇乡际中])",
    "开发区",
    "高新区",
    "化工区",
    "示范区",
    "港区",
    "港(?![口澳湾])",
    "站(?![点长台])",
    "(?<![布格大结全开当])局(?![面势部长限])",
    "(?<![常编])委",  # 上海市交通委, 嘉善县委: a place beginning an office's name is part of it
    "板(?![块书式])",  # 科创板: the stock board, not the field
    "集团",
    "分院",
    "石化(?![产行工企基业园])",
    "协会",
    "频道",
    "新闻办",
)
MAX_CANDIDATE = 12  # characters of an unknown name, its head included
LONG_NAMED = {"公司": 20}  # heads of names longer than that (上海张江金山高科技产业开发有限公司)
# A place in brackets before 有限公司 belongs to the company's name: 金海芯半导体(上海)有限公司
COMPANY_PLACE = re.compile("[(（][^()（）]{2,6}[)）](?:有限)?(?:责任)?公司")
# Heads of administrative places: the place before them is a place of its own (金山区廊下镇).
ADMIN_HEADS = ("镇", "县")
TITLE = re.compile("《([^《》]{2,60})》")  # a document's title is a name of its own
# A road's name does not carry the place it runs in: 嘉善县 before 丁枫公路 is a place of its own.
ROAD_SUFFIXES = ("公路", "大道", "国道", "铁路")
ADMIN_ENDS = "省市县区镇"
# “上海制造”品牌, “高质量发展在申城”系列: the quoted term is a name of its own
BRAND = re.compile("“([^“”]{2,12})”(?:品牌|系列)")
OFFICE = re.compile("[市区县镇]长")  # 上海市长: the place is 上海, 市长 a title
BREAKS = set(
    "，。、；：？！,.;:?!“”‘’\"'（）()《》【】—-·的和与及在了将是为对从向把给使到等其这那该并即取让效至"
)


@dataclass(frozen=True)
class Mention:
    sentence: int
    start: int  # offsets into the whole document
    end: int
    surface: str
    entity_id: str
    name: str

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.entity_id)


@dataclass
class SentenceMentions:
    sentence: Sentence
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Candidate:
    name: str
    count: int
    contexts: list[str]


@dataclass
class Extraction:
    document: str
    text: str
    sentences: list[SentenceMentions]
    candidates: list[Candidate]

    @property
    def mentions(self) -> list[Mention]:
        return [m for s in self.sentences for m in s.mentions]


def spin_rules(dataset: Dataset) -> dict[str, set[str]]:
    """Real stretch -> spun stretches, learned from the aliases that spell a name differently and
    are written so in a spun source (a real variant such as 产城融合样板城区 teaches no spin)."""
    spun_texts = [
        source.text
        for source_id, source in dataset.sources.items()
        if source_id in dataset.entities and dataset.entities[source_id].properties.get("spun")
    ]
    rules: dict[str, set[str]] = {}
    for entity in dataset.entities.values():
        name = entity.name
        for alias in entity.properties.get("aliases", []):
            if len(alias) != len(name) or alias == name or not any(alias in t for t in spun_texts):
                continue
            for real, spun in _differing_stretches(name, alias):
                rules.setdefault(real, set()).add(spun)
    return rules


def _differing_stretches(a: str, b: str) -> list[tuple[str, str]]:
    stretches, start = [], None
    for i, (x, y) in enumerate(zip(a + "\0", b + "\0", strict=True)):
        if x != y and start is None:
            start = i
        elif x == y and start is not None:
            if i - start <= 3:  # longer differences are different names, not a spin
                stretches.append((a[start:i], b[start:i]))
            start = None
    return stretches


def surface_forms(dataset: Dataset, schema: Schema) -> dict[str, str]:
    """Every normalised name, alias and learned spun variant -> the one entity it names
    (source documents are not looked for in text)."""
    unnamed = schema.unnamed()
    rules = spin_rules(dataset)
    claimed: dict[str, set[str]] = {}
    for entity in dataset.entities.values():
        if entity.label in unnamed:
            continue
        for form in {entity.name, *entity.properties.get("aliases", [])}:
            for variant in _variants(normalise(form), rules):
                if len(variant) >= MIN_NAME:
                    claimed.setdefault(variant, set()).add(entity.id)
    # A form two entities could claim is ambiguous: keep only exact names and aliases for it.
    exact = {
        normalise(f): e.id
        for e in dataset.entities.values()
        if e.label not in unnamed
        for f in {e.name, *e.properties.get("aliases", [])}
    }
    return {
        form: (next(iter(ids)) if len(ids) == 1 else exact[form])
        for form, ids in claimed.items()
        if len(ids) == 1 or form in exact
    }


def _variants(form: str, rules: dict[str, set[str]]) -> set[str]:
    found = {form}
    if len(form) < 4:  # short names are too easy to hit by accident
        return found
    options = [(real, spun) for real, spuns in rules.items() for spun in spuns if real in form]
    for size in range(1, len(options) + 1):
        for combo in itertools.combinations(options, size):
            variant = form
            for real, spun in combo:
                variant = variant.replace(real, spun)
            found.add(variant)
            if len(found) >= MAX_VARIANTS:
                return found
    return found


class Matcher:
    """The segmentation into known names that covers the most text, then uses the fewest names
    (so the longest), then takes the leftmost: 上海金山区 is 上海 + 金山区, not 上海金山 + 区."""

    def __init__(self, forms: dict[str, str]) -> None:
        self.forms = forms
        self.lengths = sorted({len(f) for f in forms}, reverse=True)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        n = len(text)
        best: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (characters covered, -names) from i
        step = [0] * (n + 1)  # the length of the name taken at i, 0 to skip i
        for i in range(n - 1, -1, -1):
            best[i] = best[i + 1]
            for length in self.lengths:
                if i + length <= n and text[i : i + length] in self.forms:
                    covered, names = best[i + length]
                    option = (covered + length, names - 1)
                    if option > best[i] or (option == best[i] and step[i] == 0):
                        best[i], step[i] = option, length
        hits, i = [], 0
        while i < n:
            if step[i]:
                hits.append((i, i + step[i], self.forms[text[i : i + step[i]]]))
                i += step[i]
            else:
                i += 1
        return hits


def extract(text: str, dataset: Dataset, document: str, matcher: Matcher) -> Extraction:
    """Mentions found in the normalised text, reported at their spans of `text`, in the
    sentence (of `text`) where they begin."""
    norm = normalise_mapped(text)
    hits = _titles_apart(matcher.find(norm.text), norm.text, matcher.forms)
    found_candidates, candidate_spans = candidates(text, norm, hits, matcher.forms)
    sentences = [SentenceMentions(s) for s in split_sentences(text)]
    starts = [s.sentence.start for s in sentences]
    for start, end, entity_id in hits:
        if any(a <= start and end <= b and (a, b) != (start, end) for a, b in candidate_spans):
            continue  # a known name inside an unknown longer one is no hit
        a, b = norm.original_span(start, end)
        place = sentences[max(bisect_right(starts, a) - 1, 0)]
        place.mentions.append(
            Mention(
                sentence=place.sentence.index,
                start=a,
                end=b,
                surface=text[a:b],
                entity_id=entity_id,
                name=dataset.entities[entity_id].name,
            )
        )
    return Extraction(document, text, sentences, found_candidates)


def source_extractions(dataset: Dataset, schema: Schema) -> Iterator[Extraction]:
    """The extraction of every source text of the dataset, in id order, with one matcher."""
    matcher = Matcher(surface_forms(dataset, schema))
    for source in sorted(dataset.sources.values(), key=lambda s: s.id):
        yield extract(source.text, dataset, source.id, matcher)


def _titles_apart(
    hits: list[tuple[int, int, str]], text: str, forms: dict[str, str]
) -> list[tuple[int, int, str]]:
    """A place before a title of office is the place alone: 上海市长 is 上海 + 市长."""
    out = []
    for start, end, entity_id in hits:
        if OFFICE.match(text, end - 1) and text[start : end - 1] in forms:
            out.append((start, end - 1, forms[text[start : end - 1]]))
        else:
            out.append((start, end, entity_id))
    return out


def candidates(
    text: str, norm: Normalised, known: list[tuple[int, int, str]], forms: dict[str, str]
) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """Names that look like entities (a known suffix after a run of name characters) but are
    not in the graph, with counts and where they occur, for curation; and their spans (in the
    normalised text)."""
    normal = norm.text
    suffix = "|".join([*sorted(map(re.escape, CANDIDATE_SUFFIXES), key=len, reverse=True), *HEADS])
    covered: set[int] = set()
    places = set()  # where a known administrative place name ends
    for a, b, _entity in known:
        covered.update(range(a, b))
        if b - a >= 3 and normal[b - 1] in ADMIN_ENDS:
            places.add(b)
    counts: Counter[str] = Counter()
    contexts: dict[str, list[str]] = {}
    spans: list[tuple[int, int]] = []
    for match in re.finditer(f"(?:{suffix})", normal):
        end = match.end()
        start = match.start()
        if covered.intersection(range(start, end)):
            continue  # part of a known name
        road = match.group(0) in ROAD_SUFFIXES or match.group(0) in ADMIN_HEADS
        longest = LONG_NAMED.get(match.group(0), MAX_CANDIDATE)
        while (
            start > 0
            and end - start < longest
            and normal[start - 1] not in BREAKS
            and not normal[start - 1].isspace()
            and not (road and start in places and match.start() - start >= 2)
        ):
            start -= 1
        while start < match.start() and start in covered and (start - 1) in covered:
            start += 1  # do not begin in the middle of a known name
        name = normal[start:end]
        if len(name) <= len(match.group(0)) or name in forms:
            continue
        spans.append((start, end))
        counts[name] += 1
        a, b = norm.original_span(start, end)
        context = text[max(0, a - 12) : min(len(text), b + 12)].replace("\n", " ")
        contexts.setdefault(name, []).append(context)
    for match in COMPANY_PLACE.finditer(normal):  # no candidate: the company's is reported
        spans.append(match.span())
    for match in TITLE.finditer(normal):
        if match.group(1) not in forms:  # no candidate: a title is not an entity of the graph
            spans.append(match.span(1))
    for match in BRAND.finditer(normal):
        if match.group(1) not in forms:
            spans.append(match.span(1))
            counts[match.group(1)] += 1
            a, b = norm.original_span(*match.span(1))
            contexts.setdefault(match.group(1), []).append(text[max(0, a - 12) : b + 12])
    return [Candidate(n, c, contexts[n][:3]) for n, c in counts.most_common()], spans
