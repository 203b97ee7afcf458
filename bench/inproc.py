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
from loader.jobs.load import run_divisions_import  # noqa: E402
from loader.model.schema import load_schema  # noqa: E402
from loader.model.validation import load_dataset  # noqa: E402
from loader.neo4j.bulk import DATABASE, admin_import, bulk_load  # noqa: E402
from loader.neo4j.connect import managed_server, resolve_target  # noqa: E402
from loader.neo4j.import_files import dataset_rows  # noqa: E402
from loader.neo4j.target import ConnectionOptions  # noqa: E402


def _codes(args: list[str]) -> list[str] | None:
    return args[0].split(",") if args and args[0] else None


def main(command: str, args: list[str]) -> dict[str, object]:
    options = ConnectionOptions()
    if command == "bulk":
        schema = load_schema()
        curated = load_dataset(None, schema)
        rows = divisions.import_rows(
            schema, divisions.fetch(), args[0].split(","), _codes(args[1:])
        )
        result = bulk_load(
            itertools.chain(dataset_rows(curated, schema), rows),
            schema,
            managed_server(options),
            lambda: resolve_target(options),
            f"{curated.name}+{divisions.DATASET}",
            f"{curated.version}+{divisions.VERSION}",
        )
        return result.as_dict()
    if command == "divisions":
        tarball = Path(args[0])
        with mock.patch.object(divisions, "fetch", lambda _from=None: tarball):
            done = run_divisions_import(options, args[1].split(","), _codes(args[2:]))
        return {**done.load.as_dict(), "linked": done.linked}
    if command == "admin-import":
        finished = admin_import(managed_server(options), DATABASE, args)
        if finished.returncode != 0:
            raise SystemExit(f"neo4j-admin import failed: {finished.stderr[-800:]}")
        return {"returncode": finished.returncode}
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:]), default=str))
