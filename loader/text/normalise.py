"""Normalised text with a map back to the original, so mentions found in clean text keep the
offsets and surfaces of the page they came from.

Web pages add things a name does not have: inline pinyin readings after characters (經(jīng)濟,
國(guó)道), HTML entities, zero-width and other format characters, full-width ASCII, compatibility
ideographs and Kangxi radicals, dashes of every width and quotation marks of every style, line
breaks inside a name, and Traditional script. Each pass
below removes or rewrites one of these and carries, for every character it keeps, the span of
the original text it came from.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# One pinyin syllable without tone: initial + final (finals as written in pinyin, ü as ü or v).
_INITIAL = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINAL = (
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|üan|van|ai|ei|ao|ou|an|en|er|in|un|ün|vn|"
    "ia|ie|iu|ua|uo|ui|üe|ve|ue|a|o|e|i|u|ü|v|ng|n|m)"
)
_SYLLABLE = re.compile(f"{_INITIAL}{_FINAL}[1-5]?")
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A reading: lower-case pinyin in ASCII or full-width parentheses (full width is folded first).
_READING = re.compile(f"\\(\\s*([{_PINYIN_LETTERS}1-5' ]{{1,40}}?)\\s*\\)")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};)")
_DASHES = set("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63")  # pages pick any
# Quotation marks of every style are the one pair “”: a quoted name reads the same in any of them.
_QUOTES = {
    "「": "“",
    "『": "“",
    "‘": "“",
    "﹁": "“",
    "﹃": "“",
    "」": "”",
    "』": "”",
    "’": "”",
    "﹂": "”",
    "﹄": "”",
}
_MAX_JOINED_BREAKS = 1  # white space with more line breaks than this is a paragraph: no joining


@dataclass(frozen=True)
class Normalised:
    """`text` and, for each of its characters, the original [start, end) it stands for."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised text[start:end] (a non-empty stretch)."""
        return self.starts[start], self.ends[end - 1]


Chars = list[tuple[str, int, int]]  # a character and the original span it came from


def normalise_mapped(text: str) -> Normalised:
    """The text as names are matched (see the module's map), with its map to `text`."""
    chars = _decode_entities(text)
    chars = _fold_characters(chars)
    chars = _drop_readings(chars)
    chars = _fold_white_space(chars)
    chars = _simplify(chars)
    return Normalised(
        "".join(c for c, _a, _b in chars),
        tuple(a for _c, a, _b in chars),
        tuple(b for _c, _a, b in chars),
    )


def normalise(text: str) -> str:
    """The normalised text alone (for names and aliases of the graph)."""
    return normalise_mapped(text).text


def is_han(ch: str) -> bool:
    """A Han character (unified, any extension), or the ideographic zero."""
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH") or ch == "\u3007"


def _decode_entities(text: str) -> Chars:
    chars: Chars = []
    done = 0
    for match in _ENTITY.finditer(text):
        decoded = html.unescape(match.group(0))
        if decoded == match.group(0):
            continue  # not an entity html knows: leave it as written
        chars.extend((c, i, i + 1) for i, c in enumerate(text[done : match.start()], done))
        chars.extend((c, match.start(), match.end()) for c in decoded)
        done = match.end()
    chars.extend((c, i, i + 1) for i, c in enumerate(text[done:], done))
    return chars


def _fold_characters(chars: Chars) -> Chars:
    """Drop format characters; fold full-width ASCII, compatibility ideographs and radicals."""
    out: Chars = []
    for ch, a, b in chars:
        category = unicodedata.category(ch)
        if category == "Cf":  # zero-width space and joiners, BOM, soft hyphen, bidi marks
            continue
        if category == "Cs":  # a lone surrogate (not from a UTF-8 file, but a str may hold one)
            out.append(("\ufffd", a, b))
            continue
        out.append((_fold(ch), a, b))
    return out


def _fold(ch: str) -> str:
    code = ord(ch)
    if (
        0xFF01 <= code <= 0xFF5E  # full-width ASCII
        or 0x2E80 <= code <= 0x2FDF  # CJK radicals supplement, Kangxi radicals
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x2F800 <= code <= 0x2FA1F  # their supplement
    ):
        folded = unicodedata.normalize("NFKC", ch)
        return folded if len(folded) == 1 else ch
    return "-" if ch in _DASHES else _QUOTES.get(ch, ch)


def _drop_readings(chars: Chars) -> Chars:
    """Remove pinyin readings that follow a Han character (or another reading); the character
    then stands for itself and its readings, so a name ending in 區(qū) has that surface."""
    text = "".join(c for c, _a, _b in chars)
    drop: set[int] = set()
    # A toneless (feng) is a reading only on a page that writes toned ones too: elsewhere
    # 附件(a) or 中心(shanghai) is an enumeration or a gloss, and stays.
    toned = any(_is_reading(m.group(1)) and _has_tone(m.group(1)) for m in _READING.finditer(text))
    for match in _READING.finditer(text):
        before = _last_kept(match.start(), drop)  # 區(qu)(qu): a reading after a reading
        if before < 0 or not is_han(text[before]):
            continue
        if _is_reading(match.group(1)) and (toned or _has_tone(match.group(1))):
            drop.update(range(match.start(), match.end()))
    out: Chars = []
    for i, (ch, a, b) in enumerate(chars):
        if i not in drop:
            out.append((ch, a, b))
        elif out:  # a reading belongs to its character: the character's span covers it
            out[-1] = (out[-1][0], out[-1][1], b)
    return out


def _last_kept(position: int, drop: set[int]) -> int:
    position -= 1
    while position in drop:
        position -= 1
    return position


def _is_reading(inside: str) -> bool:
    """Pinyin: every word splits into syllables once tone marks and digits are set aside, so
    (jīng), (zhong1), (chuàng ) and the toneless (gong) are readings; (www.thepaper.cn),
    (NYSE) and (中国) are not."""
    words = inside.replace("'", " ").split()
    return bool(words) and all(_syllables(_strip_tone_word(w)) for w in words)


def _has_tone(inside: str) -> bool:
    """A tone mark (jīng) or a tone digit (zhong1)."""
    return any(ch.isdigit() or _strip_tone(ch) != ch for ch in inside)


def _strip_tone(ch: str) -> str:
    if ch == "ü":
        return ch
    return unicodedata.normalize("NFD", ch)[0]


def _strip_tone_word(word: str) -> str:
    return "".join(_strip_tone(ch) for ch in word)


@lru_cache(maxsize=4096)
def _syllables(word: str) -> bool:
    """Whether `word` splits into pinyin syllables (longest first, with backtracking)."""
    if not word:
        return True
    for match_end in range(min(len(word), 7), 0, -1):
        piece = word[:match_end]
        if _SYLLABLE.fullmatch(piece) and _syllables(word[match_end:]):
            return True
    return False


def _fold_white_space(chars: Chars) -> Chars:
    """A run of white space becomes one space, or nothing between two Han characters when it
    holds at most one line break (a name broken across lines); paragraphs stay apart."""
    out: Chars = []
    i = 0
    while i < len(chars):
        ch, a, b = chars[i]
        if not ch.isspace():
            out.append((ch, a, b))
            i += 1
            continue
        j = i
        while j < len(chars) and chars[j][0].isspace():
            j += 1
        run = "".join(c for c, _a, _b in chars[i:j]).replace("\r\n", "\n")
        breaks = sum(1 for c in run if c in "\n\r\u2028\u2029")
        joined = (
            out
            and j < len(chars)
            and is_han(out[-1][0])
            and is_han(chars[j][0])
            and breaks <= _MAX_JOINED_BREAKS
        )
        if not joined:
            out.append((" ", a, chars[j - 1][2]))
        i = j
    return out


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def _simplify(chars: Chars) -> Chars:
    """Traditional to Simplified (OpenCC), kept only where it is one character for one."""
    text = "".join(c for c, _a, _b in chars)
    converter = _t2s()
    converted = str(converter.convert(text))  # type: ignore[attr-defined]
    if len(converted) != len(text):  # a phrase rule changed the length: convert char by char
        converted = "".join(_one(converter, ch) for ch in text)
    return [(c, a, b) for c, (_old, a, b) in zip(converted, chars, strict=True)]


def _one(converter: object, ch: str) -> str:
    out = str(converter.convert(ch))  # type: ignore[attr-defined]
    return out if len(out) == 1 else ch
