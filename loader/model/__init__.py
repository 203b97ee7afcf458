"""The model: what the project folder holds, read and checked, with no server in sight.

- `project`: the project root (kg.toml, found by walking up) and the paths it names.
- `workspace`: the project with its schema and validated data, read once on first use: what the
  command line builds once and hands to every job.
- `properties`: typed values, their stored form, and a record's fields checked by them.
- `schema`, `schema_annotations`, `schema_properties`, `schema_patterns`: the graph
  schema from schema/schema.yaml, the single source of truth (labels, types, properties, styles,
  roles, RDF alignment, which numbers are cited and which facts are timed).
- `readers`: YAML, CSV and text files read with the line of every value, never crashing; the
  one place user files are opened (regular files only, size-capped, confined to data/).
- `problems`: what any check reports, a `Problem` (file, line, code, message, severity), and the
  catalogue of its stable codes.
- `dataset`: the in-memory curated graph and the walk over data/; `about`: what a dataset
  declares about itself (title, licence, creator, dates), for its VoID/DCAT description.
- `chunks`: a chunk of a streamed source, keyed and digested before it is parsed.
- `validation`, `identity_checks`: the data checked against the schema,
  building the validated `Dataset`; `claims`: numbers and statuses as dated claims with their
  sentence; `text_rules`: what a string and a name must be.
- `sources`: source documents, their metadata and sentences.
- `contrast`: WCAG contrast, and the caption colour that reads on each label's fill.
- `diagram`: a Mermaid diagram of the model as the data uses it.
- `bounded_json`: a query parameter read as JSON within what Neo4j takes (depth, 64 bits).
- `outputs`: outputs written atomically where the user asks (a temp file renamed into place).
- `safe_text`: text out made safe for terminals, spreadsheets and JSON parsers.
- `errors`: typed failures, each with the exit code the CLI gives it.
"""
