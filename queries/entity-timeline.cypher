// Timeline of an entity
// What held when for one entity (by id, name or alias), oldest first: its dated statuses and
// values, the offices it held or that were held in it, the roles it is positioned as, and the
// events that opened or signed it; each with its source and sentence. Undated facts come last.
// @scope curated
// @param name: id, name or alias of the entity
// :param name => "金山铁路"
MATCH (e:Entity)
WHERE NOT e:Division AND (e.id = $name OR e.name = $name OR $name IN coalesce(e.aliases, []))
CALL (e) {
  MATCH (e)-[:HAS_CLAIM]->(c:Claim)
  RETURN coalesce(c.start_date, c.as_of, c.end_date) AS day, c.end_date AS until,
         c.property AS what, c.value + coalesce(' ' + c.unit, '') AS value,
         c.sources[0] AS source, c.sentence AS sentence
  UNION ALL
  MATCH (e)-[r:HOLDS_OFFICE_IN]-(other)
  RETURN coalesce(r.start_date, r.as_of, r.end_date) AS day, r.end_date AS until,
         'office ' + r.role AS what, other.name AS value, r.source AS source,
         r.sentence AS sentence
  UNION ALL
  MATCH (e)-[r:POSITIONED_AS]->(t)
  RETURN coalesce(r.start_date, r.as_of, r.end_date) AS day, r.end_date AS until,
         'positioned as' AS what, t.name AS value, r.source AS source, r.sentence AS sentence
  UNION ALL
  MATCH (ev:Event)-[r:OPENED|SIGNED]->(e)
  RETURN ev.date AS day, null AS until, toLower(type(r)) AS what, ev.name AS value,
         r.source AS source, r.sentence AS sentence
}
RETURN e.name AS entity, toString(day) AS date, toString(until) AS until, what, value, source,
       sentence
ORDER BY day IS NULL, day, what, value
