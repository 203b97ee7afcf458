// From a curated place up to its province
// The chain of official divisions a curated place (found by id) lies in: its own division (the
// SAME_AS link `kg divisions import` makes), then each parent up to the province, with codes.
// @scope both
// @param place: id of a curated place that carries a division code
// :param place => "fengjing"
MATCH (p:Entity {id: $place})-[:SAME_AS]->(own:Division)
USING INDEX SEEK p:Entity(id)
MATCH chain = (own)-[:LOCATED_IN*0..4]->(top:Division)
WHERE top.level = 'province'
UNWIND range(0, length(chain)) AS step
WITH p, step, nodes(chain)[step] AS d
RETURN p.name AS place, step, d.level AS level, d.code AS code, d.name AS division
ORDER BY step
