"""The dashboard: the six implementation stages and where each stands."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from loyalty_core.config.models import ConfigVersion
from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.stores.models import Store
from workbench.auth.access import any_role
from workbench.extensions import db
from workbench.i18n.markers import N_
from workbench.projects.members import visible_projects
from workbench.projects.models import Project

bp = Blueprint("home", __name__)


STAGES = [
    ("1", N_("Analysis"), N_("Stakeholder interviews, AS-IS processes, inventories, requirements")),
    ("2", N_("Adaptation"), N_("TO-BE processes, gap map, modifications, test scenarios")),
    ("3", N_("Approval"), N_("Signed-off solution prototype (baseline)")),
    ("4", N_("Build & test"), N_("Configuration version passing the acceptance scenarios")),
    ("5", N_("Pilot"), N_("Control group of stores, pilot report, go/no-go")),
    ("6", N_("Rollout"), N_("All stores of every direction switched over")),
]


@bp.get("/")
@any_role()
def index() -> str:
    """The dashboard: the six implementation stages and the core's figures."""

    def count(model: type) -> int:
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

    figures = {
        "versions": count(ConfigVersion),
        "stores": count(Store),
        "members": count(Member),
        "transactions": count(Transaction),
    }
    project = _latest_project()
    return render_template(
        "index.html", stages=STAGES, figures=figures, project=project, links=_stage_links(project)
    )


def _latest_project() -> Project | None:
    """The newest project the user may open: the one the stage cards lead into."""
    projects = visible_projects(db.session(), current_user)
    return max(projects, key=lambda p: (p.created_at, p.id), default=None)


def _stage_links(project: Project | None) -> dict[str, str]:
    """Each stage card's link: that stage on the project's stage board, or, with no project
    yet, the projects page (where the first one is created)."""
    if project is None:
        return {number: url_for("projects.index") for number, _name, _deliverable in STAGES}
    board = url_for("stages.board", key=project.key)
    return {number: f"{board}#stage-{number}" for number, _name, _deliverable in STAGES}
