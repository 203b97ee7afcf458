// Shortest connection between two entities
// The shortest chain of relationships (any type, either direction) between two entities found
// by id, name or alias, step by step with the sentence behind each step.
// @param from: id, name or alias of the first entity
// :param from => "阿里云华东智能算力中心"
// @param to: id, name or alias of the second entity
// :param to => "姚庄镇"
MATCH (a:Entity) WHERE a.id = $from OR a.name = $from OR $from IN a.aliases
MATCH (b:Entity) WHERE b.id = $to OR b.name = $to OR $to IN b.aliases
MATCH p = shortestPath((a)-[*..8]-(b))
UNWIND range(0, length(p) - 1) AS step
WITH p, step, relationships(p)[step] AS r, nodes(p)[step] AS here, nodes(p)[step + 1] AS next
RETURN step + 1 AS step, here.name AS from,
       CASE WHEN startNode(r) = here THEN type(r) ELSE '<-' + type(r) END AS relationship,
       next.name AS to, r.sentence AS sentence
ORDER BY step
