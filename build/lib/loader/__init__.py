"""jinshan-kg: a curated knowledge graph of Jinshan District's development layout.

The package turns curated data into a Neo4j graph, RDF and analyses;
`loader.cli.app` is its `kg` command.
"""

__version__ = "0.1.0"
