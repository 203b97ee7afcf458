// Shortest connection between two entities
// The shortest chain of relationships (any type, either direction) between two entities found
// by id, name or alias, step by step with the sentence behind each step; never through a division
// of the gazetteer. Of several equally short chains, the first by the ids along it.
// @scope curated
// @param from: id, name or alias of the first entity
// :param from => "阿里云华东智能算力中心"
// @param to: id, name or alias of the second entity
// :param to => "姚庄镇"
MATCH (a:Entity) WHERE NOT a:Division AND (a.id = $from OR a.name = $from OR $from IN a.aliases)
MATCH (b:Entity) WHERE NOT b:Division AND (b.id = $to OR b.name = $to OR $to IN b.aliases)
MATCH p = allShortestPaths((a)-[*..8]-(b))
WHERE none(n IN nodes(p) WHERE n:Division)
// Of equally short chains, one by a stable order (the ids and types along it), not store order.
WITH p ORDER BY reduce(key = '', i IN range(0, length(p) - 1) |
                       key + nodes(p)[i].id + '|' + type(relationships(p)[i]) + '|') LIMIT 1
UNWIND range(0, length(p) - 1) AS step
WITH p, step, relationships(p)[step] AS r, nodes(p)[step] AS here, nodes(p)[step + 1] AS next
RETURN step + 1 AS step, here.name AS from,
       CASE WHEN startNode(r) = here THEN type(r) ELSE '<-' + type(r) END AS relationship,
       next.name AS to, r.sentence AS sentence
ORDER BY step
