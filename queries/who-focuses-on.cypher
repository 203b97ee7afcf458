// Who focuses on an industry
// Every entity that focuses on an industry, found by its id, Chinese name or any alias (also a
// spun one), with the role and the sentence that says so.
// @scope curated
// @param industry: id, name or alias of an industry
// :param industry => "生物医药"
MATCH (i:Industry)
WHERE i.id = $industry OR i.name = $industry OR $industry IN i.aliases
MATCH (who)-[r:FOCUSES_ON]->(i)
RETURN i.name AS industry, who.name AS who, [l IN labels(who) WHERE l <> 'Entity'][0] AS kind,
       r.role AS role, r.source AS source, r.sentence AS sentence
ORDER BY who, source
