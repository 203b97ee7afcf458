"""`kg sparql`: a SPARQL query over the project's RDF, in an embedded store (no server).

The curated data is validated and turned into the export's quads (the ontology included) once
per command; a query file's `# :param name => value` lines give its parameters' defaults, as
the saved Cypher's `:param` lines do, and `-p` overrides them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from loader.model.errors import ConfigError, UsageError
from loader.model.readers import read_text
from loader.model.workspace import Workspace
from loader.rdf.export import dataset_quads
from loader.rdf.sparql import SparqlResult, run_sparql, sparql_store
from loader.rdf.vocab import Names

PARAM_LINE = re.compile(r"^#\s*:param\s+([A-Za-z_]\w*)\s*=>\s*(.+)$")


def sparql_text(query: str | None, file: Path | None) -> tuple[str, dict[str, Any]]:
    """The query (an argument or a file) and the parameter defaults its header lines give."""
    if (query is None) == (file is None):
        raise UsageError("give the SPARQL as an argument, `-` for stdin, or --file FILE (one)")
    if file is None:
        assert query is not None
        return query, {}
    text, problems = read_text(file, str(file))
    if text is None:
        raise ConfigError(str(problems[0]))
    return text, header_params(text, str(file))


def header_params(text: str, origin: str) -> dict[str, Any]:
    """`# :param name => value` lines of the leading comment block, the value in JSON as in
    the saved Cypher's header."""
    found: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            break  # the query begins: its text is not the header
        if match := PARAM_LINE.match(line.strip()):
            try:
                found[match.group(1)] = json.loads(match.group(2))
            except ValueError:
                raise ConfigError(f"{origin}:{number}: the :param value is not JSON") from None
            except RecursionError:
                raise ConfigError(f"{origin}:{number}: the :param value nests too deep") from None
    return found


def run_sparql_query(
    workspace: Workspace, text: str, params: dict[str, Any], base: str | None = None
) -> SparqlResult:
    names = Names.configured(base)
    store = sparql_store(dataset_quads(workspace.dataset, workspace.schema, names))
    return run_sparql(store, text, params, names)
