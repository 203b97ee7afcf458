"""Source documents: their text, their metadata, and their sentences.

Provenance cites sentences verbatim, so the splitter is shared by validation (is the cited sentence
in the source?) and by extraction. A sentence ends at 。！？ (or ! ?) or a line break, and keeps a
closing quote or bracket that follows its end mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』）)]*|\n|$)")


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their character offsets; blank stretches are skipped."""
    sentences: list[Sentence] = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        sentences.append(Sentence(len(sentences), stripped, start, start + len(stripped)))
    return sentences
