"""The stage board: the six stages of DESIGN.md, each deliverable's state computed from the data,
and the checkpoint records that close a stage (with the hash of its deliverables then).

A closed stage whose deliverables changed afterwards shows "changed since closed", naming the
items that changed (by comparing each item's hash with the one recorded at closing).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from process_models.enums import Variant
from workbench.acceptance import service as acceptance
from workbench.acceptance.models import Scenario
from workbench.audit import service as audit
from workbench.interviews.models import Interview
from workbench.inventories.enums import Category
from workbench.inventories.models import InventoryItem
from workbench.modifications.models import Modification, requirement_modifications
from workbench.processes import service as processes
from workbench.projects.models import Project
from workbench.requirements.models import Requirement
from workbench.signoff import snapshot as snap
from workbench.stages import hooks
from workbench.stages.models import Checkpoint
from workbench.stages.records import (
    ATTENTION,
    DONE,
    IN_PROGRESS,
    MISSING,
    CheckpointLine,
    Deliverable,
    StageReport,
)

STAGE_NAMES = {
    1: ("Analysis", "AS-IS models, interviews, inventories, requirements"),
    2: ("Adaptation", "TO-BE models, modifications, gap map, test scenarios, TO-BE IT landscape"),
    3: ("Approval", "the signed prototype of the technical solution"),
    4: ("Build & test", "the acceptance verdict of the version to roll out"),
    5: ("Pilot", "the pilot in a control group of stores"),
    6: ("Rollout", "every store on the version"),
}

# The snapshot sections each stage's checkpoint hashes (stages 3-4 hash their own records).
STAGE_SECTIONS: dict[int, tuple[str, ...]] = {
    1: ("as_is_models", "interviews", "as_is_inventories", "requirements"),
    2: ("to_be_models", "modifications", "gap_map", "scenarios", "to_be_landscape"),
}


class StageError(Exception):
    """A stage that cannot be closed (or does not exist), with the reason."""


def _count(session: Session, query: object) -> int:
    return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def _models(session: Session, project: Project, variant: Variant) -> Deliverable:
    records = [r for r in processes.project_models(session, project) if r.variant == variant.value]
    name = f"{variant.value.upper()} process models"
    if not records:
        return Deliverable(name, MISSING, ("no model yet",), "projects.project", {"key": project.key}, 0)
    problems = tuple(
        f"{r.name}: {f.rule}: {f.message}"
        for r in records
        for f in processes.findings(r)
        if f.severity == "error"
    )
    return Deliverable(
        name,
        ATTENTION if problems else DONE,
        problems,
        "projects.project",
        {"key": project.key},
        len(records),
    )


def _inventory(
    session: Session, project: Project, name: str, variant: Variant, categories: tuple[Category, ...]
) -> Deliverable:
    count = _count(
        session,
        select(func.count()).where(
            InventoryItem.project_id == project.id,
            InventoryItem.variant == variant.value,
            InventoryItem.category.in_([c.value for c in categories]),
        ),
    )
    return Deliverable(
        name,
        DONE if count else MISSING,
        () if count else ("nothing listed yet",),
        "inventories.index",
        {"key": project.key, "variant": variant.value},
        count,
    )


def _stage_1(session: Session, project: Project) -> list[Deliverable]:
    interviews = _count(session, select(func.count()).where(Interview.project_id == project.id))
    requirements = _count(session, select(func.count()).where(Requirement.project_id == project.id))
    return [
        _models(session, project, Variant.as_is),
        Deliverable(
            "Interviews",
            DONE if interviews else MISSING,
            () if interviews else ("no interview yet",),
            "interviews.index",
            {"key": project.key},
            interviews,
        ),
        _inventory(session, project, "Inventory of algorithms", Variant.as_is, (Category.algorithm,)),
        _inventory(
            session,
            project,
            "Inventory of documents and reports",
            Variant.as_is,
            (Category.form, Category.report),
        ),
        _inventory(
            session, project, "IT landscape (AS-IS)", Variant.as_is, (Category.system, Category.integration)
        ),
        Deliverable(
            "Requirements list",
            DONE if requirements else MISSING,
            () if requirements else ("no requirement yet",),
            "requirements.index",
            {"key": project.key},
            requirements,
        ),
    ]


def _gap_map(session: Session, project: Project) -> Deliverable:
    rows = session.execute(
        select(Requirement.number, Requirement.priority, Requirement.classification)
        .where(Requirement.project_id == project.id)
        .order_by(Requirement.number)
    ).all()
    link = ("gapmap.matrix", {"key": project.key})
    if not rows:
        return Deliverable("Gap map", MISSING, ("no requirement to classify",), *link, 0)
    tagged = acceptance.requirement_scenarios(session, project)
    problems = [f"REQ-{r.number} is not classified" for r in rows if not r.classification]
    problems += [
        f"REQ-{r.number} (Must) has no scenario"
        for r in rows
        if r.priority == "must" and not tagged.get(r.number)
    ]
    return Deliverable("Gap map", ATTENTION if problems else DONE, tuple(problems), *link, len(rows))


def _modifications(session: Session, project: Project) -> Deliverable:
    from gap_analysis.enums import Classification

    count = _count(session, select(func.count()).where(Modification.project_id == project.id))
    gaps = {c.value for c in Classification if c.value.startswith("gap")}
    closed = set(
        session.scalars(
            select(Requirement.number)
            .join(requirement_modifications, requirement_modifications.c.requirement_id == Requirement.id)
            .where(Requirement.project_id == project.id)
        )
    )
    open_gaps = session.scalars(
        select(Requirement.number)
        .where(Requirement.project_id == project.id, Requirement.classification.in_(gaps))
        .order_by(Requirement.number)
    )
    problems = tuple(f"REQ-{n} is a gap with no modification" for n in open_gaps if n not in closed)
    state = ATTENTION if problems else DONE
    return Deliverable(
        "Modifications list", state, problems, "modifications.index", {"key": project.key}, count
    )


def _stage_2(session: Session, project: Project) -> list[Deliverable]:
    scenarios = _count(
        session,
        select(func.count())
        .select_from(Scenario)
        .where(Scenario.project_id == project.id, Scenario.active.is_(True)),
    )
    return [
        _models(session, project, Variant.to_be),
        _modifications(session, project),
        _gap_map(session, project),
        Deliverable(
            "Test scenarios",
            DONE if scenarios else MISSING,
            () if scenarios else ("no scenario yet",),
            "acceptance.index",
            {"key": project.key},
            scenarios,
        ),
        _inventory(
            session, project, "IT landscape (TO-BE)", Variant.to_be, (Category.system, Category.integration)
        ),
    ]


def _stage_3(session: Session, project: Project) -> list[Deliverable]:
    from workbench.signoff import service as signoff

    package = signoff.latest_package(session, project)
    if package is None:
        return [Deliverable("Signed prototype", MISSING, ("no package submitted yet",), "signoff.index", {})]
    status = signoff.package_status(session, package, refresh=False)
    link = ("signoff.package", {"package_id": package.id})
    if status.state.value == "signed":
        return [Deliverable("Signed prototype", DONE, (), *link)]
    wanted = len(package.approvers) if package.rule_count is None else package.rule_count
    missing = max(0, wanted - len(status.approved))
    required = [r for r in package.required if r not in status.approved]
    problem = (
        f"{status.state.value}: waits for {max(missing, len(required))} signature(s) ({package.rule_text})"
    )
    if required:
        problem += f"; still required: {', '.join(required)}"
    return [
        Deliverable(
            "Signed prototype",
            ATTENTION if status.state.value == "rejected" else IN_PROGRESS,
            (problem,),
            *link,
        )
    ]


def _stage_4(session: Session, project: Project) -> list[Deliverable]:
    from workbench.signoff import service as signoff

    package = signoff.latest_package(session, project)
    if package is None or package.status != "signed":
        return [
            Deliverable(
                "Acceptance verdict",
                MISSING,
                ("no signed version to build yet (stage 3)",),
                "acceptance.index",
                {"key": project.key},
            )
        ]
    version = package.config_version
    verdict = acceptance.verdict(session, project, version)
    state = DONE if verdict.passed else (ATTENTION if verdict.run_id is not None else MISSING)
    return [
        Deliverable(
            f"Acceptance verdict of {version.label}",
            state,
            tuple(verdict.reasons[:20]),
            "acceptance.index",
            {"key": project.key},
        )
    ]


def _deliverables(session: Session, project: Project, stage: int) -> list[Deliverable]:
    if stage == 1:
        return _stage_1(session, project)
    if stage == 2:
        return _stage_2(session, project)
    if stage == 3:
        return _stage_3(session, project)
    if stage == 4:
        return _stage_4(session, project)
    names = {5: ("Pilot report and go/no-go",), 6: ("Every store on the version",)}[stage]
    return hooks.provided(session, project, stage, names)


# --- checkpoints -----------------------------------------------------------------------------


def latest_checkpoints(session: Session, project: Project) -> dict[int, Checkpoint]:
    found: dict[int, Checkpoint] = {}
    for checkpoint in session.scalars(
        select(Checkpoint).where(Checkpoint.project_id == project.id).order_by(Checkpoint.id)
    ):
        found[checkpoint.stage] = checkpoint
    return found


def stage_items(session: Session, project: Project, stage: int) -> dict[str, str] | None:
    """Item hashes of a stage's deliverables as they stand (None: the stage has no such content)."""
    if stage in STAGE_SECTIONS:
        return snap.Snapshot(snap.build_sections(session, project, STAGE_SECTIONS[stage])).item_hashes()
    if stage == 3:
        from workbench.signoff import service as signoff

        package = signoff.latest_package(session, project)
        if package is None:
            return None
        # What the signed package would hold now: its live content, not the frozen revision.
        return signoff.build_snapshot(session, package).item_hashes()
    if stage == 4:
        from workbench.signoff import service as signoff

        package = signoff.latest_package(session, project)
        if package is None:
            return None
        verdict = acceptance.verdict(session, project, package.config_version)
        return {
            f"verdict:{package.config_version.label}": snap.sha256(
                snap.canonical(
                    {
                        "version": package.config_version.content_hash,
                        "run": verdict.run_id,
                        "passed": verdict.passed,
                    }
                )
            )
        }
    return None


def _hash_of(items: dict[str, str]) -> str:
    return snap.sha256(snap.canonical(items))


def record_checkpoint(
    session: Session,
    project: Project,
    stage: int,
    *,
    actor: str,
    content_hash: str,
    item_hashes: dict[str, str],
) -> Checkpoint:
    checkpoint = Checkpoint(
        project_id=project.id,
        stage=stage,
        closed_by=actor,
        content_hash=content_hash,
        item_hashes=item_hashes,
    )
    session.add(checkpoint)
    session.flush()
    audit.record(
        session, actor, "stage.close", "project", project.key, {"stage": stage, "hash": content_hash}
    )
    if project.stage <= stage < 6:
        project.stage = stage + 1
    return checkpoint


def close_stage(session: Session, project: Project, stage: int, *, actor: str) -> Checkpoint:
    """Close a stage whose deliverables are all done (stage 3 closes itself when signed)."""
    if stage not in STAGE_NAMES:
        raise StageError(f"stage {stage}: use 1 to 6")
    if stage == 3:
        raise StageError("stage 3 closes itself when the prototype package is signed")
    report = _report(session, project, stage, None)
    unfinished = [f"{d.name}: {d.state.replace('_', ' ')}" for d in report.deliverables if d.state != DONE]
    if unfinished:
        raise StageError(f"stage {stage} cannot close yet: {'; '.join(unfinished)}")
    items = stage_items(session, project, stage) or {}
    return record_checkpoint(
        session, project, stage, actor=actor, content_hash=_hash_of(items), item_hashes=items
    )


def _changed(session: Session, project: Project, checkpoint: Checkpoint) -> tuple[str, ...]:
    now = stage_items(session, project, checkpoint.stage)
    if now is None:
        return ()
    before = checkpoint.item_hashes or {}
    lines = [f"{key} added" for key in now if key not in before]
    lines += [f"{key} removed" for key in before if key not in now]
    lines += [f"{key} changed" for key in now if key in before and before[key] != now[key]]
    return tuple(sorted(lines))


def _report(session: Session, project: Project, stage: int, checkpoint: Checkpoint | None) -> StageReport:
    name, deliverable = STAGE_NAMES[stage]
    line = (
        None
        if checkpoint is None
        else CheckpointLine(checkpoint.closed_by, checkpoint.closed_at, checkpoint.content_hash)
    )
    changed = _changed(session, project, checkpoint) if checkpoint is not None else ()
    return StageReport(stage, name, deliverable, _deliverables(session, project, stage), line, changed)


def board(session: Session, project: Project) -> list[StageReport]:
    """The six stages of the project."""
    checkpoints = latest_checkpoints(session, project)
    return [_report(session, project, stage, checkpoints.get(stage)) for stage in STAGE_NAMES]
