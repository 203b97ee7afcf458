// Data quality: orphans, uncited relations, missing English names
// Entities with no relationship (documents aside), relationships without a source or sentence,
// and entities without an English name. An empty result is a clean graph.
MATCH (n:Entity) WHERE NOT n:Document AND NOT (n)--()
RETURN 'orphan entity' AS problem, n.id AS id, n.name AS name
UNION ALL
MATCH (a)-[r]->(b) WHERE r.source IS NULL OR r.sentence IS NULL OR trim(r.sentence) = ''
RETURN 'relationship without provenance' AS problem, a.id + ' ' + type(r) + ' ' + b.id AS id,
       a.name AS name
UNION ALL
MATCH (n:Entity) WHERE NOT n:Document AND (n.name_en IS NULL OR trim(n.name_en) = '')
RETURN 'no English name' AS problem, n.id AS id, n.name AS name
