// Transport network around 金山区
// Roads and railways in or planned by a district, and everything they connect to or relieve,
// with lengths and status.
// @scope curated
// @param district: id of the district
// :param district => "jinshan"
MATCH (d:County {id: $district})
MATCH (t) WHERE (t:Road OR t:Railway)
  AND (EXISTS { (t)-[:LOCATED_IN*1..3]->(d) } OR EXISTS { (d)-[:PLANS]->(t) }
       OR EXISTS { (t)-[:CONNECTS_TO]-()-[:LOCATED_IN*0..3]->(d) })
OPTIONAL MATCH (t)-[r:CONNECTS_TO|RELIEVES]-(other)
WITH t, r, other ORDER BY other.name
RETURN [l IN labels(t) WHERE l <> 'Entity'][0] AS kind, t.name AS name, t.name_en AS name_en,
       t.status AS status, t.length_km AS length_km,
       collect(DISTINCT type(r) + ' ' + other.name) AS links
ORDER BY kind, name
