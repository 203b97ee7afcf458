// Values of an entity, with who states them
// Every number and status a source states about one entity (by id, name or alias): the value
// with its unit, when it held, the source and its sentence; `current` marks the value the entity
// carries (that of its latest claim). How long, how fast, how many lanes, how much money.
// @scope curated
// @param name: id, name or alias of the entity
// :param name => "叶新公路新建工程"
MATCH (e:Entity)
WHERE NOT e:Division AND (e.id = $name OR e.name = $name OR $name IN coalesce(e.aliases, []))
MATCH (e)-[:HAS_CLAIM]->(c:Claim)
OPTIONAL MATCH (d:Document {id: c.sources[0]})
RETURN e.name AS entity, c.property AS property, c.value AS value, c.unit AS unit,
       c.current AS current, toString(c.as_of) AS as_of, toString(c.start_date) AS start_date,
       toString(c.end_date) AS end_date, coalesce(c.undated, false) AS undated,
       d.id AS source, d.title AS source_title, toString(d.published) AS published,
       c.sentence AS sentence, c.note AS note
ORDER BY property, coalesce(c.start_date, c.as_of, c.end_date), value
