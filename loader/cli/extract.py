"""`kg extract`: sentences and mentions of known entities in texts, and candidate names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from loader.cli.common import emit_json, emit_rows, failures, note, say
from loader.cli.context import connection, workspace
from loader.cli.options import FormatOpt, connection_options
from loader.cli.render import Format
from loader.neo4j.target import ConnectionOptions

if TYPE_CHECKING:  # the jobs are imported by the commands that run them: `kg --help` stays quick
    from loader.jobs.extract import ExtractReport
    from loader.text.gold import Scores

MENTION_COLUMNS = ["sentence", "start", "end", "surface", "name", "id"]


@connection_options
def extract(
    ctx: typer.Context,
    conn: ConnectionOptions,
    files: Annotated[
        list[Path] | None, typer.Argument(help="Text files (UTF-8), Chinese.", show_default=False)
    ] = None,
    fmt: FormatOpt = Format.table,
    write: Annotated[
        bool, typer.Option("--write", help="Write the lexical graph into Neo4j.")
    ] = False,
    golds: Annotated[
        list[Path] | None,
        typer.Option(
            "--evaluate",
            help="Gold mentions file, or a folder of them (repeatable): P, R, F1 per document "
            "and in total. A gold file's own text is read when it is not among FILES.",
        ),
    ] = None,
) -> None:
    """Sentences and mentions of known entities (robust to spun and Traditional text), and
    candidate new names for curation."""
    from loader.jobs.extract import run_extract

    with failures(ctx):
        ws = workspace(ctx)
        with connection(conn, ws) as opened:
            report = run_extract(ws, opened, files or [], write=write, golds=golds)
    if fmt is Format.json:
        emit_json(as_json(report))
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
            MENTION_COLUMNS,
            rows,
            fmt,
            title=f"{extraction.document}: {len(rows)} mentions in "
            f"{len(extraction.sentences)} sentences",
        )
        if extraction.candidates and fmt.for_people:
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
        note(
            f"wrote {written.document}: {written.sentences} sentences, "
            f"{written.mentions} mentions ({written.nodes_created} nodes and "
            f"{written.relationships_created} relationships created)"
        )
    show = say if fmt.for_people else note
    for e in report.evaluations:
        show(f"{e.document}{f' ({e.split})' if e.split else ''}: {_scores(e.scores)}")
    for split, s in report.splits.items():
        show(f"{split} pages: {_scores(s)}")
    if report.scores is not None and len(report.evaluations) > 1:
        show(f"total: {_scores(report.scores)}")


def _scores(s: Scores) -> str:
    return (
        f"precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  "
        f"({s.true_positives} of {s.predicted} found, {s.gold} in gold)"
    )


def as_json(report: ExtractReport) -> dict[str, Any]:
    documents = [
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
        for x in report.extractions
    ]
    out: dict[str, Any] = {"documents": documents}
    if report.scores is not None:
        out["evaluation"] = report.scores.__dict__
        out["evaluations"] = [
            {
                "document": e.document,
                "split": e.split,
                **e.scores.__dict__,
                "by_graph_names": e.graph_names.__dict__,
            }
            for e in report.evaluations
        ]
        out["splits"] = {split: s.__dict__ for split, s in report.splits.items()}
    if report.written:
        out["written"] = [w.__dict__ for w in report.written]
    return out


PROPOSAL_COLUMNS = ["document", "entities", "facts", "values", "held", "written"]


def propose(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Text files of new pages (UTF-8), Chinese.", show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the proposals: facts/, entities/, sources/ (default: proposals/ "
            "in the project).",
            show_default=False,
        ),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            help="The pages' publication day (YYYY-MM-DD), for facts a page states undated "
            "(default: the `published` of the source record of the same name, .yaml, beside "
            "the page).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Proposals from new pages, for a curator: new names with a guessed label, relations
    between entities of one clause, numbers with units, dates; written as a facts file and
    entity stubs that `kg validate` accepts once moved into data/ and corrected."""
    from datetime import date

    from loader.jobs.propose import run_propose
    from loader.model.errors import UsageError

    with failures(ctx):
        try:
            day = date.fromisoformat(published) if published else None
        except ValueError:
            raise UsageError(f"--published is a day (YYYY-MM-DD), not {published!r}") from None
        ws = workspace(ctx)
        done = run_propose(ws, files or [], out or ws.root / "proposals", day)
    rows = [
        {
            "document": p.proposals.document,
            "entities": len(p.proposals.entities),
            "facts": p.proposals.facts(),
            "values": p.proposals.values(),
            "held": p.proposals.held,
            "written": ", ".join(str(w) for w in p.written),
        }
        for p in done
    ]
    if fmt is Format.json:
        emit_json({"proposals": rows})
        return
    emit_rows(PROPOSAL_COLUMNS, rows, fmt, title="Proposals")
