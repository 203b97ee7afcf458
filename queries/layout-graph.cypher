// Layout graph: the five pillars and what they reach
// The layout, its five pillars and everything one step from a pillar that the source naming the
// pillars states, as a graph for Neo4j Browser (drawn with queries/jinshan.grass); what later
// sources add is in `neighbourhood`.
// @scope curated
// @param layout: id of the layout
// :param layout => "layout-five-pillars"
MATCH (layout:Layout {id: $layout})<-[pillar_of:PILLAR_OF]-(p:Pillar)
OPTIONAL MATCH (p)-[r]->(x)
WHERE NOT x:County AND r.source = pillar_of.source
RETURN layout, pillar_of, p, r, x
