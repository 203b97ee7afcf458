// An entity's neighbourhood, with the citing sentences
// All relationships of one entity (found by id, name or alias), both directions, each with its
// source and the sentence that states it.
// @scope curated
// @param entity: id, name or alias of the entity
// :param entity => "叶新公路"
MATCH (e:Entity)
WHERE NOT e:Division AND (e.id = $entity OR e.name = $entity OR $entity IN e.aliases)
MATCH (e)-[r]-(other:Entity) WHERE NOT other:Division AND NOT other:Claim
RETURN e.name AS entity,
       CASE WHEN startNode(r) = e THEN 'out' ELSE 'in' END AS direction,
       type(r) AS relationship, other.name AS other, r.confidence AS confidence,
       r.source AS source, r.sentence AS sentence
ORDER BY relationship, direction, other
