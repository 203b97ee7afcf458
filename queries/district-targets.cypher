// What a district aims for: targets, positionings and the plans it follows
// Everything a district aims at (a goal, a positioning, a brand), is positioned as now, adopts or
// draws on, grouped by kind, with when and the sentence behind each.
// @scope curated
// @param district: id of the district
// :param district => "jinshan"
MATCH (d:County {id: $district})-[r:TARGETS|POSITIONED_AS|ADOPTS|RELIES_ON]->(s)
WHERE s:Target OR s:Strategy
RETURN s.kind AS kind, type(r) AS how, s.name AS name, s.name_en AS name_en,
       toString(coalesce(r.start_date, r.as_of)) AS since, toString(r.end_date) AS until,
       r.sentence AS sentence
ORDER BY kind, name
