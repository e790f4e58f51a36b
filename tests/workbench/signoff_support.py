"""A project ready for sign-off: the gap map's small project (purchase process AS-IS/TO-BE),
REQ-1 (Must, a gap) closed by MOD-1, a scenario tagged @REQ-1, the demo's v2 as a draft, and
three client approvers besides the conftest's role users."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from tests.workbench.conftest import _PASSWORD_HASH
from tests.workbench.gap_support import GapProject, make_gap_project
from workbench.acceptance import service as acceptance
from workbench.auth.models import User
from workbench.modifications import service as modifications
from workbench.modifications.models import Modification
from workbench.programme import service as programme
from workbench.requirements import service as requirements
from workbench.requirements.models import Requirement

V2 = (Path(__file__).resolve().parents[2] / "workbench" / "demo" / "v2.yaml").read_text(encoding="utf-8")
APPROVERS = ("cfo", "buyer", "ops")
FEATURE = """@REQ-1
Feature: Wholesale tier

  Scenario: A wholesale check earns no points over the discount
    Given the configuration under test
    When a wholesale member buys grocery for 1000.00
    Then the receipt earns 0 points
"""


@dataclass
class SignoffProject:
    gap: GapProject
    requirement: Requirement
    modification: Modification
    version: ConfigVersion


def make_signoff_project(session: Session, key: str = "ACME") -> SignoffProject:
    """Create it all (the caller commits)."""
    gap = make_gap_project(session, key)
    for name in APPROVERS:
        session.add(
            User(
                username=name,
                display_name=name.upper(),
                password_hash=_PASSWORD_HASH,
                role="approver",
                email=f"{name}@client.example",
            )
        )
    requirement = requirements.create_requirement(
        session,
        gap.project,
        requirements.RequirementFields("Оптовый уровень без баллов", "must"),
        actor="t",
        source_step=(gap.to_be.lineage, "pur_tobe_quote"),
    )
    requirements.classify(
        session,
        requirement,
        requirements.ClassificationFields("gap_extension", "", "", "Нет в ядре", "Д. Ким", "agreed"),
        actor="t",
    )
    modification = modifications.create_modification(
        session,
        gap.project,
        modifications.ModificationFields("Оптовый уровень", "6.5", "must"),
        actor="t",
        requirements=[requirement],
    )
    acceptance.save_feature(session, gap.project, "wholesale.feature", FEATURE, actor="t")
    version = programme.create_version(session, "v2", V2, actor="t")
    session.flush()
    return SignoffProject(gap, requirement, modification, version)
