// Who held each office on a day
// For each office (a role in an organization), the holder of the latest dated fact on or before
// the day, unless that fact's term ended before it; with its source and sentence. A day far
// ahead (2099-12-31) gives the latest known holder. A fact is dated by the start of the term or
// by the earliest dated mention found (`dated`), so read it as "in office by then".
// @scope curated
// @param day: ISO date
// :param day => "2020-12-31"
MATCH (p:Person)-[h:HOLDS_OFFICE_IN]->(o:Organization)
WITH p, h, o, coalesce(h.start_date, h.as_of) AS dated
WHERE dated <= date($day)
WITH o, h.role AS role, p, h, dated ORDER BY dated DESC, p.name
WITH o, role, collect({person: p, link: h, dated: dated})[0] AS top
WHERE top.link.end_date IS NULL OR top.link.end_date >= date($day)
RETURN o.name AS organization, role, top.link.role_en AS role_en, top.person.name AS holder,
       toString(top.dated) AS dated, top.link.source AS source, top.link.sentence AS sentence,
       coalesce(top.link.confidence, 1.0) AS confidence
ORDER BY organization, role
