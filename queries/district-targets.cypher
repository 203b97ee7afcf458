// What a district aims for: targets, positionings and the plans it follows
// Everything a district targets or adopts, grouped by kind, with the sentence behind each.
// @scope curated
// @param district: id of the district
// :param district => "jinshan"
MATCH (d:County {id: $district})-[r:TARGETS|ADOPTS]->(s:Strategy)
RETURN s.kind AS kind, type(r) AS how, s.name AS name, s.name_en AS name_en,
       r.sentence AS sentence
ORDER BY kind, name
