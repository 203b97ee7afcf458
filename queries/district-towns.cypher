// Towns of a district, with their codes
// The towns and subdistricts (乡镇街道) of a county-level division of the gazetteer, found by its
// official code, with how many villages each has loaded. Needs `kg divisions import` first.
// @scope gazetteer
// @param district: official code of the county-level division
// :param district => "310116"
MATCH (d:Division {code: $district})<-[:LOCATED_IN]-(t:Division)
USING INDEX SEEK d:Division(code)
WHERE t.level = 'town'
RETURN d.name AS district, t.code AS code, t.name AS town,
       COUNT { (t)<-[:LOCATED_IN]-(:Division) } AS villages
ORDER BY code
