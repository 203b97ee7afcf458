"""The `kg` command line: parse, call one job, print what it returns.

- `app`: the root command, its global options (--debug, --project) and the sub-apps.
- `common`: consoles, the one-line error mapping, row output in table/JSON/CSV.
- `context`: what a command works on, built once at its entry: the workspace and the one
  connection.
- `options`: options shared by many commands, the connection options declared once.
- `summaries`: progress bars and the load summary.
- one module per area: `server` (kg neo4j), `cypher`, `sparql`, `queries` (kg query), `rdf`
  (export, import), `analysis` (analyze, path, viz), `extract`, `divisions`, `data` (load),
  `validate`, `run` (the main job), `doctor`.
- `params` and `render`: `-p` values and table/JSON/CSV text, pure functions.
"""
