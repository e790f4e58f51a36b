"""The rollout pages' forms (CSRF-checked); labels translate lazily."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rollout.enums import FeedbackCategory, FeedbackStatus, Severity, values
from workbench.forms import select_choices


def _choices(options: list[str]) -> list:  # type: ignore[type-arg]
    return select_choices((v, v.replace("_", " ")) for v in options)


class ImportForm(FlaskForm):
    register = FileField(_l("Store register (CSV or XLSX)"))


class PlanForm(FlaskForm):
    project = SelectField(_l("Project"), choices=[])  # the projects the user may open
    version = SelectField(_l("Configuration version"), choices=[])
    pilot = StringField(_l("Pilot stores (codes, comma-separated)"), validators=[DataRequired()])
    at = StringField(
        _l("Switch time, local to each store (YYYY-MM-DD HH:MM; empty: on advance)"), validators=[Optional()]
    )
    override_reason = StringField(
        _l("Override reason (approvers: more than 5 stores per direction)"),
        validators=[Optional(), Length(max=500)],
    )
    min_pilot_days = IntegerField(
        _l("Gate: the pilot runs at least (days)"), default=14, validators=[Optional(), NumberRange(min=0)]
    )
    min_pilot_transactions = IntegerField(
        _l("Gate: with at least (transactions in pilot stores)"),
        default=100,
        validators=[Optional(), NumberRange(min=0)],
    )


class WaveForm(FlaskForm):
    stores = StringField(_l("Stores (codes, comma-separated)"), validators=[Optional()])
    region = StringField(_l("or region"), validators=[Optional(), Length(max=120)])
    direction = SelectField(
        _l("and/or direction"), choices=_choices(["", "retail", "wholesale"]), validators=[Optional()]
    )
    at = StringField(_l("Switch time, local to each store (YYYY-MM-DD HH:MM)"), validators=[Optional()])


class AdvanceForm(FlaskForm):
    override_reason = StringField(
        _l("Override reason (approvers only, for a closed gate)"), validators=[Optional(), Length(max=500)]
    )


class RollbackForm(FlaskForm):
    scope = SelectField(_l("Roll back"), choices=_choices(["store", "wave", "plan"]))
    store = StringField(_l("Store code"), validators=[Optional()])
    wave = IntegerField(_l("Wave"), validators=[Optional(), NumberRange(min=1)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class HaltForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ControlsForm(FlaskForm):
    pilot_store = StringField(_l("Pilot store"), validators=[DataRequired()])
    controls = StringField(_l("Control stores (codes, comma-separated)"), validators=[DataRequired()])


class FeedbackForm(FlaskForm):
    store = StringField(_l("Store code"), validators=[Optional(), Length(max=32)])
    reporter = StringField(_l("Reporter"), validators=[DataRequired(), Length(max=120)])
    severity = SelectField(_l("Severity"), choices=_choices(values(Severity)))
    category = SelectField(_l("Category"), choices=_choices(values(FeedbackCategory)))
    text = TextAreaField(_l("Text"), validators=[DataRequired()])
    link = StringField(_l("Requirement, modification or scenario"), validators=[Optional(), Length(max=200)])


class FeedbackStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(values(FeedbackStatus)))


class ChecklistItemForm(FlaskForm):
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=120)])
    due_on = DateField(_l("Due"), validators=[Optional()])
    done = BooleanField(_l("Done"))
