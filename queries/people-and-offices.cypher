// People and their offices
// Who holds or held which office where, since or as of when, and what they are quoted on.
// @scope curated
MATCH (p:Person)-[h:HOLDS_OFFICE_IN]->(o:Organization)
OPTIONAL MATCH (p)-[:SPOKE_ABOUT]->(s)
OPTIONAL MATCH (o)-[:GOVERNS]->(place)
WITH p, h, o, place, s ORDER BY s.name
RETURN p.name AS person, p.name_en AS name_en, h.role AS role, h.role_en AS role_en,
       o.name AS organization, place.name AS governs, toString(h.start_date) AS since,
       toString(h.as_of) AS as_of, toString(h.end_date) AS until, h.source AS source,
       collect(s.name) AS quoted_on
ORDER BY person, organization
