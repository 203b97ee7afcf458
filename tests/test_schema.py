"""The schema file: its annotations (roles, style, RDF alignment of labels, types and properties)
are checked where they are written, and no module outside loader/model/ spells a label or
relationship type itself, nor does the rdf package map a property to a predicate itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from loader.model.contrast import contrast_ratio
from loader.model.errors import DataInvalid
from loader.model.properties import PropertyAlignment
from loader.model.schema import load_schema
from loader.model.schema_annotations import VOCABULARIES
from loader.rdf.vocab import PREFIXES, SCHEMA, Names, Predicate, property_predicates

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "schema.yaml"
TEXT = SCHEMA_FILE.read_text("utf-8")


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    assert TEXT.count(old) == 1, old
    path = tmp_path / "schema.yaml"
    path.write_text(TEXT.replace(old, new), "utf-8")
    with pytest.raises(DataInvalid) as caught:
        load_schema(path)
    return [str(p).replace(str(path), "schema.yaml", 1) for p in caught.value.problems]


def _line(needle: str) -> int:
    return TEXT[: TEXT.index(needle)].count("\n") + 1


def test_the_roles_are_held_as_the_modules_expect() -> None:
    schema = load_schema(SCHEMA_FILE)
    assert schema.label_for("document") == "Document"
    assert schema.label_for("gazetteer") == "Division"
    assert schema.labels_with_role("context") == ("Division", "Document", "Claim")
    assert schema.claims() == ("Claim", "HAS_CLAIM")
    assert schema.unnamed() == ("Document", "Claim")
    assert schema.types_with_role("transport") == ("CONNECTS_TO", "RELIEVES")
    assert schema.type_for("containment") == "LOCATED_IN"
    assert schema.type_for("identity") == "SAME_AS"
    assert all(spec.style.colour for spec in schema.labels.values())
    assert schema.labels["Pillar"].style.emphasis
    assert ("skos:closeMatch", "wdt:P131") in schema.relationships["LOCATED_IN"].rdf


def test_a_bad_colour_is_reported_at_its_line(tmp_path: Path) -> None:
    old = 'style: {colour: "#17BECF",'
    found = _problems(tmp_path, old, 'style: {colour: "#17BECG",')
    assert found == [
        f"schema.yaml:{_line(old)}: labels.Organization: colour '#17BECG' is not #RRGGBB"
    ]


def test_a_label_without_a_colour_is_reported(tmp_path: Path) -> None:
    old = '    style: {colour: "#AEC7E8"}\n'
    found = _problems(tmp_path, old, "")
    assert found == [
        f"schema.yaml:{_line('    zh: 人物')}: labels.Person: style.colour (#RRGGBB) is required"
    ]


def test_bad_style_keys_and_values_are_reported(tmp_path: Path) -> None:
    old = 'style: {colour: "#FF9896", diameter: 140, font_size: 12}'
    new = 'style: {colour: "#FF9896", diameter: 5, caption: title, size: 3, font_size: 4.5}'
    line = _line(old)
    assert _problems(tmp_path, old, new) == [
        f"schema.yaml:{line}: labels.Strategy: unknown style key 'size'",
        f"schema.yaml:{line}: labels.Strategy: diameter must be 10 to 200 (pixels)",
        f"schema.yaml:{line}: labels.Strategy: font_size must be 6 to 40 (pixels)",
        f"schema.yaml:{line}: labels.Strategy: caption 'title' is not a property",
    ]


def test_names_and_colours_that_could_carry_commands_are_refused(tmp_path: Path) -> None:
    """A property name is an identifier and a colour exactly #RRGGBB: either flows into Browser's
    post-connect command and the stylesheet, where a quote, `;` or line break would start
    another command."""
    old = "      pillar: {type: string, values: [一谷, 一城, 一区, 一带, 一中心]}"
    hostile = "      'x\";server disconnect;\"': {type: string}"
    assert _problems(tmp_path, old, old + "\n" + hostile) == [
        f'schema.yaml:{_line(old) + 1}: labels.Pillar.x";server disconnect;": a property name '
        "is letters, digits and _ (a letter first)"
    ]
    colour = 'style: {colour: "#17BECF",'
    assert _problems(tmp_path, colour, 'style: {colour: "#17BECF\\n",') == [
        f"schema.yaml:{_line(colour)}: labels.Organization: colour '#17BECF\\n' is not #RRGGBB"
    ]


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#000000", "#FFFFFF", 21.0), ("#777777", "#777777", 1.0), ("#FFFFFF", "#767676", 4.54)],
)
def test_contrast_ratio_follows_wcag(first: str, second: str, ratio: float) -> None:
    assert round(contrast_ratio(first, second), 2) == ratio
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


def test_an_unknown_role_is_reported(tmp_path: Path) -> None:
    old = "    description: relieves the traffic on a road\n    roles: [transport]"
    found = _problems(tmp_path, old, old.replace("[transport]", "[transport, transit]"))
    assert found == [
        f"schema.yaml:{_line(old) + 1}: relationships.RELIEVES: unknown role 'transit' "
        "(known: claim, containment, identity, office, pillar, transport)"
    ]


def test_an_unknown_role_names_the_known_ones(tmp_path: Path) -> None:
    old = "roles: [document, context]"
    found = _problems(tmp_path, old, "roles: [documents, context]")
    assert f"schema.yaml:{_line(old)}: labels.Document: unknown role 'documents'" in found[0]
    assert "(known: claim, context, document, gazetteer)" in found[0]
    # Document lost its role, so nothing holds `document` any more: that is a problem too.
    assert any("exactly one must have the role 'document'" in p for p in found)


def test_a_unique_role_held_twice_is_reported(tmp_path: Path) -> None:
    old = "roles: [gazetteer, context]"
    found = _problems(tmp_path, old, "roles: [document, context]")
    assert found == [
        f"schema.yaml:{_line('labels:')}: labels: exactly one must have the role 'document' "
        "(found Division, Document)",
        f"schema.yaml:{_line('labels:')}: labels: exactly one must have the role 'gazetteer'",
    ]


def test_an_unknown_curie_prefix_is_reported(tmp_path: Path) -> None:
    old = "rdf: {subPropertyOf: [schema:organizer]}"
    found = _problems(tmp_path, old, "rdf: {subPropertyOf: [sdo:organizer]}")
    assert found == [
        f"schema.yaml:{_line(old)}: relationships.HELD_BY: unknown CURIE prefix 'sdo' "
        "in 'sdo:organizer'"
    ]


def test_bad_alignments_are_reported(tmp_path: Path) -> None:
    old = "rdf: {subClassOf: [schema:Event]}"
    found = _problems(tmp_path, old, "rdf: {subClassOf: [Event], sameAs: [schema:Event]}")
    assert found == [
        f"schema.yaml:{_line(old)}: labels.Event: 'Event' is not a CURIE (prefix:name)",
        f"schema.yaml:{_line(old)}: labels.Event: unknown rdf key 'sameAs' (known: subClassOf)",
    ]


def test_properties_carry_their_predicate_and_language() -> None:
    schema, names = load_schema(SCHEMA_FILE), Names()
    assert schema.common["name"].rdf == PropertyAlignment("skos:prefLabel", "zh", ("rdfs:label",))
    assert schema.provenance["sentence"].rdf == PropertyAlignment(None, "zh")
    assert schema.labels["Road"].properties["length_km"].rdf == PropertyAlignment()
    predicates = property_predicates(schema, names)
    assert predicates["name"] == Predicate(SKOS.prefLabel, "zh", (RDFS.label,))
    assert {name: (p.iri, p.lang) for name, p in predicates.items() if not p.also}.items() >= {
        "id": (DCTERMS.identifier, None),
        "name_en": (RDFS.label, "en"),
        "aliases": (SKOS.altLabel, "zh"),
        "description": (RDFS.comment, "en"),
        "note": (SKOS.note, "en"),
        "title": (DCTERMS.title, "zh"),
        "title_en": (DCTERMS.title, "en"),
        "publisher": (DCTERMS.publisher, None),
        "language": (DCTERMS.language, None),
        "published": (DCTERMS.issued, None),
        "url": (SCHEMA.url, None),
        "sources": (PROV.wasDerivedFrom, None),
        "source": (PROV.wasDerivedFrom, None),
        "sentence": (names.prop("sentence"), "zh"),
        "length_km": (names.prop("length_km"), None),
    }.items()


def test_bad_property_alignments_are_reported(tmp_path: Path) -> None:
    old = "publisher: {type: string, rdf: {predicate: dcterms:publisher}}"
    new = "publisher: {type: string, rdf: {predicate: dc:publisher, lang: EN, also: x, as: y}}"
    where = f"schema.yaml:{_line(old)}: labels.Document.publisher"
    assert _problems(tmp_path, old, new) == [
        f"{where}: unknown rdf key 'as' (known: predicate, lang, also, iri, spaced)",
        f"{where}: unknown CURIE prefix 'dc' in 'dc:publisher'",
        f"{where}: 'x' is not a CURIE (prefix:name)",
        f"{where}: lang 'EN' is not a simple BCP 47 tag (such as zh, zh-Hans, en-GB)",
    ]


@pytest.mark.parametrize("lang", ["zh", "en", "zh-Hans", "en-GB", "es-419", "zh-Hant-TW"])
def test_simple_language_tags_are_accepted(tmp_path: Path, lang: str) -> None:
    old = "rdf: {predicate: dcterms:publisher}"
    path = tmp_path / "schema.yaml"
    path.write_text(TEXT.replace(old, f"rdf: {{predicate: dcterms:publisher, lang: {lang}}}"))
    assert load_schema(path).labels["Document"].properties["publisher"].rdf.lang == lang


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("zh_CN", "'zh_CN'"), ("english", "'english'"), ("zh-hans-", "'zh-hans-'"), ("12", "12")],
)
def test_other_language_tags_are_refused(tmp_path: Path, lang: str, shown: str) -> None:
    old = "rdf: {lang: zh}"
    found = _problems(tmp_path, old, f"rdf: {{lang: {lang}}}")
    assert found == [
        f"schema.yaml:{_line(old)}: provenance_properties.sentence: lang {shown} is not a "
        "simple BCP 47 tag (such as zh, zh-Hans, en-GB)"
    ]


def test_a_property_rdf_entry_must_be_a_mapping(tmp_path: Path) -> None:
    old = "url: {type: string, rdf: {predicate: schema:url}}"
    found = _problems(tmp_path, old, "url: {type: string, rdf: schema:url}")
    assert found == [f"schema.yaml:{_line(old)}: labels.Document.url: rdf must be a mapping"]


@pytest.mark.parametrize(
    "spaced", ['{"wdt:P442": 2}', '{"wdt:P442": [2, 0]}', "[2, 2]", '{"nope:P442": [2]}']
)
def test_spaced_copies_need_a_curie_and_group_lengths(tmp_path: Path, spaced: str) -> None:
    old = "url: {type: string, rdf: {predicate: schema:url}}"
    found = _problems(tmp_path, old, f"url: {{type: string, rdf: {{spaced: {spaced}}}}}")
    assert len(found) == 1 and found[0].startswith(f"schema.yaml:{_line(old)}: labels.Document.url")
    assert "spaced" in found[0] or "CURIE" in found[0]


def test_a_name_declared_twice_has_one_alignment(tmp_path: Path) -> None:
    """`note` of an entity and `note` of a relation are one predicate in the export and the
    importer reads them back by predicate, so their alignments must agree."""
    old = "note: {type: string, description: the curator's remark, rdf: {predicate: skos:note"
    found = _problems(tmp_path, old, old.replace("skos:note", "rdfs:comment"))
    first = _line('  note: {type: string, description: "why a name')
    assert found == [
        f"schema.yaml:{_line(old)}: provenance_properties.note: rdf differs from that of note "
        f"at line {first + 1} (one RDF term)"
    ]


def test_the_export_binds_the_vocabularies_alignments_name() -> None:
    assert {p: str(ns) for p, ns in PREFIXES.items()} == VOCABULARIES


# Cypher or words a string may hold besides a name: `:Label`, `` `Label` `` or the whole string.
NAMED = re.compile(r"^(?P<whole>\w+)$|[:`](?P<part>\w+)`?")


def _string_constants(tree: ast.AST) -> list[tuple[int, str]]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_no_module_outside_the_model_spells_a_label_or_type() -> None:
    """Labels and types come from the loaded schema; loader/model/ reads the schema itself."""
    schema = load_schema(SCHEMA_FILE)
    names = {*schema.labels, *schema.relationships, *schema.lexical.values()}
    found = []
    for path in sorted((ROOT / "loader").rglob("*.py")):
        if path.parent.name == "model":
            continue
        for line, text in _string_constants(ast.parse(path.read_text("utf-8"))):
            for match in NAMED.finditer(text):
                word = match.group("whole") or match.group("part")
                if word in names:
                    found.append(f"{path.relative_to(ROOT)}:{line}: {word}")
    assert found == []


def test_the_rdf_package_names_no_aligned_property_but_the_citations() -> None:
    """Predicates come from the schema's `rdf:` entries; the rdf modules spell only the names
    that are references to source documents (`sources`, `source`) or the cited `sentence`."""
    schema = load_schema(SCHEMA_FILE)
    aligned = {p.name for p in schema.declared_properties() if p.rdf != PropertyAlignment()}
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted((ROOT / "loader" / "rdf").glob("*.py"))
        for line, text in _string_constants(ast.parse(path.read_text("utf-8")))
        if text in aligned - {"sources", "source", "sentence"}
    ]
    assert found == []


def test_an_unquoted_comma_in_a_description_is_reported(tmp_path: Path) -> None:
    """In a `{…}` mapping a comma starts a new key: the rest of the text must not vanish."""
    quoted = 'description: "the office, in Chinese"'
    problems = _problems(tmp_path, quoted, "description: the office, in Chinese")
    assert problems == [
        f"schema.yaml:{_line(quoted)}: relationships.HOLDS_OFFICE_IN.role: unknown key "
        "'in Chinese' (quote a description that holds a comma)"
    ]
    assert load_schema(SCHEMA_FILE).relationship_properties("HOLDS_OFFICE_IN")[
        "role"
    ].description == ("the office, in Chinese")


def test_citation_rules_of_the_schema(tmp_path: Path) -> None:
    """Numbers are cited, a cited label can reach the claims, cited/timed are label-only."""
    found = _problems(
        tmp_path,
        "      - from: [Park, Project, Road, Railway, Target]",
        "      - from: [Park, Project, Road, Target]",
    )
    assert any(
        "labels.Railway.status: cited, but the claim type has no pattern" in p for p in found
    )
    found = _problems(
        tmp_path,
        "      lanes: {type: integer, unit: lanes, cited: true, min: 1,",
        "      lanes: {type: integer, unit: lanes, min: 1,",
    )
    rule = "labels.Road.lanes: a number must be `cited: true` (a source states it)"
    assert found == [f"schema.yaml:{_line('version: 1')}: {rule}"]
    found = _problems(
        tmp_path,
        "      minutes: {type: integer, description: travel time",
        "      minutes: {type: integer, cited: true, description: travel time",
    )
    assert any("relationships.CONNECTS_TO.minutes: cited/timed apply to label" in p for p in found)
