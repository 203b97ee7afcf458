// Projects with their status and dates
// Projects and parks of a district (located there, linked, planned by it or by a pillar, or
// signed or opened at an event involving it), with their latest status and the earliest day a
// source gives it, and the dated events about them.
// @scope curated
// @param district: id of the district
// :param district => "jinshan"
MATCH (d:County {id: $district})
MATCH (x) WHERE (x:Project OR x:Park)
  AND (EXISTS { (x)-[:LOCATED_IN*1..3]->(d) }
       OR EXISTS { (d)-[:HAS_PROJECT|PLANS]->(x) }
       OR EXISTS { (d)-[:PLANS|HAS_PROJECT]->()-[:PLANS|HAS_PROJECT]->(x) }
       OR EXISTS { (:Pillar)-[:PLANS|HAS_PROJECT]->(x) }
       OR EXISTS { (e:Event)-[:SIGNED|OPENED]->(x) WHERE EXISTS { (e)-[:INVOLVES]->(d) } })
OPTIONAL MATCH (x)-[:HAS_CLAIM]->(c:Claim {property: 'status'}) WHERE c.value = x.status
WITH x, min(toString(coalesce(c.start_date, c.as_of))) AS status_since
OPTIONAL MATCH (e:Event)-[:SIGNED|OPENED]->(x)
WITH x, status_since, e ORDER BY e.date
RETURN x.name AS project, [l IN labels(x) WHERE l <> 'Entity'][0] AS kind, x.status AS status,
       status_since, [ev IN collect(e) | toString(ev.date) + ' ' + ev.name] AS events,
       coalesce(x.uncertain, false) AS uncertain
ORDER BY project
