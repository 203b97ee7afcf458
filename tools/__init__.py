"""Repository tooling, not part of the package: the files derived from the schema and data.

- `derived`: every derived file and the one function that gives its content.
- `regen`: `python -m tools.regen` writes them (`make regen`); `--check` names the stale ones
  (`make lint`).
"""
