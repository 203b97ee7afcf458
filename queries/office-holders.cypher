// Who held each office on a day
// For each office (a role in an organization), the holder whose latest dated mention is on or
// before the day and not ended by then, with its source and sentence. A day far ahead
// (2099-12-31) gives the latest known holder. A mention is not a term of office: `dated` is the
// day the source shows the holder in office (or took office), so read it as "known by".
// @scope curated
// @param day: ISO date
// :param day => "2020-12-31"
MATCH (p:Person)-[h:HOLDS_OFFICE_IN]->(o:Organization)
WITH p, h, o, coalesce(h.start_date, h.as_of) AS dated
WHERE dated <= date($day) AND (h.end_date IS NULL OR h.end_date >= date($day))
WITH o, h.role AS role, p, h, dated ORDER BY dated DESC, p.name
WITH o, role, collect({person: p, link: h, dated: dated})[0] AS top
RETURN o.name AS organization, role, top.link.role_en AS role_en, top.person.name AS holder,
       toString(top.dated) AS dated, top.link.source AS source, top.link.sentence AS sentence,
       coalesce(top.link.confidence, 1.0) AS confidence
ORDER BY organization, role
