"""N-Triples, N-Quads and TriG written line by line as the quads come: nothing is held.

TriG is written by hand: a default-graph triple as a plain `s p o .` line, a run of triples of
one named graph inside one `<g> { … }` block (a graph may have several blocks; TriG merges
them). Terms are written in their full N-Triples form, which Turtle and TriG read as they are.
Lines go out in batches of about `BATCH` bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from rdflib import Literal, URIRef

from loader.model.outputs import write_all

Quad = tuple[URIRef, URIRef, Any, URIRef | None]

BATCH = 1 << 18
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_MAX_CACHED = 10_000  # predicates and graph names: few, each written many times


def stream_quads(quads: Iterable[Quad], out: IO[bytes], fmt: str) -> int:
    """Write `quads` as n-triples, n-quads or trig; returns how many were written (no triple
    is generated twice, so none needs de-duplication)."""
    with_graph, trig = fmt == "n-quads", fmt == "trig"
    terms: dict[URIRef, str] = {}
    lines: list[str] = []
    size = count = 0
    last_subject: object = None
    subject_text = ""
    block: URIRef | None = None  # the named graph whose TriG block is open
    for s, p, o, g in quads:
        if s is not last_subject:
            last_subject, subject_text = s, s.n3()
        predicate = terms.get(p) or _remember(terms, p)
        triple = f"{subject_text} {predicate} {_object(o)}"
        if trig:
            if g != block:
                if block is not None:
                    lines.append("}\n")
                if g is not None:
                    lines.append(f"{terms.get(g) or _remember(terms, g)} {{\n")
                block = g
            line = f"  {triple} .\n" if g is not None else f"{triple} .\n"
        elif with_graph and g is not None:
            line = f"{triple} {terms.get(g) or _remember(terms, g)} .\n"
        else:
            line = f"{triple} .\n"
        lines.append(line)
        size += len(line)
        count += 1
        if size >= BATCH:
            write_all(out, "".join(lines).encode("utf-8"))
            lines, size = [], 0
    if block is not None:
        lines.append("}\n")
    if lines:
        write_all(out, "".join(lines).encode("utf-8"))
    return count


def _object(term: Any) -> str:
    """A literal in the N-Triples form (one line: rdflib's `n3()` writes a literal with a line
    break as a long `\"\"\"` string, which N-Triples does not have). The IRIs are the export's
    own, minted from the checked base and ids, so they are written without a second check."""
    kind = type(term)
    if kind is URIRef:
        return f"<{term}>"
    if kind is not Literal:
        return str(term.n3())
    text = '"' + str(term).translate(_ESCAPES) + '"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype is not None else text


def _remember(terms: dict[URIRef, str], term: URIRef) -> str:
    if len(terms) >= _MAX_CACHED:
        terms.clear()
    text = terms[term] = term.n3()
    return text
