"""A Mermaid diagram of the model as the data uses it: labels joined by their relationship types.

Derived from the validated dataset, so the picture in docs/curation.md cannot drift from the data.
"""

from __future__ import annotations

from loader.model.dataset import Dataset


def mermaid(dataset: Dataset) -> str:
    pairs: dict[tuple[str, str], set[str]] = {}
    for relation in dataset.relations:
        key = (dataset.label_of(relation.start), dataset.label_of(relation.end))
        pairs.setdefault(key, set()).add(relation.type)
    lines = ["flowchart LR"]
    for (start, end), types in sorted(pairs.items()):
        lines.append(f"  {start} -->|{' / '.join(sorted(types))}| {end}")
    return "\n".join(lines) + "\n"
