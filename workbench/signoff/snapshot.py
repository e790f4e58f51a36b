"""A frozen snapshot of a project's deliverables, in a canonical serialisation with its SHA-256.

A snapshot is sections of items: `{section: {item key: item}}`, every item plain JSON. Item keys
are what comments anchor to and what "changed since" names: `requirement:REQ-3`,
`process:<lineage>` (its steps `step:<lineage>/<node id>`), `modification:MOD-2`,
`scenario:<file>/<name>`, `config:earn.base_rate`. The canonical form (sorted keys, no spaces,
UTF-8, Decimals and dates as strings) makes equal content hash equal whatever the order it was
read in; the stored text is the exact bytes hashed, so a hash can always be recomputed.

Only content people sign is read: no acceptance results, no timestamps, no database ids of rows
that are rewritten (a re-run of the scenarios must not make approvals stale).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from loyalty_core.config.models import ConfigVersion
from process_models.diff import diff
from process_models.enums import Variant
from process_models.model import ProcessModel
from workbench.acceptance.models import Feature, Scenario
from workbench.interviews.models import Interview
from workbench.inventories.enums import Category
from workbench.inventories.models import InventoryItem
from workbench.modifications.models import Modification, modification_dependencies, requirement_modifications
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.requirements.models import Requirement, RequirementStep

Items = dict[str, Any]


def jsonable(value: Any) -> Any:
    """Plain JSON values: Decimals and dates as their exact strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _exact(value: Any) -> str:
    """Decimals and dates as their exact strings (what `jsonable` does, for values left in place)."""
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a snapshot")


def canonical(value: Any) -> str:
    """The canonical JSON text of `value`: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_exact)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """Sections of items plus a little metadata (the project and version it was built from)."""

    sections: dict[str, Items]
    meta: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return canonical({"meta": self.meta, "sections": self.sections})

    @property
    def content_hash(self) -> str:
        return sha256(self.text())

    def section_hash(self, name: str) -> str:
        return sha256(canonical(self.sections.get(name, {})))

    def item(self, key: str) -> tuple[str, Any] | None:
        """(section, item) of an item key, or None."""
        for name, items in self.sections.items():
            if key in items:
                return name, items[key]
        return None

    def item_hashes(self) -> dict[str, str]:
        """Each item's own hash, by key (for "what changed" between two snapshots)."""
        return {
            key: sha256(canonical(item)) for items in self.sections.values() for key, item in items.items()
        }

    @classmethod
    def from_text(cls, text: str) -> Snapshot:
        data = json.loads(text)
        return cls(sections=data["sections"], meta=data.get("meta", {}))


# --- sections --------------------------------------------------------------------------------


def requirement_items(session: Session, project: Project) -> Items:
    """The requirements list: one item per requirement (its fit/gap decision is the gap map's)."""
    chosen = Requirement.project_id == project.id
    steps: dict[int, list[str]] = defaultdict(list)
    for link in session.execute(
        select(RequirementStep.requirement_id, RequirementStep.process_lineage, RequirementStep.node_id)
        .join(Requirement)
        .where(chosen)
    ):
        steps[link.requirement_id].append(f"{link.process_lineage}/{link.node_id}")
    for links in steps.values():
        links.sort()  # a canonical order whatever order the rows came in
    rows = session.execute(
        select(
            Requirement.id,
            Requirement.number,
            Requirement.title,
            Requirement.description,
            Requirement.priority,
            Requirement.process_area,
            Requirement.source_kind,
        )
        .where(chosen)
        .order_by(Requirement.number)
    )
    return {
        f"requirement:REQ-{r.number}": {
            "ref": f"REQ-{r.number}",
            "title": r.title,
            "description": r.description,
            "priority": r.priority,
            "process_area": r.process_area,
            "source": r.source_kind,
            "steps": steps[r.id],
        }
        for r in rows
    }


def gap_map_items(session: Session, project: Project) -> Items:
    """The gap map: each requirement's classification, capability or modifications, status."""
    mods: dict[int, list[str]] = defaultdict(list)
    # Driven from the project's requirements: the link table's key starts with requirement_id
    # (from the modifications' side SQLite scans the whole table once per modification).
    for row in session.execute(
        select(Requirement.id.label("requirement_id"), Modification.number)
        .select_from(Requirement)
        .join(requirement_modifications, requirement_modifications.c.requirement_id == Requirement.id)
        .join(Modification, Modification.id == requirement_modifications.c.modification_id)
        .where(Requirement.project_id == project.id)
        .order_by(Modification.number)
    ):
        mods[row.requirement_id].append(f"MOD-{row.number}")
    rows = session.execute(
        select(
            Requirement.id,
            Requirement.number,
            Requirement.classification,
            Requirement.capability,
            Requirement.config_key,
            Requirement.rationale,
            Requirement.owner,
            Requirement.status,
        )
        .where(Requirement.project_id == project.id)
        .order_by(Requirement.number)
    )
    return {
        f"gap:REQ-{r.number}": {
            "ref": f"REQ-{r.number}",
            "classification": r.classification,
            "capability": r.capability,
            "config_key": r.config_key,
            "rationale": r.rationale,
            "owner": r.owner,
            "status": r.status,
            "modifications": mods[r.id],
        }
        for r in rows
    }


def modification_items(session: Session, project: Project) -> Items:
    """The modifications list with estimates, the gaps they close and their dependencies."""
    numbers = {
        row.id: row.number
        for row in session.execute(
            select(Modification.id, Modification.number).where(Modification.project_id == project.id)
        )
    }
    depends: dict[int, list[str]] = defaultdict(list)
    for row in session.execute(
        select(modification_dependencies).where(modification_dependencies.c.modification_id.in_(numbers))
    ):
        depends[row.modification_id].append(f"MOD-{numbers[row.depends_on_id]}")
    closes: dict[int, list[str]] = defaultdict(list)
    for row in session.execute(
        select(requirement_modifications.c.modification_id, Requirement.number)
        .join(Requirement, Requirement.id == requirement_modifications.c.requirement_id)
        .where(Requirement.project_id == project.id)
        .order_by(Requirement.number)
    ):
        closes[row.modification_id].append(f"REQ-{row.number}")
    rows = session.execute(
        select(
            Modification.id,
            Modification.number,
            Modification.title,
            Modification.description,
            Modification.estimate_days,
            Modification.priority,
            Modification.status,
        )
        .where(Modification.project_id == project.id)
        .order_by(Modification.number)
    )
    return {
        f"modification:MOD-{m.number}": {
            "ref": f"MOD-{m.number}",
            "title": m.title,
            "description": m.description,
            "estimate_days": str(m.estimate_days),
            "priority": m.priority,
            "status": m.status,
            "requirements": closes[m.id],
            "depends_on": sorted(depends[m.id], key=lambda ref: int(ref[4:])),
        }
        for m in rows
    }


def _base_name(name: str) -> str:
    from workbench.gapmap.service import _base_name as base

    return base(name)


def process_items(session: Session, project: Project, variant: Variant) -> Items:
    """The latest version of each model of `variant`; a TO-BE model carries its diff against the
    AS-IS model of the same name."""
    records = processes.project_models(session, project)
    as_is = {_base_name(r.name): r for r in records if r.variant == Variant.as_is.value}
    items: Items = {}
    for record in records:
        if record.variant != variant.value:
            continue
        item: dict[str, Any] = {
            "name": record.name,
            "variant": record.variant,
            "version": record.version,
            "document": record.document,
        }
        if variant is Variant.to_be:
            before = as_is.get(_base_name(record.name))
            item["compared_with"] = before.name if before else None
            item["diff"] = (
                diff(processes.model_of(before), processes.model_of(record)).to_dict() if before else None
            )
        items[f"process:{record.lineage}"] = item
    return items


def scenario_items(session: Session, project: Project) -> Items:
    """The test scenarios as written (Gherkin), with their tags; never their results."""
    rows = session.execute(
        select(Feature.filename, Scenario.name, Scenario.tags, Scenario.text)
        .join(Feature, Scenario.feature_id == Feature.id)
        .where(Scenario.project_id == project.id, Scenario.active.is_(True))
        .order_by(Feature.filename, Scenario.position)
    )
    return {
        f"scenario:{r.filename}/{r.name}": {
            "feature": r.filename,
            "name": r.name,
            "tags": list(r.tags),
            "text": r.text,
        }
        for r in rows
    }


def inventory_items(
    session: Session, project: Project, variant: Variant, categories: tuple[Category, ...]
) -> Items:
    rows = session.scalars(
        select(InventoryItem)
        .where(
            InventoryItem.project_id == project.id,
            InventoryItem.variant == variant.value,
            InventoryItem.category.in_([c.value for c in categories]),
        )
        .order_by(InventoryItem.category, InventoryItem.name, InventoryItem.id)
    )
    return {
        f"inventory:{i.id}": {
            "category": i.category,
            "name": i.name,
            "description": i.description,
            "owner": i.owner,
            "source": i.source,
            "target": i.target,
            "transport": i.transport,
            "frequency": i.frequency,
        }
        for i in rows
    }


def interview_items(session: Session, project: Project) -> Items:
    rows = session.scalars(
        select(Interview)
        .where(Interview.project_id == project.id)
        .options(selectinload(Interview.findings))
        .order_by(Interview.held_on, Interview.id)
    )
    return {
        f"interview:{i.id}": {
            "stakeholder": i.stakeholder,
            "position": i.position,
            "held_on": i.held_on.isoformat(),
            "notes": i.notes,
            "findings": [{"kind": f.kind, "text": f.text} for f in i.findings],
        }
        for i in rows
    }


def _flatten(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Leaves of a configuration document by path; a list of records with a `code` is keyed by
    code (`promotions[BIRTHDAY].multiplier`), so an item keeps its key when the list is reordered."""
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            yield from _flatten(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, dict) and "code" in v for v in value):
        for inner in value:
            yield from _flatten(inner, f"{path}[{inner['code']}]")
    else:
        yield path, value


def configuration_items(version: ConfigVersion) -> Items:
    """The configuration version to build: one item per key (what an approver comments on)."""
    items: Items = {"config:@version": {"label": version.label}}
    for path, value in _flatten(jsonable(version.document), ""):
        items[f"config:{path}"] = {"path": path, "value": value}
    return items


# The package's sections, in the order the pages and documents show them.
PACKAGE_SECTIONS: tuple[str, ...] = (
    "to_be_models",
    "requirements",
    "gap_map",
    "modifications",
    "scenarios",
    "to_be_landscape",
    "configuration",
)

SectionBuilder = Callable[[Session, Project], Items]

SECTION_BUILDERS: dict[str, SectionBuilder] = {
    "as_is_models": lambda s, p: process_items(s, p, Variant.as_is),
    "interviews": interview_items,
    "as_is_inventories": lambda s, p: inventory_items(s, p, Variant.as_is, tuple(Category)),
    "requirements": requirement_items,
    "to_be_models": lambda s, p: process_items(s, p, Variant.to_be),
    "gap_map": gap_map_items,
    "modifications": modification_items,
    "scenarios": scenario_items,
    "to_be_landscape": lambda s, p: inventory_items(
        s, p, Variant.to_be, (Category.system, Category.integration)
    ),
}


def build_sections(session: Session, project: Project, names: tuple[str, ...]) -> dict[str, Items]:
    """The named sections of the project's current content (not configuration)."""
    # Items are built from plain columns and stored JSON, so they are JSON values already (the
    # few Decimals are written as strings by `canonical`).
    return {name: SECTION_BUILDERS[name](session, project) for name in names}


def package_snapshot(session: Session, project: Project, version: ConfigVersion) -> Snapshot:
    """The prototype package of `project` with configuration `version`, as it stands now."""
    sections = build_sections(session, project, tuple(n for n in PACKAGE_SECTIONS if n != "configuration"))
    sections["configuration"] = configuration_items(version)
    # The whole document too: the programme rules are worded from it (the items are its leaves).
    return Snapshot(
        sections=sections,
        meta={"project": project.key, "version": version.label, "configuration": jsonable(version.document)},
    )


# --- what changed between two snapshots ------------------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    """One item added, removed or changed, with the fields that differ (as short texts)."""

    section: str
    key: str
    kind: str  # added | removed | changed
    details: tuple[str, ...] = ()


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else canonical(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _by_id(values: list[Any]) -> dict[str, Any] | None:
    if all(isinstance(v, dict) and "id" in v for v in values):
        return {str(v["id"]): v for v in values}
    return None


def _field_details(old: Any, new: Any, path: str = "") -> Iterator[str]:
    """What differs between two items, field by field; lists of elements with ids (a model's
    nodes and flows) element by element, so a renamed step is named as such."""
    if isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                yield from _field_details(old.get(name), new.get(name), f"{path}.{name}" if path else name)
        return
    if isinstance(old, list) and isinstance(new, list):
        before, after = _by_id(old), _by_id(new)
        if before is not None and after is not None and (before or after):
            for element in sorted(set(before) | set(after)):
                where = f"{path}[{element}]"
                if element not in before:
                    yield f"{where} added: {_short(after[element].get('name', ''))}"
                elif element not in after:
                    yield f"{where} removed: {_short(before[element].get('name', ''))}"
                elif before[element] != after[element]:
                    yield from _field_details(before[element], after[element], where)
            return
    yield f"{path}: {_short(old)} → {_short(new)}"


def changes(old: Snapshot, new: Snapshot) -> list[ItemChange]:
    """Every item added, removed or changed from `old` to `new`, section by section."""
    found: list[ItemChange] = []
    for section in list(dict.fromkeys([*new.sections, *old.sections])):
        before, after = old.sections.get(section, {}), new.sections.get(section, {})
        for key in sorted(set(before) | set(after)):
            if key not in before:
                found.append(ItemChange(section, key, "added"))
            elif key not in after:
                found.append(ItemChange(section, key, "removed"))
            elif before[key] != after[key]:
                found.append(
                    ItemChange(section, key, "changed", tuple(_field_details(before[key], after[key])))
                )
    return found


def item_title(key: str, item: Any) -> str:
    """How people name an item: "REQ-3 Earn on fresh", "MOD-2 Customer portal", a process name."""
    if not isinstance(item, dict):
        return key
    if "ref" in item and "title" in item:
        return f"{item['ref']} {item['title']}"
    if "ref" in item:
        return str(item["ref"])
    if "path" in item:
        return str(item["path"])
    if "name" in item:
        return str(item["name"])
    if "stakeholder" in item:
        return str(item["stakeholder"])
    return key


def process_model(item: dict[str, Any]) -> ProcessModel:
    """The model stored in a process item (to draw it)."""
    return ProcessModel.from_dict(item["document"])


def process_record_ids(session: Session, lineages: list[str]) -> dict[str, int]:
    """The latest record id of each lineage (to link a snapshot's model to its live page)."""
    return {
        r.lineage: r.id
        for r in session.scalars(select(ProcessRecord).where(ProcessRecord.lineage.in_(lineages)))
    }
