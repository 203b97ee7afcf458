// Timeline of events
// Dated events in order, with what each opened, signed or discussed and who or where it involved.
// @scope curated
// @param from: first day (ISO date)
// :param from => "2020-01-01"
// @param to: last day (ISO date)
// :param to => "2020-12-31"
MATCH (e:Event)
WHERE date($from) <= e.date <= date($to)
OPTIONAL MATCH (e)-[r:OPENED|SIGNED|DISCUSSED|INVOLVES|HELD_BY]->(x)
WITH e, r, x ORDER BY type(r), x.name
RETURN toString(e.date) AS date, toString(e.end_date) AS end_date, e.name AS event,
       e.kind AS kind, collect(type(r) + ' ' + x.name) AS what
ORDER BY date, event
