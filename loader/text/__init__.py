"""Text: from source documents to mentions of known entities.

- `normalise`: web text made matchable (readings, entities, invisible and full-width characters,
  broken lines, Traditional script), with a map back to the original offsets.
- `extract`: sentences, mentions robust to spun and Traditional text, candidate names.
- `gold`: the hand-annotated mentions the extraction is evaluated against, and the scores.
- `propose`: what a new page says that the graph could hold (relations, values, new names),
  as data for a curator; reading, on
- `spots`: the entities at their places in a sentence and the clauses around them,
- `quantities`: numbers with units as values of the entity they qualify, and
- `offices`: people after a title, and the office they hold in the organisation before it.
"""
