"""Forms of the sign-off pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class SubmitForm(FlaskForm):
    approvers = StringField(
        _l("Approvers (usernames, comma-separated)"), validators=[DataRequired(), Length(max=2000)]
    )
    rule = StringField(
        _l("Rule: 'all' or how many must approve"), default="all", validators=[Optional(), Length(max=8)]
    )
    required = StringField(
        _l("Required approvers (comma-separated)"), validators=[Optional(), Length(max=2000)]
    )
    version = StringField(
        _l("Configuration version (empty: the newest draft)"), validators=[Optional(), Length(max=64)]
    )


class DecisionForm(FlaskForm):
    revision = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (required to reject)"), validators=[Optional(), Length(max=5000)])


class CommentForm(FlaskForm):
    item_key = HiddenField(validators=[DataRequired(), Length(max=400)])
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
