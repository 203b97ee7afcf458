// The “三朵云”: Jinshan's three cloud projects
// The members of the “三朵云” programme, with their kind, status, where they are, what they
// focus on, and whether the name is confirmed.
// @scope curated
// @param programme: id of the programme
// :param programme => "three-clouds"
MATCH (s:Strategy {id: $programme})<-[:PART_OF]-(m)
OPTIONAL MATCH (m)-[:LOCATED_IN]->(place)
OPTIONAL MATCH (m)-[:FOCUSES_ON]->(i:Industry)
WITH s, m, place, i ORDER BY place.name, i.name
RETURN m.name AS member, m.name_en AS name_en, [l IN labels(m) WHERE l <> 'Entity'][0] AS kind,
       m.status AS status, collect(DISTINCT place.name) AS located_in,
       collect(DISTINCT i.name) AS focuses_on, coalesce(m.uncertain, false) AS uncertain
ORDER BY member
