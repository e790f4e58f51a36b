"""The analytics pages' forms (CSRF-checked); labels translate lazily."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional


class TillTotalsForm(FlaskForm):
    upload = FileField(_l("Till totals (CSV or XLSX: store, date, total)"), validators=[FileRequired()])


class ForecastForm(FlaskForm):
    """Only the CSRF token: fitting takes no options on the page."""


class GuardrailForm(FlaskForm):
    threshold = StringField(
        _l("No pilot KPI worse than (−%)"), validators=[DataRequired(), Length(max=8)], default="5"
    )
    confidence = StringField(
        _l("At confidence (%)"), validators=[DataRequired(), Length(max=8)], default="90"
    )
    average_check = StringField(
        _l("Average check: own threshold (%)"), validators=[Optional(), Length(max=8)]
    )
    purchase_frequency = StringField(
        _l("Purchase frequency: own threshold (%)"), validators=[Optional(), Length(max=8)]
    )
    sales_per_store = StringField(
        _l("Sales per store: own threshold (%)"), validators=[Optional(), Length(max=8)]
    )
    retention = StringField(_l("Retention: own threshold (%)"), validators=[Optional(), Length(max=8)])
    block_inconclusive = BooleanField(_l("A KPI that cannot be told either way also closes the gate"))


class AcceptControlsForm(FlaskForm):
    """The chosen matches come as checkboxes named `match` with values "PILOT:CONTROL"."""
