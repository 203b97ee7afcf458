"""Text: from source documents to mentions of known entities.

- `extract`: sentences, mentions robust to spun and Traditional text, candidate names, scores.
- `gold`: the hand-annotated mentions the extraction is evaluated against.
"""
