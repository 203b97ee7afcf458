// Data quality: orphans, uncited relations, missing English names
// Entities with no relationship to another entity (documents aside), relationships between
// entities without a source or sentence,
// and entities without an English name. An empty result is a clean graph. The divisions of the
// gazetteer (and the links to them) and the claims are left out: they have no English names by
// design.
// @scope curated
MATCH (n:Entity) WHERE NOT n:Document AND NOT n:Division
  AND NOT EXISTS { (n)--(m:Entity) WHERE NOT m:Division }
RETURN 'orphan entity' AS problem, n.id AS id, n.name AS name
UNION ALL
MATCH (a:Entity)-[r]->(b:Entity) WHERE NOT a:Division AND NOT b:Division
  AND (r.source IS NULL OR r.sentence IS NULL OR trim(r.sentence) = '')
RETURN 'relationship without provenance' AS problem, a.id + ' ' + type(r) + ' ' + b.id AS id,
       a.name AS name
UNION ALL
MATCH (n:Entity) WHERE NOT n:Document AND NOT n:Division AND NOT n:Claim
  AND (n.name_en IS NULL OR trim(n.name_en) = '')
RETURN 'no English name' AS problem, n.id AS id, n.name AS name
