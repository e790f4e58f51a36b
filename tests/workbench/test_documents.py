"""The AS-IS and TO-BE descriptions: Word documents with headings, diagrams, step tables, inventories."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel
from tests.workbench.conftest import download
from workbench.audit.models import AuditEntry
from workbench.documents.description import (
    DescriptionData,
    FindingLine,
    InterviewEntry,
    InventoryLine,
    ProcessEntry,
    build_description,
)
from workbench.documents.service import description_data
from workbench.extensions import db
from workbench.interviews import service as interviews
from workbench.inventories import service as inventories
from workbench.inventories.diagram import Interface, render_landscape
from workbench.processes.models import ProcessRecord
from workbench.projects.service import create_project

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _model(name: str, variant: Variant, prefix: str) -> ProcessModel:
    model = ProcessModel(
        name, variant, id=f"Process_{prefix}", documentation=f"Как устроен процесс «{name}»."
    )
    cashier = model.add_lane("Кассир", LaneKind.role, id=f"{prefix}_cashier")
    pos = model.add_lane("Касса (POS)", LaneKind.system, id=f"{prefix}_pos")
    model.add_node(NodeKind.start_event, "Покупатель у кассы", lane=cashier.id, id=f"{prefix}_start")
    model.add_node(
        NodeKind.user_task,
        "Сканировать карту",
        lane=cashier.id,
        id=f"{prefix}_scan",
        description="Кассир сканирует штрихкод карты.",
        system="Касса (POS)",
    )
    model.add_node(NodeKind.service_task, "Рассчитать скидку", lane=pos.id, id=f"{prefix}_discount")
    model.add_node(NodeKind.end_event, "Чек пробит", lane=cashier.id, id=f"{prefix}_end")
    model.add_flow(f"{prefix}_start", f"{prefix}_scan")
    model.add_flow(f"{prefix}_scan", f"{prefix}_discount")
    model.add_flow(f"{prefix}_discount", f"{prefix}_end")
    return model


def _data(variant: Variant, processes: int = 2) -> DescriptionData:
    return DescriptionData(
        project_name="Свежий рынок",
        client="ООО «Свежий рынок»",
        directions=["retail", "wholesale"],
        stage="1. Analysis",
        variant=variant,
        generated_at=dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC),
        processes=[
            ProcessEntry(
                _model(f"Процесс {n}", variant, f"p{n}"),
                3,
                [FindingLine("Pain point", "Очередь у кассы", "Ирина Соколова", "Сканировать карту")],
            )
            for n in range(1, processes + 1)
        ],
        inventories=[
            ("Algorithms", [InventoryLine("Скидка 5 % по карте", "Считает касса", "Коммерческий отдел")]),
            ("Reports", []),
            ("IT systems", [InventoryLine("Касса (POS)"), InventoryLine("ERP 1С")]),
            (
                "Integrations",
                [
                    InventoryLine(
                        "Чеки", source="Касса (POS)", target="ERP 1С", transport="файл", frequency="ночью"
                    )
                ],
            ),
        ],
        landscape_svg=render_landscape(
            "IT landscape",
            ["Касса (POS)", "ERP 1С"],
            [
                Interface("Касса (POS)", "ERP 1С", "Чеки", "файл", "ночью"),
            ],
        ),
        interviews=[
            InterviewEntry(
                "Ирина Соколова",
                "Директор по маркетингу",
                "Маркетинг",
                dt.date(2026, 9, 14),
                ["А. Орлова"],
                "Первый абзац.\n\nВторой абзац.",
                [FindingLine("Need", "Нужна онлайн-регистрация", "", "Регистрация › Выдать анкету")],
            ),
        ]
        if variant is Variant.as_is
        else [],
    )


def _headings(document: object, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]  # type: ignore[attr-defined]


def test_the_as_is_description_has_its_title_headings_diagrams_and_tables() -> None:
    data = build_description(_data(Variant.as_is))
    document = Document(io.BytesIO(data))
    # The title page: the client, the document's name as the title, the project under it.
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert styled[:3] == [
        ("Normal", "ООО «Свежий рынок»"),
        ("Title", "AS-IS description"),
        ("Subtitle", "Свежий рынок"),
    ]
    assert _headings(document, 1) == ["Interviews", "Processes", "Inventories"]
    assert _headings(document, 2) == [
        "Ирина Соколова, Sep 14, 2026",  # dates as the document's language writes them
        "Процесс 1",
        "Процесс 2",
        "Algorithms",
        "Reports",
        "IT systems",
        "Integrations",
        "IT landscape",
    ]
    # One picture per process and one of the landscape, all PNG.
    assert len(document.inline_shapes) == 3
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        assert media and all(package.read(n).startswith(PNG_SIGNATURE) for n in media)
    step_tables = [
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells] == ["#", "Step", "Role", "System", "Description"]
    ]
    assert len(step_tables) == 2
    # The description column gets the room (LibreOffice reads the grid, Word the cells), and
    # every table fits the page.
    grid = [column.width for column in step_tables[0].columns]
    assert grid[-1] == max(grid) and grid[-1] > grid[1] > grid[0]
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
    assert all(sum(c.width for c in table.columns) <= usable for table in document.tables)
    rows = [[c.text for c in row.cells] for row in step_tables[0].rows[1:]]
    assert rows[1] == [
        "2",
        "Сканировать карту\n(User task)",
        "Кассир",
        "Касса (POS)",
        "Кассир сканирует штрихкод карты.",
    ]
    assert rows[2][1:4] == ["Рассчитать скидку\n(Service task)", "", "Касса (POS)"]
    integration = next(t for t in document.tables if t.rows[0].cells[0].text == "Integration")
    assert [c.text for c in integration.rows[1].cells][:5] == [
        "Чеки",
        "Касса (POS)",
        "ERP 1С",
        "файл",
        "ночью",
    ]
    texts = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Второй абзац." in texts and "None recorded." in texts
    )  # notes by paragraph; the empty report inventory


def test_the_headings_feed_a_contents_list_whose_page_numbers_word_and_libreoffice_fill() -> None:
    data = build_description(_data(Variant.to_be))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode()
        settings = package.read("word/settings.xml").decode()
    document = Document(io.BytesIO(data))
    headings = _headings(document, 1) + _headings(document, 2)
    # One PAGEREF field per heading, to a bookmark on the heading; Word updates fields on opening.
    bookmarks = re.findall(r'w:bookmarkStart w:id="\d+" w:name="(_Toc_wb_\d+)"', body)
    assert len(bookmarks) == len(headings) == body.count("PAGEREF _Toc_wb_")
    assert all(f"PAGEREF {name} " in body for name in bookmarks)
    assert body.count('w:fldCharType="begin"') == body.count('w:fldCharType="end"') == len(headings)
    assert "w:updateFields" in settings
    contents = [p.text for p in document.paragraphs if p.text.endswith("\t")]
    assert [c.rstrip("\t") for c in contents] == [
        p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")
    ]
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == ["TO-BE description"]
    assert "Interviews" not in _headings(document, 1)  # the TO-BE cites findings per process instead
    findings = [t for t in document.tables if t.rows[0].cells[0].text == "Kind"]
    assert len(findings) == 2 and findings[0].rows[1].cells[1].text == "Очередь у кассы"


def _big_model(steps: int) -> ProcessModel:
    big = ProcessModel("Большой процесс", Variant.as_is)
    lane = big.add_lane("Кассир")
    previous = big.add_node(NodeKind.start_event, "Старт", lane=lane.id).id
    for n in range(steps):
        previous_node = big.add_node(NodeKind.task, f"Шаг {n}", lane=lane.id)
        big.add_flow(previous, previous_node.id)
        previous = previous_node.id
    end = big.add_node(NodeKind.end_event, "Конец", lane=lane.id)
    big.add_flow(previous, end.id)
    return big


def _pictures_by_section(document: object) -> list[tuple[int, int, int]]:
    """(picture width, its section's usable width, the picture's natural width) per picture, EMU."""
    body = document.element.body  # type: ignore[attr-defined]
    sections = list(document.sections)  # type: ignore[attr-defined]
    shapes = list(document.inline_shapes)  # type: ignore[attr-defined]
    found, section_index, shape_index = [], 0, 0
    for paragraph in body.iter(qn("w:p")):
        if paragraph.findall(".//" + qn("wp:inline")):
            section = sections[section_index]
            usable = section.page_width - section.left_margin - section.right_margin
            shape = shapes[shape_index]
            shape_index += 1
            found.append((shape.width, usable, shape))
        if paragraph.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            section_index += 1
    return found  # type: ignore[return-value]


@pytest.mark.parametrize("steps", [8, 150])
def test_a_wide_diagram_goes_on_a3_pages_with_its_text_at_7_pt_or_more(steps: int) -> None:
    """Issue 16: a model too wide for the page gets an A3 landscape page, or is cut into
    overlapping parts across A3 pages; its 12 px (9 pt) text never prints below 7 pt."""
    from process_models.svg import render_svg
    from workbench.documents.description import _svg_size

    big = _big_model(steps)
    data = _data(Variant.as_is, processes=0)
    data = DescriptionData(**{**data.__dict__, "processes": [ProcessEntry(big, 1)]})
    document = Document(io.BytesIO(build_description(data)))
    natural_px, _ = _svg_size(render_svg(big))
    natural = natural_px / 96 * 2.54 * 360000  # EMU
    pictures = _pictures_by_section(document)
    diagram = pictures[: len(pictures) - 1]  # the landscape diagram comes last
    assert all(width <= usable + 1 for width, usable, _ in pictures)
    printed = sum(width for width, _, _ in diagram)
    overlap = 1.5 * 360000 * (len(diagram) - 1)
    assert (printed - overlap) / natural >= 7 / 9 - 0.01  # the text at 7 pt or more
    step_table = next(t for t in document.tables if t.rows[0].cells[0].text == "#")
    assert len(step_table.rows) == 1 + steps + 2
    if steps > 100:
        a3 = [s for s in document.sections if abs(s.page_width - Cm(42)) < Cm(0.01)]
        assert a3 and all(abs(s.page_height - Cm(29.7)) < Cm(0.01) for s in a3)
        captions = [p.text for p in document.paragraphs if p.text.startswith("Part ")]
        assert len(diagram) >= 2 and captions[0] == f"Part 1 of {len(diagram)}"


# --- from the database, through the page -----------------------------------------------------


@pytest.fixture
def project(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        session = db.session()
        project = create_project(session, "DEMO", "Свежий рынок", actor="t", client="ООО «Свежий рынок»")
        for variant, prefix in ((Variant.as_is, "a"), (Variant.to_be, "b")):
            model = _model(f"Покупка ({variant.value.upper()})", variant, prefix)
            session.add(
                ProcessRecord(
                    project_id=project.id,
                    lineage=f"lineage-{prefix}",
                    version=1,
                    name=model.name,
                    variant=variant.value,
                    document=model.to_dict(),
                    created_by="t",
                )
            )
        session.flush()
        interview = interviews.record_interview(
            session, project, stakeholder="Ирина Соколова", held_on=dt.date(2026, 9, 14), actor="t"
        )
        interviews.add_finding(
            session,
            interview,
            text="Кассиры не видят баланс",
            kind="pain_point",
            actor="t",
            process_lineage="lineage-b",
            node_id="b_scan",
        )
        for name in ("Касса (POS)", "СУЛ"):
            inventories.add_item(session, project, inventories.ItemFields("system", "to-be", name), actor="t")
        inventories.add_item(
            session,
            project,
            inventories.ItemFields("integration", "to-be", "Расчёт чека", source="Касса (POS)", target="СУЛ"),
            actor="t",
        )
        session.commit()
        yield app


def test_the_description_holds_what_the_project_holds(project: Flask) -> None:
    from workbench.projects.service import get_project

    data = description_data(db.session(), get_project(db.session(), "DEMO"), Variant.to_be)
    assert [p.model.name for p in data.processes] == ["Покупка (TO-BE)"]
    assert data.processes[0].findings == [
        FindingLine("Pain point", "Кассиры не видят баланс", "Ирина Соколова", "Сканировать карту")
    ]
    assert dict(data.inventories)["Integrations"][0].source == "Касса (POS)"
    assert "Расчёт чека" in data.landscape_svg
    as_is = description_data(db.session(), get_project(db.session(), "DEMO"), Variant.as_is)
    assert [i.stakeholder for i in as_is.interviews] == ["Ирина Соколова"]
    assert as_is.interviews[0].findings[0].step == "Покупка (TO-BE) › Сканировать карту"


def test_any_role_downloads_a_description_and_the_export_is_audited(
    project: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("approver")
    response = download(client, "/projects/DEMO/documents/as-is.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "AS-IS%20description.docx" in response.headers["Content-Disposition"]
    title = [p.text for p in Document(io.BytesIO(response.data)).paragraphs if p.style.name == "Title"]
    assert title == ["AS-IS description"]
    # Built by the job, audited there in the name of the user who asked.
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "document.export")).all()
    assert [(e.actor, e.target_id) for e in exports] == [("approver", "DEMO")]
    assert client.get("/projects/DEMO/documents/someday.docx").status_code == 404
    assert client.get("/projects/NOPE/documents/as-is.docx").status_code == 404


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)
def test_an_office_suite_opens_the_description(tmp_path: Path) -> None:
    """A second reader besides python-docx: LibreOffice lays the document out and prints it."""
    source = tmp_path / "description.docx"
    source.write_bytes(build_description(_data(Variant.as_is)))
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "description.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())
    assert len(pages) >= 3  # title and contents, the interview and processes, the inventories
