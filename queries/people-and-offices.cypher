// People and their offices
// Who holds which office where, and what they are quoted on.
// @scope curated
MATCH (p:Person)-[h:HOLDS_OFFICE_IN]->(o:Organization)
OPTIONAL MATCH (s:Strategy)-[:STATED_BY]->(p)
OPTIONAL MATCH (o)-[:GOVERNS]->(place)
WITH p, h, o, place, s ORDER BY s.name
RETURN p.name AS person, p.name_en AS name_en, h.role AS role, h.role_en AS role_en,
       o.name AS organization, place.name AS governs, collect(s.name) AS quoted_on
ORDER BY person
