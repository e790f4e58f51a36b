"""The dashboard: the six implementation stages and where each stands."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from loyalty_core.config.models import ConfigVersion
from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.stores.models import Store
from workbench.auth.access import any_role
from workbench.extensions import db
from workbench.i18n.markers import N_

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
    return render_template("index.html", stages=STAGES, figures=figures)
