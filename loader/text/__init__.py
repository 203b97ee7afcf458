"""Text: from source documents to mentions of known entities.

- `normalise`: web text made matchable (readings, entities, invisible and full-width characters,
  broken lines, Traditional script), with a map back to the original offsets.
- `extract`: sentences, mentions robust to spun and Traditional text, candidate names.
- `gold`: the hand-annotated mentions the extraction is evaluated against, and the scores.
- `propose`: what a new page says that the graph could hold (relations, values, new names),
  as data for a curator.
"""
