// Divisions per level under a code prefix
// How many divisions of the gazetteer each level holds under an official code prefix (a province
// "33", a city "3101", a county "310116" …), found through the code index.
// @scope gazetteer
// @param prefix: the leading digits of the official codes
// :param prefix => "31"
MATCH (d:Division)
USING INDEX SEEK d:Division(code)
WHERE d.code STARTS WITH $prefix
WITH d.level AS level, count(*) AS divisions, min(size(d.code)) AS digits
RETURN level, divisions
ORDER BY digits
