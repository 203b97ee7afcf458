"""A problem found in a user's file, as a value: where, which fault (a stable code), what to say.

Readers, validation, the schema loader and the RDF importer build `Problem`s; `kg validate` prints
them as text, JSON or CSV without parsing anything back. `CODES` is the catalogue of every code:
a script may match on a code, a person looks it up in docs/curation.md, whose table is
`codes_table()`. A helper that knows what is wrong but not where returns a `Fault`.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 0: the whole file, or a file without lines (RDF)
    _: KW_ONLY
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a code made up at the call site would never be documented
            raise ValueError(f"problem code {self.code!r} is not in the catalogue")

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Fault:
    """What is wrong, before it has a place: the caller puts it at a file and line."""

    code: str
    message: str

    def at(self, file: str, line: int) -> Problem:
        return Problem(file, line, code=self.code, message=self.message)


# Every code, in the order docs/curation.md lists them: what it means and how to fix it.
CODES: dict[str, str] = {
    "cannot-read": "a file or folder cannot be read or listed (missing, no permission, "
    "I/O error): check the path and its permissions",
    "outside-data-folder": "a file, or a source's `text:`, leads outside the data folder (an "
    "absolute path, `..` or a symlink): name a file inside data/",
    "not-a-regular-file": "a folder, FIFO, socket or device where a data file belongs: "
    "put a regular file there or remove it",
    "file-too-large": "a file is over the 16 MiB limit: split it",
    "not-utf8": "the file is not valid UTF-8: save it as UTF-8",
    "nul-byte": "the file holds a NUL byte (is it a binary file?): remove it",
    "unsupported-file-type": "a file in entities/ or facts/ is neither YAML (.yaml, .yml) nor "
    "CSV (.csv): convert it or move it away",
    "yaml-syntax": "the YAML cannot be parsed (a syntax error, a control character): fix the "
    "file at that line",
    "yaml-alias": "a YAML alias (*name): curated files write every value out in full",
    "duplicate-key": "a key appears twice in one mapping (YAML would keep the last only): keep one",
    "csv-header": "a CSV file has no header, or a header with empty or repeated columns",
    "csv-row-width": "a CSV row has more or fewer cells than the header: quote a cell that "
    "holds a comma, or add the missing cells",
    "csv-syntax": "the CSV cannot be parsed (an unterminated quote): fix the file",
    "not-a-data-folder": "the path given is not a folder: give the data folder (kg.toml's `data`)",
    "no-sources-folder": "the data folder has no sources/ folder: every fact needs a source",
    "bad-shape": "a file, entity, statement, fact or value is not in the shape docs/curation.md "
    "shows (a list where a mapping belongs, a fact not [from, TYPE, to] …)",
    "unknown-label": "an entity's `type` is missing or is not a label of the schema (in RDF: a "
    "class of the ontology the schema does not define): use a label of schema/schema.yaml",
    "document-in-entities": "a document is written as an entity: a source goes in "
    "data/sources/, with its text",
    "unknown-property": "a key that the label or type does not declare, or that a value may "
    "not carry: rename it (see the hint) or remove it",
    "missing-property": "a required property is missing (an entity's name, a fact's sentence "
    "or source, a source's `text:`): add it",
    "bad-value": "a value of the wrong type, out of range, not one of the allowed values, not "
    "matching its pattern or not valid Unicode: correct it",
    "bad-name": "a name, alias or id is not in Unicode NFC or holds an invisible or control "
    "character: write the form the message gives",
    "cited-property-in-entity": "a cited property (a number, a status) is written on the "
    "entity: state it as a value under its sentence in a facts file",
    "unconfirmed-identifier": "an outside identifier (wikidata) without the source that "
    "confirms it (`sources`) and a `note` saying how",
    "duplicate-id": "two entities or sources share an id: rename one or merge them",
    "duplicate-name": "a name or alias leads to two entities (also when equal after "
    "compatibility folding): keep it on one",
    "unknown-source": "a citation or an entity's `sources` names a source with no file in "
    "data/sources/: fix the id or add the source",
    "unknown-type": "a relation's type is not a relationship type of the schema",
    "dangling-endpoint": "a relation or a value names an entity id that does not exist: fix "
    "the id or add the entity",
    "self-relation": "a relation from an entity to itself",
    "pair-not-allowed": "the schema does not allow this relationship type between these two "
    "labels: choose another type, or change the schema's patterns",
    "duplicate-relation": "the same (from, TYPE, to) is stated twice: cite it once, and list it "
    "under `corroborates:` where another source states it too",
    "corroborates-nothing": "a corroboration names a relation that no statement states under "
    "`facts:`, or cites its own source again: state it under `facts:` once",
    "sentence-not-in-source": "the cited sentence is not found verbatim in its source's text: "
    "copy it exactly, spun wording and punctuation included",
    "undated-timed-fact": "a fact of a timed property or type (a status, an office) has no "
    "date: give as_of, start_date or end_date, or undated: true with a note",
    "undated-without-note": "`undated: true` without a `note` saying why",
    "undated-yet-dated": "`undated: true` on a fact that also carries a date: keep one",
    "end-before-start": "an end_date before its start_date",
    "dated-in-future": "a value dated after today: a plan is a value of its own (opening_year …)",
    "not-a-cited-property": "a value names a property that its entity's label does not mark "
    "`cited: true`",
    "duplicate-value": "the same value, sentence and dates are stated twice: cite it once",
    "conflicting-values": "two values of one property hold on the same day (or are both "
    "undated): date them or drop one",
    "no-claims-in-schema": "the facts give values, but the schema has no claim label and type",
    "outside-base": "an RDF subject's IRI is outside the base IRI it is read with: read it with "
    "the base the export used",
    "multiple-values": "an RDF subject or statement has several values for a single-valued "
    "property",
    "no-entities": "the RDF file holds no entity of a class of the schema",
    "schema-shape": "a section or entry of the schema file is not the mapping or list it must be",
    "schema-identifier": "a label, type, property, base_label or lexical name is not a plain "
    "identifier (A-Z, a-z, 0-9, _; a letter first) or clashes with a label",
    "schema-property-type": "a property has no type, or one that is not known",
    "schema-unknown-key": "a property, style or rdf entry has a key the schema does not know "
    "(quote a description that holds a comma)",
    "schema-bad-value": "a setting is missing, of the wrong kind or out of range (a flag not "
    "true/false, a pattern that is no regex, min above max, a colour not #RRGGBB, a key that "
    "is not a required common property …)",
    "schema-unknown-property": "an index or a caption names a property the label does not have",
    "schema-undefined-label": "a relationship's patterns name a label the schema does not define",
    "schema-no-pairs": "a relationship allows no (from, to) pair: give it patterns",
    "schema-unknown-role": "a label or type has a role the schema does not know",
    "schema-role-holders": "a role that one label or type must hold is held by none or by several",
    "schema-curie": "an rdf term is not a CURIE (prefix:name) of a known vocabulary",
    "schema-rdf-conflict": "one property name is declared with different rdf alignments (it is "
    "one RDF term)",
    "schema-citation": "a citation rule is broken: a label's number not `cited: true`, or "
    "cited/timed where they do not apply or without a claim label and type",
}
# The codes whose problems are warnings (made with severity="warning"): shown, but `kg validate`
# still succeeds. None yet.
WARNINGS: frozenset[str] = frozenset()


def severity_of(code: str) -> Severity:
    return "warning" if code in WARNINGS else "error"


def codes_table() -> str:
    """The catalogue as the Markdown table docs/curation.md holds."""
    rows = [f"| `{code}` | {severity_of(code)} | {text} |" for code, text in CODES.items()]
    return "\n".join(["| code | severity | what it means |", "| --- | --- | --- |", *rows]) + "\n"
