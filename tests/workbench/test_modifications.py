"""The modifications list: a gap becomes MOD-n, dependencies stay a DAG (a cycle is refused
naming it), total effort and the critical path, audited."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from gap_analysis.errors import GapAnalysisError
from tests.workbench.gap_support import GapProject, make_gap_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.modifications import service
from workbench.modifications.models import Modification, modification_dependencies
from workbench.modifications.service import ModificationFields
from workbench.requirements import service as requirements
from workbench.requirements.models import Requirement
from workbench.requirements.service import ClassificationFields, RequirementFields


@pytest.fixture
def gap(app: Flask) -> Iterator[GapProject]:
    with app.app_context():
        made = make_gap_project(db.session())
        db.session.commit()
        yield made


def _requirement(gap: GapProject, classification: str = "gap_extension") -> Requirement:
    requirement = requirements.create_requirement(
        db.session(), gap.project, RequirementFields("Личный кабинет", "must"), actor="t"
    )
    requirements.classify(
        db.session(), requirement, ClassificationFields(classification, "pos.enrol"), actor="t"
    )
    return requirement


def _mod(gap: GapProject, days: str, *closes: Requirement, title: str = "Доработка") -> Modification:
    return service.create_modification(
        db.session(),
        gap.project,
        ModificationFields(title, days, "must"),
        actor="t",
        requirements=list(closes),
    )


def test_a_gap_becomes_a_numbered_modification(gap: GapProject) -> None:
    gap_requirement = _requirement(gap)
    first = _mod(gap, "12.5", gap_requirement, title="Личный кабинет (веб)")
    second = _mod(gap, "3")
    assert (first.ref, second.ref) == ("MOD-1", "MOD-2")
    assert first.estimate_days == Decimal("12.5") and first.status == "proposed"
    assert [r.ref for r in first.requirements] == ["REQ-1"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "modification.create")).first()
    assert (
        entry is not None
        and entry.details["requirements"] == ["REQ-1"]
        and entry.details["estimate_days"] == "12.5"
    )


@pytest.mark.parametrize("classification", ["fit_standard", "workaround", "out_of_scope", None])
def test_only_a_gap_takes_a_modification(gap: GapProject, classification: str | None) -> None:
    requirement = requirements.create_requirement(
        db.session(), gap.project, RequirementFields("x", "must"), actor="t"
    )
    if classification:
        requirements.classify(
            db.session(),
            requirement,
            ClassificationFields(classification, "pos.enrol", rationale="процесс"),
            actor="t",
        )
    with pytest.raises(GapAnalysisError, match="only a gap needs a modification") as caught:
        _mod(gap, "1", requirement)
    assert caught.value.field == "requirements"


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "between 0 and"),
        ("10000", "between 0 and"),
        ("2.25", "a tenth of a day"),
        ("два", "not a number"),
        ("NaN", "between"),
    ],
)
def test_estimates_are_person_days_to_a_tenth(gap: GapProject, days: str, message: str) -> None:
    with pytest.raises(GapAnalysisError, match=message) as caught:
        _mod(gap, days)
    assert caught.value.field == "estimate_days"
    assert _mod(gap, "2,5").estimate_days == Decimal("2.5")  # a Russian decimal comma is read too


def test_dependencies_that_would_close_a_cycle_are_refused(gap: GapProject) -> None:
    one, two, three = _mod(gap, "5"), _mod(gap, "3"), _mod(gap, "4")
    service.add_dependency(db.session(), two, one, actor="t")
    service.add_dependency(db.session(), three, two, actor="t")
    with pytest.raises(
        GapAnalysisError,
        match="MOD-1 cannot depend on MOD-3: that would be a cycle, MOD-3 already depends on MOD-1 "
        "\\(through MOD-2\\)",
    ):
        service.add_dependency(db.session(), one, three, actor="t")
    with pytest.raises(GapAnalysisError, match="cannot depend on itself"):
        service.add_dependency(db.session(), one, one, actor="t")
    with pytest.raises(GapAnalysisError, match="already depends on"):
        service.add_dependency(db.session(), two, one, actor="t")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(modification_dependencies)) == 2
    plan = service.project_schedule(db.session(), gap.project)
    assert plan.critical_path == ("MOD-1", "MOD-2", "MOD-3") and plan.critical_days == Decimal("12.0")
    assert plan.total_days == Decimal("12.0")


def test_removing_a_dependency_and_deleting_a_modification(gap: GapProject) -> None:
    one, two, three = _mod(gap, "5"), _mod(gap, "3"), _mod(gap, "40")
    service.add_dependency(db.session(), two, one, actor="t")
    service.add_dependency(db.session(), three, one, actor="t")
    service.remove_dependency(db.session(), two, one, actor="t")
    assert two.depends_on == []
    with pytest.raises(GapAnalysisError, match="does not depend on"):
        service.remove_dependency(db.session(), two, one, actor="t")
    service.delete_modification(db.session(), one, actor="t")
    db.session.commit()
    # Deleting a prerequisite removes the edges that pointed at it, both ways.
    assert db.session.scalar(select(func.count()).select_from(modification_dependencies)) == 0
    assert service.project_schedule(db.session(), gap.project).critical_path == ("MOD-3",)


def test_a_modification_of_another_project_cannot_be_a_prerequisite(gap: GapProject) -> None:
    mine = _mod(gap, "1")
    other = make_gap_project(db.session(), "OTHER")
    theirs = service.create_modification(
        db.session(), other.project, ModificationFields("x", "1", "must"), actor="t"
    )
    with pytest.raises(GapAnalysisError, match="belongs to another project"):
        service.add_dependency(db.session(), mine, theirs, actor="t")


def test_linking_and_unlinking_requirements(gap: GapProject) -> None:
    gap_requirement = _requirement(gap, "gap_report")
    modification = _mod(gap, "4")
    service.link_requirement(db.session(), modification, gap_requirement, actor="t")
    service.link_requirement(db.session(), modification, gap_requirement, actor="t")  # twice is once
    assert [r.ref for r in modification.requirements] == ["REQ-1"]
    service.unlink_requirement(db.session(), modification, gap_requirement, actor="t")
    with pytest.raises(GapAnalysisError, match="does not close REQ-1"):
        service.unlink_requirement(db.session(), modification, gap_requirement, actor="t")
