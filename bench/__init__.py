"""The benchmark (`make bench`, `make bench-quick`): see docs/benchmarks.md.

- `run`: the entry point; every contender in one run, on one server, the same schema.
- `measure`: a command's wall time and peak RSS, its own apart from its children's.
- `changes`: the 1%-changed copy of the divisions tarball.
- `targets`: the ratios, the targets met or missed, the markdown table.
- `plain_merge`, `inproc`, `rdflib_neo4j_load`: contenders run in their own process.
- `html_views`: the HTML view's graph library against another, in headless Chromium
  (docs/pictures.md); needs no server.
"""
