"""Saved analysis queries: `queries/*.cypher`, each with a header Browser and the CLI both read.

Header: `// Title` on the first line (Browser's favorite name), then description lines, the
query's scope `// @scope curated|gazetteer|both` (the curated graph, the divisions of the
gazetteer, or both), then per parameter `// @param name: what it is` and
`// :param name => <example>` (the example is JSON, which Browser's `:param` also reads, and is
the default). Saved queries only read: they run in READ access mode, after an EXPLAIN has shown
the server plans no write. The folder is read by the rule of `data/` (regular files only, each
under `MAX_QUERY_BYTES`), and a `:param` value, here or in `-p`, is bounded by `json_value`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from loader.model.bounded_json import OutOfBounds, json_value
from loader.model.dataset import data_files
from loader.model.errors import ConfigError, UsageError
from loader.model.problems import Problem
from loader.model.readers import read_text
from loader.neo4j.cypher import QueryResult, run_cypher
from loader.neo4j.graph import Graph

_PARAM_DOC = re.compile(r"^@param\s+([A-Za-z_]\w*)\s*:\s*(.*)$")
_PARAM_EXAMPLE = re.compile(r"^:param\s+([A-Za-z_]\w*)\s*=>\s*(.+)$")
_SCOPE = re.compile(r"^@scope\b\s*(.*)$")
SCOPES = ("curated", "gazetteer", "both")
_PARAM_USE = re.compile(r"\$([A-Za-z_]\w*)")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
MAX_QUERY_BYTES = 1024 * 1024  # a saved query is a page of Cypher; /dev/zero stops here


@dataclass(frozen=True)
class Parameter:
    name: str
    example: Any
    description: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    parameters: dict[str, Parameter]
    text: str
    path: Path
    ordered: bool = field(default=False)
    scope: str = "curated"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "scope": self.scope,
            "description": self.description,
            "parameters": [
                {"name": p.name, "example": p.example, "description": p.description}
                for p in self.parameters.values()
            ],
        }


def parse_query(path: Path) -> SavedQuery:
    """One saved query; a file that cannot be read (not a regular file, over `MAX_QUERY_BYTES`,
    not UTF-8) or a malformed header is a `ConfigError` naming the file and line."""
    text, problems = read_text(path, str(path), limit=MAX_QUERY_BYTES)
    if text is None:
        raise _refused(problems)
    lines = text.splitlines()
    if not lines or not lines[0].startswith("//") or not lines[0][2:].strip():
        raise ConfigError(f"{path}:1: a saved query starts with `// Title`")
    title = lines[0][2:].strip()
    description: list[str] = []
    docs: dict[str, str] = {}
    examples: dict[str, Any] = {}
    scope: str | None = None
    for number, line in enumerate(lines[1:], start=2):
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        if declared := _SCOPE.match(body):
            scope = _scope(declared.group(1).strip(), scope, f"{path}:{number}")
        elif doc := _PARAM_DOC.match(body):
            docs[doc.group(1)] = doc.group(2).strip()
        elif example := _PARAM_EXAMPLE.match(body):
            where = f"{path}:{number}: the example of ${example.group(1)}"
            try:
                examples[example.group(1)] = json_value(example.group(2))
            except OutOfBounds as exc:
                raise ConfigError(f"{where}: {exc}") from None
            except ValueError:
                raise ConfigError(f"{where} must be JSON") from None
        elif body:
            description.append(body)
    used = set(_PARAM_USE.findall(_code(text)))
    for name in sorted(used - examples.keys()):
        raise ConfigError(f"{path}: ${name} is used but has no `// :param {name} => …` line")
    if scope is None:
        raise ConfigError(f"{path}: the header must declare `// @scope {'|'.join(SCOPES)}`")
    parameters = {name: Parameter(name, examples[name], docs.get(name, "")) for name in examples}
    return SavedQuery(
        name=path.stem,
        title=title,
        description=" ".join(description),
        parameters=parameters,
        text=text,
        path=path,
        ordered=_ends_ordered(text),
        scope=scope,
    )


def _scope(value: str, earlier: str | None, where: str) -> str:
    """What the query reads: the curated graph, the gazetteer's divisions, or both."""
    if earlier is not None:
        raise ConfigError(f"{where}: the scope is declared twice")
    if value not in SCOPES:
        raise ConfigError(f"{where}: @scope must be one of {', '.join(SCOPES)}, not {value[:40]!r}")
    return value


def _code(text: str) -> str:
    """The query without comment lines and string literals, for looking at its structure."""
    cypher = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return _STRING.sub("''", cypher)


def _ends_ordered(text: str) -> bool:
    """True when the last clause that shapes the rows is an ORDER BY (perhaps before LIMIT)."""
    clauses = re.split(r"\b(RETURN|UNION)\b", _code(text))
    return bool(re.search(r"\bORDER\s+BY\b", clauses[-1], re.IGNORECASE))


QUERY_NAME = re.compile(r"[A-Za-z0-9_-]+")  # a file name, a favorite's path, a URL: nothing else


def _refused(problems: list[Problem]) -> ConfigError:
    more = len(problems) - 1
    return ConfigError(str(problems[0]) + (f" (and {more} more)" if more else ""))


def _query_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The `*.cypher` files of `folder` by the rule of `data/`: regular files, sorted; anything
    else (a FIFO, a device, a dangling symlink) is a problem, never opened. No folder, none."""
    if not folder.is_dir():
        return []
    return [path for path in data_files(folder, problems, (".cypher",)) if path.suffix == ".cypher"]


def list_queries(folder: Path) -> list[SavedQuery]:
    """The saved queries of `folder`; a file that is not a regular one is refused, as in
    `data/`, and so is one whose name is not a query name (it would otherwise reach the
    favorites archive as a path)."""
    problems: list[Problem] = []
    paths = _query_files(folder, problems)
    if problems:
        raise _refused(problems)
    for path in paths:
        if not QUERY_NAME.fullmatch(path.stem):
            raise ConfigError(f"{path}: a saved query's name is letters, digits, - and _ only")
    return [parse_query(path) for path in paths]


def get_query(name: str, folder: Path) -> SavedQuery:
    """The saved query `name`; only its own file is read (another one, broken, does not stop it)."""
    path = folder / f"{name}.cypher"
    if not QUERY_NAME.fullmatch(name) or not os.path.lexists(path):  # a FIFO is refused on read
        names = [p.stem for p in _query_files(folder, []) if QUERY_NAME.fullmatch(p.stem)]
        raise UsageError(f"no saved query {name!r}; known: {', '.join(names)}")
    return parse_query(path)


def bind(query: SavedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Given parameters over the examples; an unknown one is an error naming the expected."""
    unknown = sorted(set(given) - set(query.parameters))
    if unknown:
        expected = ", ".join(query.parameters) or "none"
        raise UsageError(
            f"unknown parameter {', '.join(unknown)} for {query.name}; expected: {expected}"
        )
    return {name: given.get(name, p.example) for name, p in query.parameters.items()}


def run_saved(graph: Graph, query: SavedQuery, given: dict[str, Any] | None = None) -> QueryResult:
    """Run a saved query read-only: refused unless its plan only reads the graph."""
    params = bind(query, given or {})
    return run_cypher(graph, query.text, params, what=f"saved query {query.name!r}")


def cypher_literal(value: Any) -> str:
    """A JSON-like value as a Cypher literal (for Browser links, where no $params are set)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    raise ConfigError(f"cannot write {type(value).__name__} as a Cypher literal")


def with_literals(query: SavedQuery, values: dict[str, Any] | None = None) -> str:
    """The query text with each $parameter replaced by its value as a literal.

    Comment lines and string literals are left as they are; only code outside strings changes.
    """
    params = bind(query, values or {})
    out: list[str] = []
    for line in query.text.splitlines():
        if line.lstrip().startswith("//"):
            out.append(line)
            continue
        pieces, last = [], 0
        for match in _STRING.finditer(line):
            pieces.append(_substitute(line[last : match.start()], params))
            pieces.append(match.group(0))
            last = match.end()
        pieces.append(_substitute(line[last:], params))
        out.append("".join(pieces))
    return "\n".join(out) + "\n"


def _substitute(code: str, params: dict[str, Any]) -> str:
    return _PARAM_USE.sub(
        lambda m: cypher_literal(params[m.group(1)]) if m.group(1) in params else m.group(0), code
    )


def browser_link(query: SavedQuery, base_url: str) -> str:
    """A URL that opens Neo4j Browser with this query in the editor, ready to run.

    Browser's editor runs one statement at a time with results (a `:param` line before it would
    make a multi-statement run, which shows no rows), so the example values are written in as
    literals; the `:param` lines stay in the header for use with favorites.
    """
    return base_url.rstrip("/") + "/?cmd=edit&arg=" + quote(with_literals(query), safe="")
