"""Contenders the CLI cannot express, run in their own process so their time and RSS are theirs.

    python bench/inproc.py bulk LEVELS [WITHIN]         # kg load --bulk --with-divisions
    python bench/inproc.py divisions FILE LEVELS [WITHIN]  # kg divisions import --from FILE
    python bench/inproc.py admin-import ARG...           # neo4j-admin import, files ready

`kg load --bulk --with-divisions` takes all the divisions, so the quick bench calls the same
functions with a selection. `kg divisions import --from` refuses a tarball that is not the
pinned one, so the 1%-changed reload calls the same job with the check skipped.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.divisions import gazetteer as divisions  # noqa: E402
from loader.jobs.load import DivisionsChoice, run_divisions_import  # noqa: E402
from loader.model.workspace import Workspace  # noqa: E402
from loader.neo4j.bulk import DATABASE, admin_import, bulk_load  # noqa: E402
from loader.neo4j.connect import Connection  # noqa: E402
from loader.neo4j.import_files import dataset_rows  # noqa: E402
from loader.neo4j.store import SyncOptions  # noqa: E402
from loader.neo4j.target import ConnectionOptions  # noqa: E402


def _codes(args: list[str]) -> list[str] | None:
    return args[0].split(",") if args and args[0] else None


def main(command: str, args: list[str]) -> dict[str, object]:
    workspace = Workspace.at(ROOT)
    with Connection(workspace, ConnectionOptions()) as connection:
        return _run(command, args, workspace, connection)


def _run(
    command: str, args: list[str], workspace: Workspace, connection: Connection
) -> dict[str, object]:
    if command == "bulk":
        schema, curated = workspace.schema, workspace.dataset
        tarball = divisions.fetch(workspace.cache)
        rows = divisions.import_rows(schema, tarball, args[0].split(","), _codes(args[1:]))
        result = bulk_load(
            connection,
            itertools.chain(dataset_rows(curated, schema), rows),
            schema=schema,
            name=f"{curated.name}+{divisions.DATASET}",
            version=f"{curated.version}+{divisions.VERSION}",
        )
        return result.as_dict()
    if command == "divisions":
        tarball = Path(args[0])
        choice = DivisionsChoice(args[1].split(","), within=_codes(args[2:]))
        options = SyncOptions(batch_size=5000, prune=True)
        with mock.patch.object(divisions, "fetch", lambda _cache, _from=None: tarball):
            done = run_divisions_import(workspace, connection, choice, options)
        return {**done.load.as_dict(), "linked": done.linked}
    if command == "admin-import":
        finished = admin_import(connection.server(), DATABASE, args)
        if finished.returncode != 0:
            raise SystemExit(f"neo4j-admin import failed: {finished.stderr[-800:]}")
        return {"returncode": finished.returncode}
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:]), default=str))
