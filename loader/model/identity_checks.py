"""One id, one entity; one name, one entity: the checks that keep lookups unambiguous.

A name or alias leads to one entity only, compared under `text_rules.fold`, so that a copy in
full-width digits, compatibility ideographs or with a zero-width space is a duplicate of the
real name, not a new entity beside it. Each clash names both places.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from loader.model.dataset import Dataset, Entity, Location
from loader.model.problems import Fault, Problem
from loader.model.properties import PropertySpec
from loader.model.text_rules import fold


def unique_id(dataset: Dataset, entity_id: str, at: Location, problems: list[Problem]) -> bool:
    first = dataset.entities.get(entity_id)
    if first is not None:
        twice = f"duplicate id {entity_id!r} (first defined at {first.location})"
        problems.append(Problem(at.file, at.line, code="duplicate-id", message=twice))
        return False
    return True


def unique_names(dataset: Dataset, unnamed: Collection[str], problems: list[Problem]) -> None:
    """A name or alias must lead to one entity only, or a lookup by it would be ambiguous
    (the `unnamed` labels, documents and claims, are not looked up by name)."""
    owner: dict[str, tuple[str, Entity]] = {}
    for entity in dataset.entities.values():
        if entity.label in unnamed:
            continue
        names = [entity.name, *entity.properties.get("aliases", [])]
        for alias in dict.fromkeys(names):
            key = fold(alias)
            claimed = owner.get(key)
            if claimed is None:
                owner[key] = (alias, entity)
                continue
            first_alias, first = claimed
            if first.id == entity.id:
                continue
            if first_alias == alias:
                message = (
                    f"alias {alias!r} of {entity.id!r} is already claimed by "
                    f"{first.id!r} ({first.location})"
                )
            else:
                message = (
                    f"alias {alias!r} of {entity.id!r} duplicates {first_alias!r} of "
                    f"{first.id!r} ({first.location}): equal after compatibility folding "
                    "(NFKC, width, zero-width)"
                )
            at = entity.location
            problems.append(Problem(at.file, at.line, code="duplicate-name", message=message))


def unconfirmed_identifier(props: dict[str, Any], specs: dict[str, PropertySpec]) -> Fault | None:
    """An outside identifier (a property whose values are IRIs: wikidata) says who confirms it:
    the entity's `sources` name the document that shows it and a `note` says how, so an item
    is never stored on a guess."""
    for name, spec in specs.items():
        if spec.rdf.iri and name in props and not (props.get("sources") and props.get("note")):
            return Fault(
                code="unconfirmed-identifier",
                message=f"{name} needs the source that confirms it (sources) and a note saying how",
            )
    return None
