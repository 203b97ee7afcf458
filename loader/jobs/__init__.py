"""What the CLI calls: each job gets the workspace and the command's one connection from its
caller (never looking either up itself), checks its options and data, then calls the areas.

- `load`: curated data, RDF files and the divisions into Neo4j, with the option checks.
- `main`: the main job (`kg run`): load with pruning, analyse, report, overview.
- `report`: the report folder the main job writes.
- `graph`: the graph read from data or Neo4j for analysis, paths and pictures.
- `export`: RDF out of the curated data or Neo4j.
- `extract`: mentions in texts, their evaluation and the lexical graph.
- `propose`: a new page's proposals written as a facts file and entity stubs.
- `queries`: ad-hoc Cypher and saved queries against the target.
- `sparql`: SPARQL over the curated data as RDF (no server).
- `doctor`: the machine and the project checked, one line each with its fix.

Imports point one way: cli → jobs → areas (neo4j, rdf, text, analysis, divisions) → model.
"""
