"""The root `kg` command: global options, the sub-apps and the top-level commands.

Library failures arrive as `KgError`s and leave as one line on stderr with the error's exit code.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from loader.cli import (
    analysis,
    cypher,
    data,
    divisions,
    doctor,
    extract,
    queries,
    rdf,
    run,
    server,
    sparql,
    validate,
)
from loader.cli.context import RootOptions, named_project
from loader.model.project import ENV_PROJECT

app = typer.Typer(
    help="jinshan-kg: the Jinshan development-layout knowledge graph, in a real Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion [bash|zsh|fish|powershell]
)
app.add_typer(server.app, name="neo4j")
app.add_typer(queries.app, name="query")
app.add_typer(rdf.export_app, name="export")
app.add_typer(rdf.import_app, name="import")
app.add_typer(divisions.app, name="divisions")
app.command("cypher")(cypher.cypher)
app.command("sparql")(sparql.sparql)
app.command("validate")(validate.validate)
app.command("load")(data.load)
app.command("analyze")(analysis.analyze)
app.command("path")(analysis.path)
app.command("viz")(analysis.viz)
app.command("extract")(extract.extract)
app.command("propose")(extract.propose)
app.command("run")(run.run)
app.command("doctor")(doctor.doctor)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"kg (jinshan-kg) {version('jinshan-kg')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            typer.echo("kg (jinshan-kg), not installed: version unknown")
        raise typer.Exit()


@app.callback()
def main(
    context: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help=f"The project folder (holding kg.toml) \\[env: {ENV_PROJECT}; "
            "default: found by walking up from here].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """jinshan-kg: the Jinshan development-layout knowledge graph, in a real Neo4j."""
    context.obj = RootOptions(debug=debug, project=named_project(project))
    _help_unfolded()
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not debug:  # the driver logs each failed connection (even as ERROR); kg says it once
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)
        # rdflib warns of each odd IRI while parsing; the import then refuses it in one line
        logging.getLogger("rdflib").setLevel(logging.ERROR)
    from loader.neo4j.driver import HiddenParameters

    for handler in logging.getLogger().handlers:  # no password or -p value in a debug line
        handler.addFilter(HiddenParameters())


# A command's help printed into a pipe is this wide (not 80 columns), so no default is cut.
PIPED_HELP_WIDTH = 120


def _help_unfolded() -> None:
    """Piped (no terminal, no COLUMNS), a command's --help is rendered wider than the 80
    columns rich assumes, so an unbreakable default (a URL, a list) is never cut with an
    ellipsis. typer reads the width from this module setting when it renders."""
    import os

    chosen = os.environ.get("TERMINAL_WIDTH")
    piped = not sys.stdout.isatty() and not os.environ.get("COLUMNS") and not chosen
    loaded = sys.modules.get("typer.rich_utils")
    if loaded is None and not piped:
        return  # typer reads TERMINAL_WIDTH itself when it first renders help
    import typer.rich_utils

    width = PIPED_HELP_WIDTH if piped else int(chosen) if chosen and chosen.isdigit() else None
    typer.rich_utils.MAX_WIDTH = width


# The root's own --help is printed before its callback runs: the width is set as kg starts too.
_help_unfolded()

if __name__ == "__main__":
    app()
