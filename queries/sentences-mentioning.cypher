// Sentences that mention an entity
// Every sentence of every extracted document that mentions an entity (found by id, name or
// alias), with the surface form as written there. Needs `kg extract --write` first.
// @scope curated
// @param entity: id, name or alias of the entity
// :param entity => "叶新公路"
MATCH (e:Entity)
WHERE NOT e:Division AND (e.id = $entity OR e.name = $entity OR $entity IN e.aliases)
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[m:MENTIONS]->(e)
RETURN d.id AS document, s.index AS sentence, m.surface AS surface, m.start AS start,
       s.text AS text
ORDER BY document, sentence, start
