// Hubs by degree
// The most connected entities: how many relationships each has to other entities, in and out
// (sentences that mention them and claims citing their values are not counted). The divisions
// of the gazetteer are left out.
// @scope curated
// @param limit: how many entities
// :param limit => 10
MATCH (n:Entity) WHERE NOT n:Division AND NOT n:Claim
WITH n, COUNT { (n)-->(m:Entity) WHERE NOT m:Division AND NOT m:Claim } AS outgoing,
     COUNT { (n)<--(m:Entity) WHERE NOT m:Division AND NOT m:Claim } AS incoming
RETURN n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS kind,
       outgoing + incoming AS degree, outgoing, incoming
ORDER BY degree DESC, name
LIMIT $limit
