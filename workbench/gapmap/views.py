"""Gap map pages: the matrix of process area x classification (counts open the list), the
coverage of Must requirements, the traceability matrix, the capability catalogue, and the DOCX
and XLSX downloads."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from gap_analysis.enums import ClassificationStatus, Priority
from gap_analysis.filters import RequirementFilter, matching
from gap_analysis.matrix import UNCLASSIFIED, area_label, column_label, coverage, gap_matrix, uncovered_musts
from gap_analysis.traceability import Hop, HopState, trace_all
from loyalty_core.capabilities import catalogue
from workbench.auth.access import any_role
from workbench.exports.builders import GAP_MAP_RENDERERS
from workbench.exports.views import start_export
from workbench.extensions import db
from workbench.gapmap import service
from workbench.projects.models import Project
from workbench.projects.views import project_or_404

bp = Blueprint("gapmap", __name__)


def link_bases(project: Project) -> dict[str, str]:
    """Base URLs of what a traceability chain links to, built once per page: a chain of 2,000
    requirements has some 10,000 links, and url_for for each would cost more than the queries."""

    def base(url: str) -> str:
        return url.rsplit("/", 1)[0]

    return {
        "requirement": base(url_for("requirements.show", key=project.key, number=1)),
        "modification": base(url_for("modifications.show", key=project.key, number=1)),
        "interview": base(url_for("interviews.show", interview_id=1)),
        "process": base(url_for("processes.show", model_id=1)),
        "scenario": base(url_for("acceptance.scenario", scenario_id=1)),
        "run": base(url_for("acceptance.run", run_id=1)),
        "capabilities": url_for("gapmap.capabilities"),
    }


def _display_zone() -> str:
    return str(current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow")


@bp.get("/projects/<key>/gap-map")
@any_role()
def matrix(key: str) -> str:
    project = project_or_404(key)
    filters = RequirementFilter(
        priority=request.args.get("priority", ""), status=request.args.get("status", "")
    )
    records = service.requirement_records(db.session(), project)
    try:
        shown = matching(records, filters)
    except ValueError as error:
        flash(gettext("filter: %(error)s", error=error), "error")
        shown = records
    return render_template(
        "gapmap/matrix.html",
        project=project,
        matrix=gap_matrix(shown),
        coverage=coverage(records),
        uncovered=uncovered_musts(records),
        filters=filters,
        column_label=column_label,
        area_label=area_label,
        Priority=Priority,
        ClassificationStatus=ClassificationStatus,
        UNCLASSIFIED=UNCLASSIFIED,
    )


@bp.get("/projects/<key>/traceability")
@any_role()
def traceability(key: str) -> str:
    project = project_or_404(key)
    rows = trace_all(service.requirement_records(db.session(), project))
    only_gaps = request.args.get("gaps") == "1"
    return render_template(
        "gapmap/traceability.html",
        project=project,
        rows=[r for r in rows if not only_gaps or not r.complete],
        total=len(rows),
        incomplete=sum(1 for r in rows if not r.complete),
        only_gaps=only_gaps,
        hops=list(Hop),
        HopState=HopState,
        Hop=Hop,
        links=link_bases(project),
    )


@bp.get("/projects/<key>/gap-map.<kind>")
@any_role()
def export(key: str, kind: str) -> WerkzeugResponse:
    project = project_or_404(key)
    if kind not in GAP_MAP_RENDERERS:
        return Response("use .docx or .xlsx", status=404)
    # Built on the job runner (and audited there); the job page offers the download.
    title = gettext("Gap map of %(key)s (%(kind)s)", key=project.key, kind=kind.upper())
    return start_export("gapmap", title, {"project": project.key, "kind": kind}, project.key)


@bp.get("/capabilities")
@any_role()
def capabilities() -> str:
    return render_template("gapmap/capabilities.html", capabilities=catalogue())
