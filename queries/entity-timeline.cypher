// Timeline of an entity
// What held when for one entity (by id, name or alias), oldest first: its dated statuses and
// values, the offices it held or that were held in it, the roles it is positioned as, and the
// events that opened or signed it; each with its source and sentence. `how` says what the date
// is: `since` (the start), `as of` (a day a source shows it holding), `until` (the end) or
// `on` (an event's day). Undated facts come last.
// @scope curated
// @param name: id, name or alias of the entity
// :param name => "金山铁路"
MATCH (e:Entity)
WHERE NOT e:Division AND (e.id = $name OR e.name = $name OR $name IN coalesce(e.aliases, []))
CALL (e) {
  MATCH (e)-[:HAS_CLAIM]->(c:Claim)
  RETURN c AS fact, c.property AS what, c.value + coalesce(' ' + c.unit, '') AS value,
         c.sources[0] AS source, null AS on
  UNION ALL
  MATCH (e)-[r:HOLDS_OFFICE_IN]-(other)
  RETURN r AS fact, 'office ' + r.role AS what, other.name AS value, r.source AS source,
         null AS on
  UNION ALL
  MATCH (e)-[r:POSITIONED_AS]->(t)
  RETURN r AS fact, 'positioned as' AS what, t.name AS value, r.source AS source, null AS on
  UNION ALL
  MATCH (ev:Event)-[r:OPENED|SIGNED]->(e)
  RETURN r AS fact, toLower(type(r)) AS what, ev.name AS value, r.source AS source,
         ev.date AS on
}
WITH e, fact, what, value, source, on,
     coalesce(on, fact.start_date, fact.as_of, fact.end_date) AS day
RETURN e.name AS entity, toString(day) AS date,
       CASE WHEN on IS NOT NULL THEN 'on' WHEN fact.start_date IS NOT NULL THEN 'since'
            WHEN fact.as_of IS NOT NULL THEN 'as of' WHEN fact.end_date IS NOT NULL THEN 'until'
            ELSE 'undated' END AS how,
       toString(fact.end_date) AS until, what, value, source, fact.sentence AS sentence
ORDER BY day IS NULL, day, what, value
