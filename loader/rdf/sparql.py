"""SPARQL over the project's RDF in an embedded store (pyoxigraph): no server, no network.

The export's quads go into an in-memory Oxigraph store, each named graph's triples also into the
default graph: a query without `FROM` sees every triple (each relation and its citation sit in
its source's named graph), `GRAPH ?g` still names the source and `FROM <g>` reads one graph.
The export's prefixes are declared (`kg:`, `kgo:`, `skos:` …). Only queries run: the store
refuses updates, and `SERVICE`, which would reach across the network, is refused before the
query runs, found both by rdflib's SPARQL parser and by a scan of the query's tokens (strings,
IRIs, comments and prefixed names as Oxigraph reads them), so neither parser's gaps let it
through. A parameter is written into the query as a literal in place of its variable (`?name`
or `$name`), escaped, wherever the variable stands as a token (Oxigraph's own substitution
needs the variable projected). Values come back as plain data: integers and booleans typed,
decimals and doubles as floats, dates and strings as text, IRIs as their text, unbound None.
At most `MAX_ROWS` rows are read: a query that would give more is refused (LIMIT it).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from loader.model.errors import ConfigError, QueryFailed, UsageError
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
MAX_ROWS = 100_000
# What may hold a keyword or a variable's name without being one, as SPARQL's grammar reads
# them: long and short strings, IRIs (anything but <>"{}|^`\ and controls or space), comments,
# and prefixed names and blank-node labels, whose local part may hold escapes (`kg:a\#`).
_NOT_KEYWORDS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|(?:[^\W\d][\w.\-]*)?:(?:[\w.:%\-]|\\[_~.\-!$&'()*+,;=/?#@%])*"
)
_TOKENS = re.compile(_NOT_KEYWORDS + r"|(?P<variable>[?$]\w+)")
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True)
class SparqlResult:
    """A SELECT's variables and rows; an ASK is one row `ask`; a CONSTRUCT or DESCRIBE gives
    rows `subject`, `predicate`, `object`."""

    columns: list[str]
    rows: list[dict[str, Any]]


def sparql_store(quads: Iterable[Quad]) -> ox.Store:
    """An in-memory store holding `quads`, each named graph's also in the default graph."""
    buffer = io.BytesIO()
    stream_quads(_also_in_default(quads), buffer, "n-quads")
    store = ox.Store()
    try:
        store.bulk_load(buffer.getvalue(), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:  # an IRI the export minted is not one (a base given by hand)
        raise ConfigError(f"the graph's RDF is not valid: {' '.join(str(exc).split())}") from None
    return store


def _also_in_default(quads: Iterable[Quad]) -> Iterable[Quad]:
    for s, p, o, g in quads:
        yield s, p, o, g
        if g is not None:
            yield s, p, o, None


def refuse_service(query: str) -> None:
    """`SERVICE` (a query sent to another endpoint) anywhere in the query: refused."""
    bare = _TOKENS.sub(lambda m: m.group(0) if m.group("variable") else " ", query)
    bare = re.sub(r"[?$]\w+", " ", bare)
    if _SERVICE.search(bare) or _parsed_service(query):
        raise UsageError("SERVICE is refused: the query reads the project's graph, no network")


def _parsed_service(query: str) -> bool:
    """Whether rdflib's parser finds a SERVICE pattern (False when it cannot parse the query:
    the token scan still looks)."""
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(query)
    except Exception:  # any failure to parse leaves the scan to decide
        return False
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)
    return False


def run_sparql(store: ox.Store, query: str, params: dict[str, Any], names: Names) -> SparqlResult:
    """Run one SPARQL query; `params` bind its variables (`?name` or `$name`) before it runs."""
    text = with_parameters(query, params)
    refuse_service(text)
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    prefixes |= {"kgo": str(names.ontology), "kg": names.base + "id/"}
    try:
        answer = store.query(text, prefixes=prefixes)
    except SyntaxError as exc:
        raise UsageError(f"SPARQL: {' '.join(str(exc).split())}") from None
    except UnicodeError:
        raise UsageError("SPARQL: the query is not valid Unicode text") from None
    except (OSError, RuntimeError, ValueError) as exc:  # what evaluation raises
        raise QueryFailed(f"SPARQL: {' '.join(str(exc).split())}") from None
    result, failure = _read(answer)
    del answer  # dropped here: Oxigraph's results may not be freed on another thread
    if failure is not None:
        raise QueryFailed(failure)
    assert result is not None
    return result


def _read(answer: Any) -> tuple[SparqlResult | None, str | None]:
    """The answer read whole, or why not. The answer is read lazily, so evaluation fails while
    rows are read, too; no exception leaves here, so no traceback keeps the answer alive (a
    garbage collection on another thread would then drop it there, which Oxigraph refuses)."""
    try:
        return _answer(answer), None
    except QueryFailed as exc:
        return None, str(exc)
    except (OSError, RuntimeError, ValueError) as exc:
        return None, f"SPARQL: {' '.join(str(exc).split())}"


def _answer(answer: Any) -> SparqlResult:
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
            for t in _bounded(answer)
        ]
        return SparqlResult(columns, rows)
    columns = [variable.value for variable in answer.variables]
    rows = [{name: value_of(solution[name]) for name in columns} for solution in _bounded(answer)]
    return SparqlResult(columns, rows)


def _bounded(answer: Iterable[Any]) -> Iterable[Any]:
    for count, item in enumerate(answer):
        if count == MAX_ROWS:
            raise QueryFailed(f"SPARQL: more than {MAX_ROWS} rows: LIMIT the query")
        yield item


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
