// Find an entity under any name (CJK full-text)
// Full-text search over names, English names and aliases with the cjk analyzer: a spun,
// partial or English name finds the entity. Best matches first; divisions of the gazetteer and
// claims (the citations of values) are left out.
// @scope curated
// @param q: the name to look for (Lucene query syntax)
// :param q => "笨能算力核心"
// @param limit: how many results at most
// :param limit => 5
CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node, score
WITH node, score WHERE NOT node:Division AND NOT node:Claim
RETURN node.id AS id, node.name AS name, node.name_en AS name_en,
       [l IN labels(node) WHERE l <> 'Entity'][0] AS kind, node.aliases AS aliases
ORDER BY score DESC, id
LIMIT $limit
