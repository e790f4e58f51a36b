"""Inventories: algorithms, forms, reports, systems and integrations, and the landscape diagram."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from process_models.enums import Variant
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.inventories import service
from workbench.inventories.diagram import Interface, render_landscape
from workbench.inventories.enums import Category
from workbench.inventories.models import InventoryItem
from workbench.projects.models import Project
from workbench.projects.service import create_project

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def project(app: Flask) -> Iterator[Project]:
    with app.app_context():
        project = create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        for name in ("Касса (POS)", "СУЛ", "ERP 1С"):
            service.add_item(db.session(), project, service.ItemFields("system", "to-be", name), actor="t")
        db.session.commit()
        yield project


def _integration(name: str, source: str, target: str, variant: str = "to-be") -> service.ItemFields:
    return service.ItemFields(
        "integration", variant, name, source=source, target=target, transport="REST API", frequency="онлайн"
    )


def test_items_are_listed_by_category_and_variant_and_audited(project: Project) -> None:
    service.add_item(
        db.session(), project, service.ItemFields("report", "to-be", "Обязательства по баллам"), actor="c"
    )
    service.add_item(
        db.session(), project, service.ItemFields("algorithm", "as-is", "Скидка 5 % по карте"), actor="c"
    )
    service.add_item(db.session(), project, _integration("Расчёт чека", "Касса (POS)", "СУЛ"), actor="c")
    to_be = service.list_items(db.session(), project, Variant.to_be)
    assert list(to_be) == list(Category)  # every inventory is present, empty or not
    assert [i.name for i in to_be[Category.system]] == ["ERP 1С", "Касса (POS)", "СУЛ"]
    assert [i.name for i in to_be[Category.report]] == ["Обязательства по баллам"]
    assert to_be[Category.algorithm] == []
    assert [i.name for i in service.list_items(db.session(), project, Variant.as_is)[Category.algorithm]] == [
        "Скидка 5 % по карте"
    ]
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "inventory.add")
        )
        == 6
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (service.ItemFields("gadget", "to-be", "X"), "category: 'gadget' is not one of"),
        (service.ItemFields("report", "someday", "X"), "variant: 'someday': use as-is or to-be"),
        (service.ItemFields("report", "to-be", " "), "name: required"),
        (
            service.ItemFields("system", "to-be", "СУЛ"),
            "name: the TO-BE IT systems inventory already holds 'СУЛ'",
        ),
        (service.ItemFields("integration", "to-be", "X", target="СУЛ"), "source: required"),
        (
            service.ItemFields("integration", "to-be", "X", source="Касса (POS)", target="1С:Розница"),
            "target: '1С:Розница' is not one of the TO-BE IT systems of this project",
        ),
        (
            service.ItemFields("integration", "as-is", "X", source="Касса (POS)", target="СУЛ"),
            "source: 'Касса \\(POS\\)' is not one of the AS-IS IT systems",
        ),
        (
            service.ItemFields("integration", "to-be", "X", source="СУЛ", target="СУЛ"),
            "target: an integration joins two different",
        ),
        (service.ItemFields("report", "to-be", "X", source="СУЛ"), "source: only integrations have"),
        (service.ItemFields("report", "to-be", "X" * 201), "name: at most 200 characters"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(
    project: Project, fields: service.ItemFields, message: str
) -> None:
    before = db.session.scalar(select(func.count()).select_from(InventoryItem))
    with pytest.raises(service.InventoryError, match=message):
        service.add_item(db.session(), project, fields, actor="c")
    assert db.session.scalar(select(func.count()).select_from(InventoryItem)) == before


def test_renaming_a_system_renames_it_in_its_integrations(project: Project) -> None:
    link = service.add_item(
        db.session(), project, _integration("Расчёт чека", "Касса (POS)", "СУЛ"), actor="c"
    )
    core = next(i for i in service.landscape(db.session(), project, Variant.to_be).systems if i.name == "СУЛ")
    service.update_item(db.session(), core, service.ItemFields("system", "to-be", "СУЛ (облако)"), actor="c")
    assert (link.source, link.target) == ("Касса (POS)", "СУЛ (облако)")


def test_a_system_still_joined_cannot_be_deleted(project: Project) -> None:
    link = service.add_item(
        db.session(), project, _integration("Расчёт чека", "Касса (POS)", "СУЛ"), actor="c"
    )
    core = next(i for i in service.landscape(db.session(), project, Variant.to_be).systems if i.name == "СУЛ")
    with pytest.raises(service.InventoryError, match="СУЛ is joined by Расчёт чека"):
        service.delete_item(db.session(), core, actor="c")
    service.delete_item(db.session(), link, actor="c")
    service.delete_item(db.session(), core, actor="c")
    assert [s.name for s in service.landscape(db.session(), project, Variant.to_be).systems] == [
        "ERP 1С",
        "Касса (POS)",
    ]


# --- the landscape diagram -------------------------------------------------------------------


def _boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    root = ET.fromstring(svg)
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        name = " ".join(t.text or "" for t in group.findall(f"{SVG}text"))
        assert rect is not None
        boxes[name] = tuple(float(rect.get(k, "0")) for k in ("x", "y", "width", "height"))
    return boxes  # type: ignore[return-value]


def test_the_landscape_draws_every_system_and_every_integration_with_its_label() -> None:
    systems = ["Касса (POS)", "СУЛ", "ERP 1С", "SMS-шлюз", "Личный кабинет"]
    interfaces = [
        Interface("Касса (POS)", "СУЛ", "Расчёт чека", "REST API", "онлайн"),
        Interface("Касса (POS)", "СУЛ", "Реестр на начисление", "файл CSV", "ночью"),
        Interface("СУЛ", "SMS-шлюз", "Коды", "SMS", "онлайн"),
        Interface("СУЛ", "ERP 1С", "Обязательства", "файл", "ежесуточно"),
        Interface("Личный кабинет", "СУЛ", "Баланс", "REST API", "онлайн"),
    ]
    svg = render_landscape("IT landscape (TO-BE)", systems, interfaces)
    root = ET.fromstring(svg)  # well-formed
    boxes = _boxes(svg)
    assert set(boxes) == set(systems)
    assert len(root.findall(f"{SVG}line")) == len(interfaces)
    for label in ("Расчёт чека", "REST API · онлайн", "Реестр на начисление", "файл CSV · ночью"):
        assert label in svg
    # The hub (most integrations) is in the middle: every other box is around it, none overlap.
    hub = boxes["СУЛ"]
    others = [b for name, b in boxes.items() if name != "СУЛ"]
    assert min(b[0] for b in others) < hub[0] < max(b[0] for b in others)
    placed = list(boxes.values())
    for index, a in enumerate(placed):
        for b in placed[index + 1 :]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


def test_parallel_integrations_do_not_draw_on_top_of_each_other() -> None:
    svg = render_landscape("t", ["A", "B"], [Interface("A", "B", "one"), Interface("B", "A", "two")])
    lines = ET.fromstring(svg).findall(f"{SVG}line")
    assert len({(line.get("x1"), line.get("y1")) for line in lines}) == 2


def test_texts_are_escaped_and_unknown_systems_are_drawn_dashed() -> None:
    svg = render_landscape("<script>", ["A & B"], [Interface("A & B", "<Ghost>", "x")])
    root = ET.fromstring(svg)
    assert "<script>" not in svg and "&lt;Ghost&gt;" in svg
    dashed = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 1


def test_an_empty_landscape_says_so() -> None:
    assert "No system in this inventory yet." in render_landscape("t", [], [])


# --- pages -----------------------------------------------------------------------------------


def test_a_consultant_fills_the_inventory_and_sees_the_landscape(
    project: Project, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    response = client.post(
        "/projects/DEMO/inventory",
        data={
            "category": "integration",
            "variant": "to-be",
            "name": "Расчёт чека",
            "source": "Касса (POS)",
            "target": "СУЛ",
            "transport": "REST API",
            "frequency": "онлайн",
            "description": "quote и commit",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Расчёт чека added" in page and 'id="landscape"' in page and "REST API · онлайн" in page
    refused = client.post(
        "/projects/DEMO/inventory",
        data={
            "category": "integration",
            "variant": "to-be",
            "name": "X",
            "source": "Касса (POS)",
            "target": "Нет такой",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "target: &#39;Нет такой&#39; is not one of the TO-BE IT systems" in refused
    item = db.session.scalar(select(InventoryItem).where(InventoryItem.name == "Расчёт чека"))
    assert item is not None
    edited = client.post(
        f"/inventory/{item.id}",
        data={
            "category": "integration",
            "variant": "to-be",
            "name": "Расчёт и проведение чека",
            "source": "Касса (POS)",
            "target": "СУЛ",
            "transport": "REST API",
            "frequency": "онлайн",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Расчёт и проведение чека" in edited
    client.post(f"/inventory/{item.id}/delete")
    assert (
        db.session.scalar(
            select(func.count()).select_from(InventoryItem).where(InventoryItem.category == "integration")
        )
        == 0
    )


def test_other_roles_read_the_inventory_but_do_not_change_it(
    project: Project, login_as: Callable[[str], FlaskClient]
) -> None:
    item = db.session.scalar(select(InventoryItem))
    assert item is not None
    client = login_as("rollout_manager")
    assert client.get("/projects/DEMO/inventory?variant=to-be").status_code == 200
    assert client.get(f"/inventory/{item.id}").status_code == 200
    assert (
        client.post(
            "/projects/DEMO/inventory", data={"category": "report", "variant": "to-be", "name": "X"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/inventory/{item.id}", data={"category": "system", "variant": "to-be", "name": "X"}
        ).status_code
        == 403
    )
    assert client.post(f"/inventory/{item.id}/delete").status_code == 403
    assert client.get("/projects/DEMO/inventory?variant=someday").status_code == 404
