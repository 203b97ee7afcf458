// Layout overview: the five pillars of 一谷一城一区一带一中心
// The five pillars of Jinshan's layout, in the article's order, with the industries each focuses
// on, what each relies on or is built on, and what each plans or aims for.
// @scope curated
// @param layout: id of the layout
// :param layout => "layout-five-pillars"
MATCH (layout:Layout {id: $layout})<-[:PILLAR_OF]-(p:Pillar)
OPTIONAL MATCH (p)-[:FOCUSES_ON]->(i:Industry)
WITH layout, p, i ORDER BY i.name
WITH layout, p, collect(DISTINCT i.name) AS focuses_on
OPTIONAL MATCH (p)-[:RELIES_ON|BUILT_ON]->(base)
WITH layout, p, focuses_on, base ORDER BY base.name
WITH layout, p, focuses_on, collect(DISTINCT base.name) AS relies_on
OPTIONAL MATCH (p)-[:PLANS|TARGETS|HAS_PROJECT]->(goal)
WITH layout, p, focuses_on, relies_on, goal ORDER BY goal.name
RETURN p.pillar AS pillar, p.name AS name, p.name_en AS name_en, focuses_on, relies_on,
       collect(DISTINCT goal.name) AS plans_and_targets
ORDER BY size(split('一谷一城一区一带一中心', pillar)[0])
