"""Requirements: numbered per project, raised by a finding or a TO-BE step or typed in,
classified fit/gap against the core's capability catalogue, linked to steps, audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from gap_analysis.enums import Classification, SourceKind
from gap_analysis.errors import GapAnalysisError
from gap_analysis.intake import read_requirements
from tests.workbench.gap_support import GapProject, make_gap_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.requirements import service
from workbench.requirements.models import Requirement
from workbench.requirements.service import ClassificationFields, RequirementFields


@pytest.fixture
def gap(app: Flask) -> Iterator[GapProject]:
    with app.app_context():
        made = make_gap_project(db.session())
        db.session.commit()
        yield made


def _new(gap: GapProject, title: str = "Базовое начисление 3 %", priority: str = "must") -> Requirement:
    return service.create_requirement(
        db.session(), gap.project, RequirementFields(title, priority), actor="consultant"
    )


def test_requirements_are_numbered_per_project(gap: GapProject) -> None:
    first, second = _new(gap), _new(gap, "Оплата баллами")
    other = make_gap_project(db.session(), "OTHER")
    elsewhere = service.create_requirement(
        db.session(), other.project, RequirementFields("Другое", "could"), actor="t"
    )
    assert (first.ref, second.ref, elsewhere.ref) == ("REQ-1", "REQ-2", "REQ-1")
    assert (
        first.source_kind == SourceKind.typed.value
        and first.status == "open"
        and first.classification is None
    )
    with pytest.raises(GapAnalysisError, match="REQ-2 already exists"):
        service.create_requirement(
            db.session(), gap.project, RequirementFields("x", "must"), actor="t", number=2
        )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (RequirementFields("", "must"), "title", "title: required"),
        (RequirementFields("x" * 301, "must"), "title", "at most 300"),
        (
            RequirementFields("Отчёт", "urgent"),
            "priority",
            "'urgent' is not one of must, should, could, wont",
        ),
    ],
)
def test_bad_fields_are_refused_naming_the_field(
    gap: GapProject, fields: RequirementFields, field: str, message: str
) -> None:
    with pytest.raises(GapAnalysisError, match=message) as caught:
        service.create_requirement(db.session(), gap.project, fields, actor="t")
    assert caught.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(Requirement.id))) == 0


def test_a_finding_becomes_a_requirement_with_its_step(gap: GapProject) -> None:
    requirement = service.requirement_from_finding(
        db.session(), gap.finding_on_step, actor="consultant", priority="must"
    )
    assert requirement.title == "Оптовым покупателям нужен отдельный уровень"
    assert requirement.description == gap.finding_on_step.text
    assert requirement.source_kind == "finding" and requirement.source_finding_id == gap.finding_on_step.id
    assert requirement.process_area == gap.to_be.name
    assert [(s.process_lineage, s.node_id) for s in requirement.steps] == [
        (gap.to_be.lineage, "pur_tobe_quote")
    ]
    alone = service.requirement_from_finding(db.session(), gap.finding_alone, actor="consultant")
    assert alone.steps == [] and alone.priority == "should"
    assert service.by_source_finding(db.session(), [gap.finding_on_step.id]) == {
        gap.finding_on_step.id: [requirement]
    }


def test_a_requirement_raised_by_a_to_be_step(gap: GapProject) -> None:
    requirement = service.create_requirement(
        db.session(),
        gap.project,
        RequirementFields("Реестр на начисление", "should"),
        actor="t",
        source_step=(gap.to_be.lineage, "pur_tobe_send_registry"),
    )
    assert requirement.source_kind == "step"
    assert [s.node_id for s in requirement.steps] == ["pur_tobe_send_registry"]
    with pytest.raises(GapAnalysisError, match="has no step 'nowhere'"):
        service.create_requirement(
            db.session(),
            gap.project,
            RequirementFields("x", "should"),
            actor="t",
            source_step=(gap.to_be.lineage, "nowhere"),
        )


def test_steps_are_linked_and_unlinked_once_each(gap: GapProject) -> None:
    requirement = _new(gap)
    link = service.link_step(
        db.session(), requirement, gap.as_is.lineage, "pur_asis_calc_discount", actor="t"
    )
    with pytest.raises(GapAnalysisError, match="already linked"):
        service.link_step(db.session(), requirement, gap.as_is.lineage, "pur_asis_calc_discount", actor="t")
    with pytest.raises(GapAnalysisError, match="no process 'elsewhere'"):
        service.link_step(db.session(), requirement, "elsewhere", "x", actor="t")
    service.unlink_step(db.session(), requirement, link.id, actor="t")
    assert requirement.steps == []
    with pytest.raises(GapAnalysisError, match="has no step link"):
        service.unlink_step(db.session(), requirement, link.id, actor="t")


@pytest.mark.parametrize(
    ("fields", "stored"),
    [
        (ClassificationFields("fit_standard", "pos.enrol"), ("fit_standard", "pos.enrol", "")),
        (
            ClassificationFields("fit_configuration", "earn.base_rate", "earn.base_rate"),
            ("fit_configuration", "earn.base_rate", "earn.base_rate"),
        ),
        (
            ClassificationFields(
                "Fit — configuration", "condition.birthday", "promotions[].conditions.birthday_window_days"
            ),
            ("fit_configuration", "condition.birthday", "promotions[].conditions.birthday_window_days"),
        ),
        (ClassificationFields("gap_extension", "pos.enrol", "earn.base_rate"), ("gap_extension", "", "")),
        (ClassificationFields("gap_integration"), ("gap_integration", "", "")),
        (ClassificationFields("gap_report"), ("gap_report", "", "")),
        (ClassificationFields("workaround", rationale="Анкеты отменяются приказом"), ("workaround", "", "")),
        (ClassificationFields("out_of_scope"), ("out_of_scope", "", "")),
    ],
    ids=lambda value: value.classification if isinstance(value, ClassificationFields) else "",
)
def test_every_classification_is_recorded(
    gap: GapProject, fields: ClassificationFields, stored: tuple[str, str, str]
) -> None:
    requirement = _new(gap)
    service.classify(db.session(), requirement, fields, actor="consultant")
    assert (requirement.classification, requirement.capability, requirement.config_key) == stored
    assert requirement.status == "proposed"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "requirement.classify")).one()
    assert (
        entry.target_id == "REQ-1"
        and entry.details["classification"] == stored[0]
        and entry.actor == "consultant"
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (ClassificationFields("fit_standard"), "capability", "names the core's capability"),
        (ClassificationFields("fit_standard", "sms.gateway"), "capability", "no capability 'sms.gateway'"),
        (
            ClassificationFields("fit_configuration", "pos.enrol", "earn.base_rate"),
            "capability",
            "works out of the box",
        ),
        (
            ClassificationFields("fit_configuration", "earn.base_rate"),
            "config_key",
            "(none) does not switch earn.base_rate on",
        ),
        (
            ClassificationFields("fit_configuration", "earn.base_rate", "redemption.max_share"),
            "config_key",
            "redemption.max_share does not switch earn.base_rate on; use earn.base_rate",
        ),
        (ClassificationFields("workaround"), "rationale", "says what changes in the process"),
        (ClassificationFields("gap_maybe"), "classification", "'gap_maybe' is not one of"),
        (ClassificationFields("gap_report", status="done"), "status", "'done' is not one of"),
    ],
)
def test_a_classification_the_core_cannot_back_is_refused(
    gap: GapProject, fields: ClassificationFields, field: str, message: str
) -> None:
    requirement = _new(gap)
    with pytest.raises(GapAnalysisError) as caught:
        service.classify(db.session(), requirement, fields, actor="t")
    assert message in str(caught.value) and caught.value.field == field
    assert requirement.classification is None


def test_clearing_the_classification_reopens_it(gap: GapProject) -> None:
    requirement = _new(gap)
    service.classify(
        db.session(), requirement, ClassificationFields("gap_report", status="agreed", owner="Ким"), actor="t"
    )
    assert (requirement.status, requirement.owner) == ("agreed", "Ким")
    service.classify(db.session(), requirement, ClassificationFields(None), actor="t")
    assert (requirement.classification, requirement.status) == (None, "open")


def test_an_import_stores_every_row_or_none(gap: GapProject) -> None:
    _new(gap, "Старый заголовок", "could")
    db.session.commit()
    good = (
        "ID;Название;Приоритет;Классификация;Возможность;Ключ конфигурации;Обоснование\n"
        "REQ-1;Новый заголовок;Must;;;;\n"
        ";Оплата баллами до 50 %;Should;Fit — configuration;redemption.max_share;redemption.max_share;\n"
        ";Отчёт по пилоту;Could;gap_report;;;\n"
    ).encode()
    summary = service.import_rows(
        db.session(), gap.project, read_requirements(good, "r.csv"), actor="t", source="r.csv"
    )
    db.session.commit()
    assert (summary.created, summary.updated) == (["REQ-2", "REQ-3"], ["REQ-1"])
    stored = {r.number: r for r in db.session.scalars(select(Requirement))}
    assert stored[1].title == "Новый заголовок" and stored[1].priority == "must"
    assert stored[2].classification == "fit_configuration" and stored[2].config_key == "redemption.max_share"

    bad = (
        "ID,Title,Priority,Classification,Capability,Configuration key\n"
        ",Фикс,must,fit_standard,sms.gateway,\n"
        "REQ-1,Опять новый,should,,,\n"
        ",Конфиг,must,fit_configuration,earn.base_rate,rounding\n"
    ).encode()
    with pytest.raises(GapAnalysisError) as caught:
        service.import_rows(
            db.session(), gap.project, read_requirements(bad, "bad.csv"), actor="t", source="bad.csv"
        )
    db.session.rollback()
    lines = str(caught.value).splitlines()
    assert lines[0] == "bad.csv: 2 problem(s), nothing imported:"
    assert lines[1] == "line 2, column Capability: the core has no capability 'sms.gateway'"
    assert lines[2].startswith("line 4, column Configuration key: rounding does not switch earn.base_rate on")
    assert db.session.scalar(select(func.count(Requirement.id))) == 3
    assert db.session.get(Requirement, stored[1].id).title == "Новый заголовок"  # type: ignore[union-attr]


def test_changes_are_audited(gap: GapProject) -> None:
    requirement = _new(gap)
    service.update_requirement(
        db.session(), requirement, RequirementFields("Новое", "should", "", "Покупка"), actor="ksenia"
    )
    service.delete_requirement(db.session(), requirement, actor="ksenia")
    actions = list(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_type == "requirement").order_by(AuditEntry.id)
        )
    )
    assert actions == ["requirement.create", "requirement.update", "requirement.delete"]
    update = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "requirement.update")).one()
    assert update.details["changed"] == {
        "title": ["Базовое начисление 3 %", "Новое"],
        "priority": ["must", "should"],
        "area": ["", "Покупка"],
    }


def test_classifications_cover_all_seven_kinds() -> None:
    # The gap map's columns are exactly these seven (+ not classified); a new kind needs its column.
    assert [c.value for c in Classification] == [
        "fit_standard",
        "fit_configuration",
        "gap_extension",
        "gap_integration",
        "gap_report",
        "workaround",
        "out_of_scope",
    ]


def test_a_refused_decision_is_named_by_the_file_s_own_column(gap: GapProject) -> None:
    """A classification the catalogue refuses is reported like the intake's own problems: by the
    header the file wrote (here Russian), and by the English name of a column it lacks."""
    data = (
        "Название;Приоритет;Классификация;Возможность;Ключ конфигурации\n"
        "Конфиг;Must;fit_configuration;earn.base_rate;rounding\n"
        "Фикс;Must;fit_standard;sms.gateway;\n"
        "Обход;Should;workaround;;\n"
    ).encode()
    with pytest.raises(GapAnalysisError) as caught:
        service.import_rows(
            db.session(), gap.project, read_requirements(data, "r.csv"), actor="t", source="r.csv"
        )
    lines = str(caught.value).splitlines()
    assert lines[1].startswith("line 2, column Ключ конфигурации: rounding does not switch earn.base_rate on")
    assert lines[2] == "line 3, column Возможность: the core has no capability 'sms.gateway'"
    assert lines[3] == "line 4, column Rationale: a workaround says what changes in the process"
