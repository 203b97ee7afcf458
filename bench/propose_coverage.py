"""How many of the facts a page states does `kg propose` propose? (issue 26, item 3)

For each page of data/gold-unseen/ with a reader's list of the facts it states
(`propose/<page>.facts.txt`, written before the tool ran there: `sentence | from | TYPE | to`,
an entity by its id or by its name as the page writes it), runs the proposer against the graph
as it was when the pages were annotated (`known-entities.txt`: a fact the graph learnt later from
the same page would otherwise be "proposed" from memory) and counts the rows that a proposed
fact, corroboration or value states. Prints each split's totals; with `--rows`, each dev row
(the test split's rows are never printed: it is not tuned on).

    .venv/bin/python bench/propose_coverage.py [--rows]

Whether a proposal is right is a reader's judgment, not this script's: see
`propose/SUMMARY-2.txt` and docs/extraction.md.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.model.dataset import Dataset  # noqa: E402
from loader.model.workspace import Workspace  # noqa: E402
from loader.text.extract import Matcher, extract, surface_forms  # noqa: E402
from loader.text.gold import read_gold_file  # noqa: E402
from loader.text.normalise import normalise  # noqa: E402
from loader.text.propose import propose, stub_id  # noqa: E402

GOLD = ROOT / "data" / "gold-unseen"
DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


def as_annotated(dataset: Dataset, known: frozenset[str]) -> Dataset:
    keep = known | dataset.sources.keys()
    return replace(
        dataset,
        entities={k: e for k, e in dataset.entities.items() if k in keep},
        relations=[r for r in dataset.relations if r.start in keep and r.end in keep],
    )


def stated_rows(page: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (GOLD / "propose" / f"{page}.facts.txt").read_text("utf-8").splitlines():
        fields = [part.strip() for part in line.split("#")[0].split("|")]
        if len(fields) >= 4:
            rows.append((fields[1], fields[2], fields[3]))
    return rows


def main(rows_wanted: bool) -> None:
    workspace = Workspace.at(ROOT)
    schema = workspace.schema
    full = workspace.dataset
    totals: dict[str, list[int]] = {}
    for gold_file in sorted(GOLD.glob("*.mentions.yaml")):
        page = gold_file.name.removesuffix(".mentions.yaml")
        if not (GOLD / "propose" / f"{page}.facts.txt").exists():
            continue
        gold = read_gold_file(gold_file)
        dataset = as_annotated(full, gold.known) if gold.known else full
        names = {
            normalise(name): entity.id
            for entity in dataset.entities.values()
            for name in [entity.name, *entity.properties.get("aliases", [])]
        }
        assert gold.text is not None
        text = gold.text.read_text("utf-8")
        day = DAY.search(page)
        published = date(int(day[1]), int(day[2]), int(day[3])) if day else None
        matcher = Matcher(surface_forms(dataset, schema))
        found = propose(extract(text, dataset, page, matcher), dataset, schema, published)
        proposed = set()
        for statement in found.statements:
            proposed |= {(f["from"], f["type"], str(f["to"])) for f in statement.facts}
            proposed |= {(a, t, b) for a, t, b in statement.corroborates}
            proposed |= {
                (v["entity"], v["property"], _number(v["value"])) for v in statement.values
            }

        key = _keys(dataset, names)

        split = gold.split or "none"
        count = totals.setdefault(split, [0, 0, 0])
        count[2] += len(proposed)
        for start, types, end in stated_rows(page):
            hit = any(
                (key(start), t, key(end)) in proposed or (key(start), t, _number(end)) in proposed
                for t in types.split("/")
            )
            count[0] += 1
            count[1] += hit
            if rows_wanted and split == "dev":
                print(f"{'proposed' if hit else 'missed  '}  {page[:24]}  {start} {types} {end}")
    for split, (stated, hits, proposals) in sorted(totals.items()):
        print(f"{split}: {hits} of {stated} stated facts proposed; {proposals} proposals in all")


def _keys(dataset: Dataset, names: dict[str, str]) -> Callable[[str], str]:
    """A row's entity as the proposer keys it: an id, a name the graph holds, or a stub."""

    def key(name: str) -> str:
        if name in dataset.entities:
            return name
        return names.get(normalise(name), stub_id(normalise(name)))

    return key


def _number(value: object) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


if __name__ == "__main__":
    main("--rows" in sys.argv)
