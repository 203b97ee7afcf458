"""RDF: the graph shared as linked data, and read back.

- `vocab`: the IRI policy and the vocabularies the export speaks.
- `ontology`: the OWL ontology and SHACL shapes derived from the schema.
- `export`: quads generated one at a time, streamed or written by rdflib; `stream`: N-Triples,
  N-Quads and TriG written as the quads come, without rdflib's in-memory graph.
- `describe`: each dataset's VoID/DCAT description, and the DCAT catalog of exported files.
- `importer`: an exported file read back into the model, checked against the schema.
- `shacl`: an RDF file validated against the derived shapes.
- `sparql`: SPARQL over the export's quads in an embedded Oxigraph store.
"""
