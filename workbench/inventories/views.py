"""Inventory pages: algorithms, forms, reports, systems and integrations of a project, AS-IS and
TO-BE, with the landscape diagram; consultants edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from process_models.enums import Variant
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.confirm import asking, confirmation_page
from workbench.extensions import db
from workbench.i18n.errors import error_message
from workbench.inventories import service
from workbench.inventories.enums import Category
from workbench.inventories.forms import ItemForm
from workbench.inventories.models import InventoryItem
from workbench.projects.models import Project
from workbench.projects.service import ProjectError, get_project

bp = Blueprint("inventories", __name__)


def _project(key: str) -> Project:
    try:
        return get_project(db.session(), key)
    except ProjectError:
        abort(404)


def _item(item_id: int) -> InventoryItem:
    try:
        return service.get_item(db.session(), item_id)
    except service.InventoryError:
        abort(404)


def _variant() -> Variant:
    try:
        return Variant(request.args.get("variant", "as-is"))
    except ValueError:
        abort(404)


def _fields(form: ItemForm) -> service.ItemFields:
    return service.ItemFields(
        category=form.category.data or "",
        variant=form.variant.data or "",
        name=form.name.data or "",
        description=form.description.data or "",
        owner=form.owner.data or "",
        source=form.source.data or "",
        target=form.target.data or "",
        transport=form.transport.data or "",
        frequency=form.frequency.data or "",
    )


def _flash_form_errors(form: ItemForm) -> None:
    for field, errors in form.errors.items():
        flash(f"{field}: {'; '.join(errors)}", "error")


@bp.get("/projects/<key>/inventory")
@any_role()
def index(key: str) -> str:
    project = _project(key)
    variant = _variant()
    form = ItemForm(variant=variant.value)
    # The diagram's texts are escaped by the renderer, so its markup is safe to embed.
    diagram = Markup(service.landscape_svg(service.landscape(db.session(), project, variant)))
    return render_template(
        "inventories/index.html",
        project=project,
        variant=variant,
        items=service.list_items(db.session(), project, variant),
        diagram=diagram,
        form=form,
        Category=Category,
    )


@bp.post("/projects/<key>/inventory")
@roles_required(Role.consultant)
def add(key: str) -> WerkzeugResponse:
    project = _project(key)
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = service.add_item(db.session(), project, _fields(form), actor=current_user.username)
            db.session.commit()
            flash(gettext("%(name)s added", name=item.name), "info")
        except service.InventoryError as error:
            db.session.rollback()
            flash(error_message(error), "error")
    else:
        _flash_form_errors(form)
    return redirect(url_for("inventories.index", key=project.key, variant=form.variant.data or "as-is"))


@bp.route("/inventory/<int:item_id>", methods=["GET", "POST"])
@any_role()
def edit(item_id: int) -> WerkzeugResponse | str:
    item = _item(item_id)
    form = ItemForm(obj=item)
    if request.method == "POST":
        if not current_user.has_role(Role.consultant):
            abort(403)
        if form.validate_on_submit():
            try:
                service.update_item(db.session(), item, _fields(form), actor=current_user.username)
                db.session.commit()
                flash(gettext("%(name)s saved", name=item.name), "info")
                return redirect(url_for("inventories.index", key=item.project.key, variant=item.variant))
            except service.InventoryError as error:
                db.session.rollback()
                flash(error_message(error), "error")
        else:
            _flash_form_errors(form)
    return render_template("inventories/edit.html", item=item, form=form)


@bp.route("/inventory/<int:item_id>/delete", methods=["GET", "POST"])
@roles_required(Role.consultant)
def delete(item_id: int) -> str | WerkzeugResponse:
    item = _item(item_id)
    if asking():
        return confirmation_page(
            gettext("Delete “%(name)s” from the inventory?", name=item.name),
            url_for("inventories.index", key=item.project.key, variant=item.variant),
        )
    key, variant, name = item.project.key, item.variant, item.name
    try:
        service.delete_item(db.session(), item, actor=current_user.username)
        db.session.commit()
        flash(gettext("%(name)s deleted", name=name), "info")
    except service.InventoryError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    return redirect(url_for("inventories.index", key=key, variant=variant))
