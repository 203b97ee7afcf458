// Layout graph: the five pillars and what they reach
// The layout, its five pillars and everything one step from a pillar, as a graph for Neo4j
// Browser (drawn with queries/jinshan.grass).
// @scope curated
// @param layout: id of the layout
// :param layout => "layout-five-pillars"
MATCH (layout:Layout {id: $layout})<-[pillar_of:PILLAR_OF]-(p:Pillar)
OPTIONAL MATCH (p)-[r]->(x)
WHERE NOT x:County
RETURN layout, pillar_of, p, r, x
