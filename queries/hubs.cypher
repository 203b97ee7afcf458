// Hubs by degree
// The most connected entities: how many relationships each has, in and out.
// @param limit: how many entities
// :param limit => 10
MATCH (n:Entity)
WITH n, COUNT { (n)-->() } AS outgoing, COUNT { (n)<--() } AS incoming
RETURN n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS kind,
       outgoing + incoming AS degree, outgoing, incoming
ORDER BY degree DESC, name
LIMIT $limit
