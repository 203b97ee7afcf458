// Cross-border Shanghai–Zhejiang links
// Connections whose two ends lie on different sides of the Shanghai–Zhejiang border (an end
// counts as the province it is located in, at any depth), with the travel times where known.
// @scope curated
// @param left: id of the first province
// :param left => "shanghai"
// @param right: id of the second province
// :param right => "zhejiang"
MATCH (a)-[r:CONNECTS_TO]->(b)
MATCH (a)-[:LOCATED_IN*0..5]->(pa:Province)
MATCH (b)-[:LOCATED_IN*0..5]->(pb:Province)
WHERE (pa.id = $left AND pb.id = $right) OR (pa.id = $right AND pb.id = $left)
RETURN DISTINCT a.name AS from, pa.name AS from_province, b.name AS to, pb.name AS to_province,
       r.minutes_before AS minutes_before, r.minutes AS minutes, r.source AS source,
       r.sentence AS sentence
ORDER BY from, to
