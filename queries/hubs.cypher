// Hubs by degree
// The most connected entities: how many relationships each has to other entities, in and out
// (sentences that mention them are not counted).
// @param limit: how many entities
// :param limit => 10
MATCH (n:Entity)
WITH n, COUNT { (n)-->(:Entity) } AS outgoing, COUNT { (n)<--(:Entity) } AS incoming
RETURN n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS kind,
       outgoing + incoming AS degree, outgoing, incoming
ORDER BY degree DESC, name
LIMIT $limit
