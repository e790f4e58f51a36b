"""Inventories: add, change and remove items; the IT landscape of a variant.

Plain functions taking a session; each change is audited in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from process_models.enums import Variant
from workbench.audit import service as audit
from workbench.inventories.diagram import Interface, render_landscape
from workbench.inventories.enums import Category
from workbench.inventories.models import InventoryItem
from workbench.projects.models import Project


class InventoryError(Exception):
    """A refusal of the inventories domain, naming the field."""


@dataclass(frozen=True)
class ItemFields:
    """What a person fills in for an item (the form's fields, checked by `_checked`)."""

    category: str
    variant: str
    name: str
    description: str = ""
    owner: str = ""
    source: str = ""
    target: str = ""
    transport: str = ""
    frequency: str = ""


@dataclass(frozen=True)
class Landscape:
    """The IT landscape of one variant: systems and the integrations between them."""

    variant: Variant
    systems: list[InventoryItem]
    integrations: list[InventoryItem]


def _short(value: str, field: str, *, required: bool = False, limit: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InventoryError(gettext("%(field)s: required", field=field))
    if len(value) > limit:
        raise InventoryError(gettext("%(field)s: at most %(limit)s characters", field=field, limit=limit))
    return value


def _checked(
    session: Session, project: Project, fields: ItemFields, *, item_id: int | None = None
) -> ItemFields:
    try:
        category = Category(fields.category)
    except ValueError:
        raise InventoryError(
            gettext(
                "category: '%(category)s' is not one of %(join)s",
                category=fields.category,
                join=", ".join(c.value for c in Category),
            )
        ) from None
    try:
        variant = Variant(fields.variant)
    except ValueError:
        raise InventoryError(
            gettext("variant: '%(variant)s': use as-is or to-be", variant=fields.variant)
        ) from None
    name = _short(fields.name, "name", required=True)
    clash = session.scalar(
        select(InventoryItem.id).where(
            InventoryItem.project_id == project.id,
            InventoryItem.variant == variant.value,
            InventoryItem.category == category.value,
            InventoryItem.name == name,
            InventoryItem.id != (item_id or 0),
        )
    )
    if clash is not None:
        raise InventoryError(
            gettext(
                "name: the %(upper)s %(label)s inventory already holds '%(name)s'",
                upper=variant.value.upper(),
                label=category.label,
                name=name,
            )
        )
    source = _short(fields.source, "source", required=category is Category.integration)
    target = _short(fields.target, "target", required=category is Category.integration)
    if category is Category.integration:
        known = {s.name for s in _items(session, project, variant, Category.system)}
        for field, system in (("source", source), ("target", target)):
            if system not in known:
                raise InventoryError(
                    gettext(
                        "%(field)s: '%(system)s' is not one of the %(upper)s IT systems of this project; add "
                        "it first",
                        field=field,
                        system=system,
                        upper=variant.value.upper(),
                    )
                )
        if source == target:
            raise InventoryError(gettext("target: an integration joins two different systems"))
    elif source or target:
        raise InventoryError(gettext("source: only integrations have a source and a target"))
    return ItemFields(
        category=category.value,
        variant=variant.value,
        name=name,
        description=_short(fields.description, "description", limit=20_000),
        owner=_short(fields.owner, "owner"),
        source=source,
        target=target,
        transport=_short(fields.transport, "transport"),
        frequency=_short(fields.frequency, "frequency"),
    )


def add_item(session: Session, project: Project, fields: ItemFields, *, actor: str) -> InventoryItem:
    """Add an item to one of the project's inventories."""
    checked = _checked(session, project, fields)
    item = InventoryItem(project_id=project.id, created_by=actor, **checked.__dict__)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "inventory.add",
        "inventory_item",
        item.id,
        {"project": project.key, "category": item.category, "variant": item.variant, "name": item.name},
    )
    return item


def update_item(session: Session, item: InventoryItem, fields: ItemFields, *, actor: str) -> InventoryItem:
    """Change an item. Renaming a system renames it in the integrations that join it, so the
    landscape stays connected."""
    checked = _checked(session, item.project, fields, item_id=item.id)
    if item.category == Category.system.value and checked.name != item.name:
        for integration in _items(session, item.project, Variant(item.variant), Category.integration):
            if integration.source == item.name:
                integration.source = checked.name
            if integration.target == item.name:
                integration.target = checked.name
    before = {"name": item.name, "category": item.category, "variant": item.variant}
    for key, value in checked.__dict__.items():
        setattr(item, key, value)
    session.flush()
    audit.record(
        session, actor, "inventory.update", "inventory_item", item.id, {"before": before, "name": item.name}
    )
    return item


def delete_item(session: Session, item: InventoryItem, *, actor: str) -> None:
    """Remove an item. A system that integrations still join is refused, naming them."""
    if item.category == Category.system.value:
        joined = [
            i.name
            for i in _items(session, item.project, Variant(item.variant), Category.integration)
            if item.name in (i.source, i.target)
        ]
        if joined:
            raise InventoryError(
                gettext(
                    "%(name)s is joined by %(join)s; remove those integrations first",
                    name=item.name,
                    join=", ".join(joined),
                )
            )
    audit.record(
        session,
        actor,
        "inventory.delete",
        "inventory_item",
        item.id,
        {"category": item.category, "variant": item.variant, "name": item.name},
    )
    session.delete(item)
    session.flush()


def get_item(session: Session, item_id: int) -> InventoryItem:
    item = session.get(InventoryItem, item_id)
    if item is None:
        raise InventoryError(gettext("no inventory item %(item_id)s", item_id=item_id))
    return item


def _items(
    session: Session, project: Project, variant: Variant | None, category: Category | None
) -> list[InventoryItem]:
    query = select(InventoryItem).where(InventoryItem.project_id == project.id)
    if variant is not None:
        query = query.where(InventoryItem.variant == variant.value)
    if category is not None:
        query = query.where(InventoryItem.category == category.value)
    return list(session.scalars(query.order_by(InventoryItem.name, InventoryItem.id)))


def list_items(
    session: Session, project: Project, variant: Variant | None = None
) -> dict[Category, list[InventoryItem]]:
    """The project's items by category (every category present, possibly empty), sorted by name."""
    grouped: dict[Category, list[InventoryItem]] = {category: [] for category in Category}
    for item in _items(session, project, variant, None):
        grouped[Category(item.category)].append(item)
    return grouped


def landscape(session: Session, project: Project, variant: Variant) -> Landscape:
    """The systems and integrations of one variant."""
    return Landscape(
        variant=variant,
        systems=_items(session, project, variant, Category.system),
        integrations=_items(session, project, variant, Category.integration),
    )


def landscape_svg(landscape: Landscape) -> str:
    """The landscape of one variant drawn as an SVG document (texts escaped by the renderer)."""
    return render_landscape(
        f"IT landscape ({landscape.variant.value.upper()})",
        [system.name for system in landscape.systems],
        [Interface(i.source, i.target, i.name, i.transport, i.frequency) for i in landscape.integrations],
    )
