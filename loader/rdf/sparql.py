"""SPARQL over the project's RDF in an embedded store (pyoxigraph): no server, no network.

The export's quads go into an in-memory Oxigraph store. A query's default graph is the union of
all graphs (each relation and its citation sit in its source's named graph; `GRAPH ?g` still
names them), with the export's prefixes declared (`kg:`, `kgo:`, `skos:` …). Only queries run:
the store refuses updates, and `SERVICE`, which would reach across the network, is refused
before the query runs. A parameter is written into the query as a literal in place of its
variable (`?name` or `$name`), escaped, wherever the variable stands outside strings, IRIs and
comments (Oxigraph's own substitution needs the variable projected). Values come back as plain
data: numbers and booleans typed, dates and strings as text, IRIs as their text, unbound None.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from loader.model.errors import QueryFailed, UsageError
from loader.rdf.stream import Quad, stream_quads
from loader.rdf.vocab import PREFIXES, Names

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + t
    for t in [
        "integer",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
_FLOATS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
# What may hold a keyword or a variable's name without being one: comments, strings and IRIs.
_NOT_KEYWORDS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
)
_TOKENS = re.compile(_NOT_KEYWORDS + r"|(?P<variable>[?$][A-Za-z_][A-Za-z0-9_]*)")
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class SparqlResult:
    """A SELECT's variables and rows; an ASK is one row `ask`; a CONSTRUCT or DESCRIBE gives
    rows `subject`, `predicate`, `object`."""

    columns: list[str]
    rows: list[dict[str, Any]]


def sparql_store(quads: Iterable[Quad]) -> ox.Store:
    """An in-memory store holding `quads` (written as N-Quads, read in one go)."""
    buffer = io.BytesIO()
    stream_quads(quads, buffer, "n-quads")
    store = ox.Store()
    store.bulk_load(buffer.getvalue(), format=ox.RdfFormat.N_QUADS)
    return store


def run_sparql(store: ox.Store, query: str, params: dict[str, Any], names: Names) -> SparqlResult:
    """Run one SPARQL query; `params` bind its variables (`?name` or `$name`) before it runs."""
    bare = _TOKENS.sub(lambda m: m.group(0) if m.group("variable") else " ", query)
    if _SERVICE.search(bare):
        raise UsageError("SERVICE is refused: the query reads the project's graph, no network")
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    prefixes |= {"kgo": str(names.ontology), "kg": names.base + "id/"}
    try:
        answer = store.query(
            with_parameters(query, params), prefixes=prefixes, use_default_graph_as_union=True
        )
    except SyntaxError as exc:
        raise UsageError(f"SPARQL: {' '.join(str(exc).split())}") from None
    except (OSError, RuntimeError, ValueError) as exc:  # what evaluation raises
        raise QueryFailed(f"SPARQL: {' '.join(str(exc).split())}") from None
    if isinstance(answer, ox.QueryBoolean):
        return SparqlResult(["ask"], [{"ask": bool(answer)}])
    if isinstance(answer, ox.QueryTriples):
        columns = ["subject", "predicate", "object"]
        rows = [
            {
                "subject": value_of(t.subject),
                "predicate": value_of(t.predicate),
                "object": value_of(t.object),
            }
            for t in answer
        ]
        return SparqlResult(columns, rows)
    columns = [variable.value for variable in answer.variables]
    rows = [{name: value_of(solution[name]) for name in columns} for solution in answer]
    return SparqlResult(columns, rows)


def value_of(term: Any) -> Any:
    """A term as plain data: int, float, bool, text (dates, strings, IRIs) or None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _FLOATS:
                return float(term.value)
        except ValueError:  # an ill-typed literal stays text
            return term.value
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def with_parameters(query: str, params: dict[str, Any]) -> str:
    """The query with each parameter's variable replaced by its value as a literal."""
    literals = {name: _literal(name, value) for name, value in params.items()}
    used: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        variable = match.group("variable")
        if variable is None or variable[1:] not in literals:
            return match.group(0)
        used.add(variable[1:])
        return literals[variable[1:]]

    text = _TOKENS.sub(replace, query)
    for name in params:
        if name not in used:
            raise UsageError(f"parameter {name!r} is not a variable of the query (?{name})")
    return text


def _literal(name: str, value: Any) -> str:
    """A parameter's value as a SPARQL literal: text, an integer, a double or a boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f'"{value}"^^<{_XSD}integer>'
    if isinstance(value, float):
        return f'"{value!r}"^^<{_XSD}double>'
    if isinstance(value, str):
        return '"' + value.translate(_ESCAPES) + '"'
    raise UsageError(f"parameter {name!r}: SPARQL takes text, numbers and booleans only")
