"""What a string must be to reach Neo4j and to name an entity: the rules validation applies.

Every string must be Unicode scalar values (a lone surrogate cannot be encoded for the driver).
Names, aliases and ids must be in NFC and free of invisible characters (controls, bidi
controls, zero-width and other format characters), and `fold` is the key under which two names
count as the same: NFKC (width, compatibility ideographs and letters) with format characters
removed. Case is not folded, as the alias check has never folded it.
"""

from __future__ import annotations

import unicodedata

# Besides the schema's key: the properties that name an entity.
NAME_PROPERTIES = frozenset({"name", "name_en", "aliases"})
# Controls (C0, DEL, C1), format characters (bidi controls, zero-width, BOM, soft hyphen) and
# the line and paragraph separators: invisible, or breaking a line, inside a name.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


RESERVED_DATASET = "*"  # the name of the database-wide lease: no dataset may take it


def dataset_name_problem(name: str) -> str | None:
    """Why `name` may not name a dataset (in dataset.yaml, or an RDF file's identifier), or
    None: the rules of a name, not empty, and not the reserved `*`."""
    if name == RESERVED_DATASET:
        return f"{RESERVED_DATASET!r} is reserved (the lease of the whole database)"
    if not name.strip() or scalar_problem(name):
        return "must be a non-empty string of valid Unicode"
    return name_problem(name)


def _code(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def scalar_problem(text: str) -> str | None:
    """Why `text` is not a sequence of Unicode scalar values, or None."""
    for index, ch in enumerate(text):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return f"not valid Unicode: lone surrogate U+{ord(ch):04X} at character {index + 1}"
    return None


def name_problem(text: str) -> str | None:
    """Why `text` may not be a name, alias or id (beyond being a valid string), or None."""
    for index, ch in enumerate(text):
        if unicodedata.category(ch) in INVISIBLE_CATEGORIES:
            return (
                f"invisible or control character {_code(ch)} at character {index + 1} "
                "(names and ids may hold no control, bidi, zero-width or format character)"
            )
    normal = unicodedata.normalize("NFC", text)
    if normal != text:
        index = next(
            (i for i, (a, b) in enumerate(zip(text, normal, strict=False)) if a != b),
            min(len(text), len(normal)),
        )
        found = _code(text[index]) if index < len(text) else "the end"
        return f"not in Unicode NFC ({found} at character {index + 1} differs); write {normal!r}"
    return None


def fold(text: str) -> str:
    """The key two names share when a reader could not tell them apart."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)
    return unicodedata.normalize("NFKC", visible)
