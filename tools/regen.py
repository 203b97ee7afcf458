"""`make regen` writes every derived file; `make lint` runs it with `--check`.

    python -m tools.regen            # write them all (the goldens of the saved queries on the
                                     # test server, started if need be; its database is emptied)
    python -m tools.regen --check    # name each stale file and exit 1; no server needed

Only files whose content changes are written, each atomically, so a run on a current tree
changes nothing (`git status` stays clean).
"""

from __future__ import annotations

import argparse
import sys

from loader.cli.common import hint_text
from loader.model.errors import KgError
from loader.model.outputs import write_file
from loader.model.workspace import Workspace
from loader.neo4j.connect import Connection
from tools.derived import OFFLINE, ROOT, query_goldens, stale_files, test_server


def regenerate(workspace: Workspace) -> list[str]:
    """Write every derived file whose content differs; the paths written."""
    written = []
    for derived in OFFLINE:
        path, wanted = ROOT / derived.path, derived.render(workspace)
        if not path.is_file() or not derived.same(path.read_bytes(), wanted):
            write_file(path, wanted)
            written.append(derived.path)
    server = test_server(workspace)
    server.install()
    server.start()
    with Connection.to(server.login_target(), workspace) as connection:
        for path, content in query_goldens(workspace, connection):
            if not path.is_file() or path.read_bytes() != content:
                write_file(path, content)
                written.append(str(path.relative_to(ROOT)))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.regen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="name the stale files; write none")
    args = parser.parse_args(argv)
    workspace = Workspace.at(ROOT)
    try:
        if args.check:
            stale = stale_files(workspace)
            for path in stale:
                print(f"{path}: stale; run `make regen` and commit it", file=sys.stderr)
            return 1 if stale else 0
        for path in regenerate(workspace):
            print(f"wrote {path}")
    except KgError as exc:
        print(f"regen: error: {exc}{hint_text((), (), exc.hint)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
