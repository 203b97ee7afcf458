"""All Cypher the loader sends, in one place: named constants and small builders.

Values always travel as parameters. Labels, relationship types and (for the column lists of
new rows) property keys are formatted in only from the validated schema, whose names are
identifiers, quoted with backticks by `quoted`.
"""

from __future__ import annotations

from collections.abc import Sequence, Set

from loader.neo4j.columns import param
from loader.neo4j.ddl import quoted

# Bookkeeping properties on every row a load writes: whose it is, and a digest of what was
# written (a reload compares only these). The run, the version and the times are the load
# record's (`KgLoad`), once per load.
DATASET_PROP = "kg_dataset"
HASH_PROP = "kg_hash"
# What loaders before the load record stamped on every row: moved off by the next load.
LEGACY_STAMPS = ("kg_version", "kg_run")
# Scores `kg analyze --write-back` stores on nodes; loads keep them and do not count them.
ANALYSIS_PROPS = ("pagerank", "betweenness", "degree", "community")

SERVER_COMPONENTS = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
)


def changed_rows(base: str) -> str:
    """Of a chunk's rows (id, digest, and the [type, end, digest] of every relationship the data
    starts there), those this dataset does not hold as written: with the node's labels (none
    when missing), whether its digest matches, and the relationships it holds there. One index
    seek and one expansion per node, one record per chunk."""
    return (
        f"UNWIND $rows AS row OPTIONAL MATCH (n:{quoted(base)} {{id: row.id}}) "
        "WHERE n.kg_dataset = $dataset "
        "WITH row, n, CASE WHEN n IS NULL THEN [] ELSE "
        f"[(n)-[r]->(b:{quoted(base)}) WHERE r.kg_dataset = $dataset "
        "| [type(r), b.id, r.kg_hash]] END AS held "
        "WHERE n IS NULL OR NOT coalesce(n.kg_hash = row.hash, false) "
        "OR size(held) <> size(row.rels) "
        "OR any(x IN held WHERE NOT coalesce(x IN row.rels, false)) "
        "OR any(x IN row.rels WHERE NOT coalesce(x IN held, false)) "
        "RETURN collect([row.id, CASE WHEN n IS NULL THEN null ELSE labels(n) END, "
        "coalesce(n.kg_hash = row.hash, false), held]) AS changed"
    )


def own_node_page(base: str) -> str:
    """One page of this dataset's node ids in id order (keyset paging over the id index), as
    one list: one reply per page, not one record per node."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.id > $after AND n.kg_dataset = $dataset "
        "WITH n.id AS id ORDER BY id LIMIT $page RETURN collect(id) AS ids"
    )


def any_own_node(base: str) -> str:
    return f"MATCH (n:{quoted(base)}) WHERE n.kg_dataset = $dataset RETURN n.id AS id LIMIT 1"


def own_nodes_by_label(base: str) -> str:
    """How many nodes of the dataset each label holds, counted by the database."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.kg_dataset = $dataset "
        "RETURN [l IN labels(n) WHERE l <> $base][0] AS label, count(*) AS n"
    )


def owner_of(base: str) -> str:
    """The dataset that wrote the node with this id (null: none, written by hand)."""
    return f"MATCH (n:{quoted(base)} {{id: $id}}) RETURN n.kg_dataset AS owner LIMIT 1"


def foreign_nodes(base: str) -> str:
    """Ids of nodes this dataset did not write (a streamed load checks its ids against them)."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.kg_dataset IS NULL OR n.kg_dataset <> $dataset "
        "RETURN n.id AS id"
    )


def count_foreign_nodes(base: str) -> str:
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.kg_dataset IS NULL OR n.kg_dataset <> $dataset "
        "RETURN count(n) AS n"
    )


def foreign_id_claims(base: str) -> str:
    """Ids this dataset wants that a node of another dataset or tool already holds."""
    return (
        f"UNWIND $ids AS id MATCH (n:{quoted(base)} {{id: id}}) "
        "WHERE n.kg_dataset IS NULL OR n.kg_dataset <> $dataset RETURN n.id AS id LIMIT 10"
    )


def delete_nodes(base: str) -> str:
    """Delete this dataset's nodes once nothing hangs on them; returns how many went."""
    return (
        f"UNWIND $ids AS id MATCH (n:{quoted(base)} {{id: id}}) WHERE n.kg_dataset = $dataset "
        "AND NOT (n)--() DELETE n RETURN count(*) AS deleted"
    )


def relabel_nodes(base: str, label: str, labels: list[str]) -> str:
    """This dataset's nodes given `label` in place of whichever of the schema's `labels` they
    had (removing a label a node lacks does nothing)."""
    others = ":".join(quoted(other) for other in labels if other != label)
    remove = f"REMOVE n:{others} " if others else ""
    return (
        f"UNWIND $ids AS id MATCH (n:{quoted(base)} {{id: id}}) WHERE n.kg_dataset = $dataset "
        f"{remove}SET n:{quoted(label)}"
    )


def create_node_columns(label: str, base_label: str, keys: Sequence[str], shared: Set[str]) -> str:
    """Nodes the plan knows to be new (no lookup before the write), as column lists
    (`loader.neo4j.columns`): the `i`th node's properties are the `i`th values of the columns,
    or the one value of a shared column."""
    return (
        f"UNWIND range(0, $rows - 1) AS i "
        f"CREATE (n:{quoted(base_label)}:{quoted(label)} {_column_map(keys, shared)})"
    )


def create_relationship_columns(
    start_label: str, rel_type: str, end_label: str, keys: Sequence[str], shared: Set[str]
) -> str:
    """New relationships of one (from-label, type, to-label) group as column lists."""
    return (
        f"UNWIND range(0, $rows - 1) AS i "
        f"MATCH (a:{quoted(start_label)} {{id: $start[i]}}) "
        f"MATCH (b:{quoted(end_label)} {{id: $end[i]}}) "
        f"CREATE (a)-[r:{quoted(rel_type)} {_column_map(keys, shared)}]->(b)"
    )


def _column_map(keys: Sequence[str], shared: Set[str]) -> str:
    entries = (
        f"{quoted(key)}: ${param(index)}{'' if key in shared else '[i]'}"
        for index, key in enumerate(keys)
    )
    return "{" + ", ".join(entries) + "}"


def merge_nodes(label: str, base_label: str) -> str:
    """Create or replace the nodes of one label, keyed by id (index-backed); analysis scores
    written back by `kg analyze` survive the replacement."""
    keep = ", ".join(f".{name}" for name in ANALYSIS_PROPS)
    return (
        f"UNWIND $rows AS row MERGE (n:{quoted(base_label)}:{quoted(label)} {{id: row.id}}) "
        f"WITH n, row, n {{{keep}}} AS scores SET n = row.props SET n += scores"
    )


def write_scores(base: str) -> str:
    return f"UNWIND $rows AS row MATCH (n:{quoted(base)} {{id: row.id}}) SET n += row.scores"


def merge_relationships(start_label: str, rel_type: str, end_label: str) -> str:
    """Relationships of one (from-label, type, to-label) group, created or replaced (new ones
    go as columns: `create_relationship_columns`)."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{quoted(start_label)} {{id: row.start}}) "
        f"MATCH (b:{quoted(end_label)} {{id: row.end}}) "
        f"MERGE (a)-[r:{quoted(rel_type)}]->(b) SET r = row.props"
    )


def delete_relationships(base: str, rel_type: str) -> str:
    """Delete this dataset's relationships of one type, and nothing anyone else wrote."""
    return (
        f"UNWIND $rows AS row MATCH (a:{quoted(base)} {{id: row.start}})"
        f"-[r:{quoted(rel_type)}]->(b:{quoted(base)} {{id: row.end}}) "
        "WHERE r.kg_dataset = $dataset DELETE r"
    )


def delete_own_relationships_of_nodes(base: str) -> str:
    """Before one of this dataset's nodes goes, the relationships this dataset hung on it go."""
    return (
        f"UNWIND $ids AS id MATCH (n:{quoted(base)} {{id: id}})-[r]-() "
        "WHERE n.kg_dataset = $dataset AND r.kg_dataset = $dataset "
        "WITH DISTINCT r, type(r) AS type DELETE r RETURN type, count(*) AS deleted"
    )


def own_relationships_leaving(base: str) -> str:
    """How many of this dataset's relationships start at the given nodes, by type."""
    return (
        f"UNWIND $ids AS id MATCH (n:{quoted(base)} {{id: id}})-[r]->(:{quoted(base)}) "
        "WHERE n.kg_dataset = $dataset AND r.kg_dataset = $dataset "
        "RETURN type(r) AS type, count(r) AS n"
    )


def labels_of_own_nodes(base: str) -> str:
    return (
        f"UNWIND $ids AS id MATCH (n:{quoted(base)} {{id: id}}) "
        "WHERE n.kg_dataset = $dataset RETURN n.id AS id, labels(n) AS labels"
    )


def merge_document(base: str, document: str) -> str:
    """The document of a lexical graph; one the dataset already wrote is used as it is."""
    return (
        f"MERGE (d:{quoted(base)}:{quoted(document)} {{id: $document}}) "
        "ON CREATE SET d.name = $name, d.kg_lexical = true"
    )


def merge_sentences(base: str, document: str, sentence: str, has_sentence: str) -> str:
    return (
        f"MATCH (d:{quoted(base)}:{quoted(document)} {{id: $document}}) "
        f"UNWIND $rows AS row MERGE (s:{quoted(sentence)} {{id: row.id}}) "
        "SET s.document = $document, s.index = row.index, s.text = row.text, "
        "s.start = row.start, s.end = row.end "
        f"MERGE (d)-[:{quoted(has_sentence)}]->(s)"
    )


def merge_mentions(base: str, sentence: str, mentions: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (s:{quoted(sentence)} {{id: row.sentence}}) "
        f"MATCH (e:{quoted(base)} {{id: row.entity}}) "
        f"MERGE (s)-[m:{quoted(mentions)} {{start: row.start, end: row.end}}]->(e) "
        "SET m.surface = row.surface"
    )


def unlink_dropped_lexical(base: str, sentence: str, mentions: str, has_sentence: str) -> str:
    """Before a sync: the sentences of the dataset's documents that are no longer in `$sources`
    and the mentions of its entities no longer in `$ids`, so that nothing but the data holds
    what the sync's sweep is to delete."""
    return (
        f"MATCH (d:{quoted(base)} {{{DATASET_PROP}: $dataset}})-[:{quoted(has_sentence)}]->"
        f"(s:{quoted(sentence)}) WHERE NOT d.id IN $sources DETACH DELETE s "
        "WITH count(*) AS ignored "
        f"MATCH (:{quoted(sentence)})-[m:{quoted(mentions)}]->"
        f"(e:{quoted(base)} {{{DATASET_PROP}: $dataset}}) WHERE NOT e.id IN $ids DELETE m"
    )


def drop_stale_lexical(sentence: str, mentions: str) -> str:
    """Mentions and sentences of this document that the new extraction no longer has."""
    return (
        f"MATCH (s:{quoted(sentence)} {{document: $document}}) "
        "WHERE NOT s.id IN $sentence_ids DETACH DELETE s "
        f"WITH count(*) AS ignored MATCH (s:{quoted(sentence)} {{document: $document}})"
        f"-[m:{quoted(mentions)}]->(e) "
        "WHERE NOT (s.id + '|' + toString(m.start) + '|' + e.id) IN $mention_keys DELETE m"
    )


def curated_place_codes(base: str, division: str) -> str:
    return (
        f"MATCH (p:{quoted(base)}) WHERE p.code IS NOT NULL AND NOT p:{quoted(division)} "
        "AND (p.kg_dataset IS NULL OR p.kg_dataset <> $divisions) RETURN DISTINCT p.code AS code"
    )


def link_divisions(base: str, division: str, same_as: str) -> str:
    """Curated places with a `code` -> their division, citing the division's CSV row."""
    return (
        f"MATCH (p:{quoted(base)}) WHERE p.code IS NOT NULL AND NOT p:{quoted(division)} "
        "AND (p.kg_dataset IS NULL OR p.kg_dataset <> $divisions) "
        f"AND $lines[p.code] IS NOT NULL MATCH (d:{quoted(division)} {{code: p.code}}) "
        f"MERGE (p)-[r:{quoted(same_as)}]->(d) "
        "SET r.kg_dataset = $dataset, r.source = $source, r.sentence = $lines[p.code] "
        "RETURN count(r) AS linked"
    )


# Emptying a database (`maintenance.clear_database`), in batches, keeping the labels in $keep.
DELETE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
DELETE_NODES = (
    "MATCH (n) WHERE NOT any(l IN labels(n) WHERE l IN $keep) "
    "CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS"
)
CONSTRAINTS_NOT_KEPT = (
    "SHOW CONSTRAINTS YIELD name, labelsOrTypes "
    "WHERE NOT any(l IN coalesce(labelsOrTypes, []) WHERE l IN $keep) RETURN name"
)
INDEXES_NOT_KEPT = (
    "SHOW INDEXES YIELD name, type, labelsOrTypes "
    "WHERE type <> 'LOOKUP' AND NOT any(l IN coalesce(labelsOrTypes, []) WHERE l IN $keep) "
    "RETURN name"
)

# One load of a dataset at a time: a lease node per dataset, outside the graph's labels.
LEASE_LABEL = "KgLease"
COUNT_DATA_NODES = f"MATCH (n) WHERE NOT n:{LEASE_LABEL} RETURN count(n) AS n"  # leases aside
LEASE_CONSTRAINT = (
    "CREATE CONSTRAINT kg_lease_dataset IF NOT EXISTS FOR (l:KgLease) REQUIRE l.dataset IS UNIQUE"
)
# The write lock is taken (SET l.locked) before the lease is read, so two loads that start
# together cannot both see it free.
TAKE_LEASE = (
    "MERGE (l:KgLease {dataset: $dataset}) SET l.locked = true "
    "WITH l, coalesce(l.run = $run, false) AS renewing, "
    "(l.run IS NULL OR l.run = $run OR l.run IN $dead OR l.expires < datetime()) AS free "
    "SET l.since = CASE WHEN free AND NOT renewing THEN datetime() ELSE l.since END, "
    "l.run = CASE WHEN free THEN $run ELSE l.run END, "
    "l.holder = CASE WHEN free THEN $holder ELSE l.holder END, "
    "l.expires = CASE WHEN free THEN datetime() + duration({seconds: $ttl}) ELSE l.expires END "
    "REMOVE l.locked "
    "RETURN free AS ours, l.run AS run, l.holder AS holder, toString(l.since) AS since"
)
RELEASE_LEASE = "MATCH (l:KgLease {dataset: $dataset, run: $run}) DELETE l"
BREAK_LEASE = "MATCH (l:KgLease {dataset: $dataset}) DELETE l"
# The database-wide lease, a KgLease of the reserved dataset name `$all`: every load takes its
# write lock first (so a load and a wipe that start together are serialised), and a wipe or a
# prune claims it alone. `open` is false while another live run claims it.
LOCK_DATABASE = (
    "MERGE (g:KgLease {dataset: $all}) SET g.locked = true REMOVE g.locked "
    "WITH g, coalesce(g.run IN $dead OR g.expires < datetime(), false) AS gone "
    "SET g.run = CASE WHEN gone THEN null ELSE g.run END, "
    "g.holder = CASE WHEN gone THEN null ELSE g.holder END "
    "RETURN g.run IS NULL OR g.run = $run AS open, "
    "g.run AS run, g.holder AS holder, toString(g.since) AS since"
)
# Other datasets' leases whose holder was a process on this machine that is gone.
DROP_DEAD_LEASES = (
    "MATCH (l:KgLease) WHERE l.run IN $dead AND l.dataset <> $all AND l.dataset <> $dataset "
    "DELETE l"
)
CLAIM_DATABASE = (
    "MATCH (g:KgLease {dataset: $all}) "
    "SET g.since = CASE WHEN g.run = $run THEN g.since ELSE datetime() END, g.run = $run, "
    "g.holder = $holder, g.expires = datetime() + duration({seconds: $ttl})"
)
# The live leases of other datasets (a load running): what a wipe or a prune must wait for.
OTHER_LEASES = (
    "MATCH (l:KgLease) WHERE l.dataset <> $all AND l.dataset <> $dataset AND l.run IS NOT NULL "
    "AND l.expires >= datetime() AND NOT l.run IN $dead "
    "RETURN l.dataset AS dataset, l.run AS run, l.holder AS holder, toString(l.since) AS since "
    "ORDER BY l.since LIMIT 1"
)
ALL_LEASES = "MATCH (l:KgLease) RETURN l.dataset AS dataset, l.run AS run, l.holder AS holder"
# Released by its claimer; left by a load only when no wipe or prune claims it.
RELEASE_DATABASE = (
    "MATCH (g:KgLease {dataset: $all}) SET g.locked = true REMOVE g.locked "
    "WITH g WHERE g.run IS NULL OR g.run = $run DELETE g"
)


# The load record: one `KgLoad` node per load, outside the graph's labels (like the lease).
# Written when the load starts (no `ended`) and completed at its end; a record with no `ended`
# is a load that stopped half-way.
START_LOAD = (
    "CREATE (l:KgLoad {run: $run, dataset: $dataset, version: $version, holder: $holder, "
    "command: $command, started: datetime()})"
)
# How many loads the dataset's records hold, how many by a command other than $besides, and
# the newest such command (null: a record older than the field).
OTHER_WRITER = (
    "MATCH (l:KgLoad {dataset: $dataset}) WITH l ORDER BY l.started DESC "
    "WITH collect(l) AS loads "
    "WITH loads, [x IN loads WHERE x.command IS NULL OR x.command <> $besides] AS others "
    "RETURN size(loads) AS loads, size(others) AS others, others[0].command AS command"
)
END_LOAD = (
    "MATCH (l:KgLoad {run: $run, dataset: $dataset}) SET l.ended = datetime(), l += $totals, "
    "l.held = $held, l.chunk_keys = $keys, l.chunk_digests = $digests, l.chunk_groups = $groups, "
    "l.stale_links = $stale_links "
    "WITH l MATCH (o:KgLoad {dataset: $dataset}) "
    "WHERE o.run <> $run AND o.chunk_groups IS NOT NULL REMOVE o.chunk_groups"
)
# The dataset's newest load, and whether a load that stopped half-way came after its newest
# complete one (the rows may then hold what no complete record describes).
LAST_LOADS = (
    "MATCH (l:KgLoad {dataset: $dataset}) WITH l ORDER BY l.started DESC "
    "WITH collect(l) AS loads "
    "WITH loads, [x IN loads WHERE x.ended IS NOT NULL][0] AS done "
    "RETURN done.run AS run, done.version AS version, done.held AS held, "
    "done.chunk_keys AS keys, done.chunk_digests AS digests, done.chunk_groups AS groups, "
    "done.stale_links AS stale_links, "
    "toString(done.ended) AS ended, "
    "size([x IN loads WHERE x.ended IS NULL AND (done IS NULL OR x.started > done.started)]) "
    "AS broken"
)
DATASET_VERSIONS = (
    "MATCH (l:KgLoad) WHERE l.ended IS NOT NULL WITH l ORDER BY l.ended DESC "
    "RETURN l.dataset AS dataset, collect(l.version)[0] AS version"
)


def unstamp_nodes(base: str) -> str:
    """The per-row run stamps of an older loader, off this dataset's nodes."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.kg_dataset = $dataset "
        "AND (n.kg_run IS NOT NULL OR n.kg_version IS NOT NULL) "
        "CALL (n) { REMOVE n.kg_run, n.kg_version } IN TRANSACTIONS OF 10000 ROWS"
    )


UNSTAMP_RELATIONSHIPS = (
    "MATCH ()-[r]->() WHERE r.kg_dataset = $dataset "
    "AND (r.kg_run IS NOT NULL OR r.kg_version IS NOT NULL) "
    "CALL (r) { REMOVE r.kg_run, r.kg_version } IN TRANSACTIONS OF 10000 ROWS"
)


def stamped_node(base: str) -> str:
    """A node of this dataset that still carries an older loader's run stamp."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.kg_dataset = $dataset AND n.kg_run IS NOT NULL "
        "RETURN n.id AS id LIMIT 1"
    )


def foreign_under_prefix(base: str) -> str:
    """Nodes another dataset or tool wrote whose ids start as this dataset's all do: one range
    seek on the id index, where checking every id would read the source twice."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.id STARTS WITH $prefix "
        "AND (n.kg_dataset IS NULL OR n.kg_dataset <> $dataset) RETURN n.id AS id LIMIT $limit"
    )


# Reading the graph back in pages (keyset paging on the id index: memory stays flat however
# large the graph). `$labels` are the schema's labels: a node is read when exactly one of its
# labels is; `$types` the schema's relationship types. `leave_out` is a label left out of the
# read (the gazetteer, when only the curated graph is wanted).
def _not_label(var: str, leave_out: str | None) -> str:
    return f" AND NOT {var}:{quoted(leave_out)}" if leave_out else ""


def count_nodes_of(base: str, leave_out: str | None = None) -> str:
    """Nodes of the base label, less those of `leave_out` (both from the count store; the
    loader gives every node the base label)."""
    total = f"MATCH (n:{quoted(base)}) WITH count(n) AS total "
    if not leave_out:
        return total + "RETURN total AS n"
    return total + (
        f"MATCH (d:{quoted(leave_out)}) WITH total, count(d) AS left_out "
        "RETURN total - left_out AS n"
    )


def entity_page(base: str, leave_out: str | None = None) -> str:
    """One page of nodes as one record (a record per node costs the driver far more)."""
    return (
        f"MATCH (n:{quoted(base)}) WHERE n.id > $after{_not_label('n', leave_out)} "
        "WITH n ORDER BY n.id LIMIT $page "
        "RETURN max(n.id) AS last, collect([n.id, labels(n), properties(n)]) AS rows"
    )


def relation_page(base: str, leave_out: str | None = None) -> str:
    """The relationships leaving one page of start nodes (paged by the start node's id), as
    one record; `last` is the page's last start node, null past the end."""
    return (
        f"MATCH (a:{quoted(base)}) WHERE a.id > $after{_not_label('a', leave_out)} "
        "AND size([l IN labels(a) WHERE l IN $labels]) = 1 "
        "WITH a ORDER BY a.id LIMIT $page "
        f"OPTIONAL MATCH (a)-[r]->(b:{quoted(base)}) WHERE type(r) IN $types AND b.id IS NOT NULL "
        f"AND size([l IN labels(b) WHERE l IN $labels]) = 1{_not_label('b', leave_out)} "
        "RETURN max(a.id) AS last, collect(CASE WHEN r IS NOT NULL "
        "THEN [a.id, type(r), b.id, properties(r)] END) AS rows"
    )
