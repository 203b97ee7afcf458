"""Does a Chinese segmenter improve the extractor's name boundaries? (issue 26, item 1)

Scores the extractor on the older gold files and the dev pages, as it is and with every hit kept
only where jieba (run offline) cuts at both of its ends: with the graph's surface forms added to
jieba's dictionary at its suggested frequency (`dict`), or with jieba's own dictionary alone
(`none`). jieba is not a dependency of the project; install it to run this:

    .venv/bin/pip install jieba==0.42.1
    .venv/bin/python bench/segmenter.py dict
    .venv/bin/python bench/segmenter.py none

The test pages are not scored here: the decision is taken on dev. Results in docs/extraction.md.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.model.workspace import Workspace  # noqa: E402
from loader.text import extract as x  # noqa: E402
from loader.text.gold import Scores, evaluate, read_gold_file, total  # noqa: E402


class CutMatcher(x.Matcher):
    """The matcher's hits, kept only where the segmenter cuts at both ends."""

    def __init__(self, forms: dict[str, str], jieba: Any) -> None:
        super().__init__(forms)
        self.jieba = jieba

    def find(self, text: str) -> list[tuple[int, int, str]]:
        bounds, position = {0}, 0
        for token in self.jieba.cut(text, HMM=True):
            position += len(token)
            bounds.add(position)
        return [h for h in super().find(text) if h[0] in bounds and h[1] in bounds]


def scores(folder: Path, split: str | None, workspace: Workspace, matcher: x.Matcher) -> Scores:
    found = []
    for path in sorted(folder.glob("*.mentions.yaml")):
        gold = read_gold_file(path)
        if split is not None and gold.split != split:
            continue
        assert gold.text is not None
        text = gold.text.read_text("utf-8-sig")
        got = x.extract(text, workspace.dataset, gold.document or "", matcher)
        found.append(evaluate([m.key() for m in got.mentions], set(gold.mentions)))
    return total(found)


def main(mode: str) -> None:
    jieba = importlib.import_module("jieba")
    jieba.setLogLevel(logging.WARNING)
    workspace = Workspace.at(ROOT)
    forms = x.surface_forms(workspace.dataset, workspace.schema)
    if mode == "dict":
        for form in forms:
            jieba.add_word(form)
    matchers = {"plain": x.Matcher(forms), f"jieba ({mode})": CutMatcher(forms, jieba)}
    for folder, split in ((ROOT / "data" / "gold", None), (ROOT / "data" / "gold-unseen", "dev")):
        for name, matcher in matchers.items():
            s = scores(folder, split, workspace, matcher)
            print(
                f"{folder.name} {split or 'all'} {name}: P {s.precision} R {s.recall} "
                f"({s.true_positives} of {s.predicted} found, {s.gold} in gold)"
            )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dict")
