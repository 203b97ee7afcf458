"""Neo4j: the managed server, the one connection `Target`, and everything sent over Bolt.

- `target`: `ConnectionOptions` (what the user said) and `Target` (where to connect).
- `connect`: `resolve_target`, the one place that decides "managed server or a URI", and the
  command's one `Connection`, opened on first use and closed once.
- `graph`: `Graph`, the one driver of a command with its bookmark manager, typed; every query,
  transaction and session goes through it.
- `driver`: the driver's errors turned into typed one-liners, secrets blanked.
- `install`, `server_conf`, `server`: the managed server built from Maven Central jars, and the
  process and port probes its life depends on.
- `cypher_text`: the Cypher the loader sends, as constants and small builders.
- `ddl`: constraints and indexes derived from the schema.
- `sync_plan`, `snapshot`, `pipeline`, `store`, `apply`: the one load path (chunk by chunk): its
  plan, what the database holds of a chunk (digests compared on the server), chunks made ready
  ahead of their writes, the loop, its writes; `columns`: new rows sent as column lists, one
  list per property; `foreign_ids`: the check before the first write
  that no other dataset holds one of its ids.
- `import_files`, `bulk`: `kg load --bulk`, the importer's CSV files and neo4j-admin import into
  an empty managed database.
- `pages`, `read`: the graph read back page by page (exports), and the curated graph into the
  model (`--from neo4j` for analysis).
- `cypher`, `saved_queries`, `read_only`: ad-hoc and saved queries, read-only unless asked
  (decided from the server's plan); `favorites`: the saved queries as a Browser archive.
- `lease`: one load of a dataset at a time.
- `load_record`: one `KgLoad` node per load (run, version, counts, chunk digests), in place of
  a run stamp on every row.
- `browser_style`: the Browser stylesheet derived from the schema, as a .grass file, a `:style`
  command and the managed server's post-connect command.
- `lexical_store`, `writeback`, `maintenance`: mentions, analysis scores, emptying a database.
"""
