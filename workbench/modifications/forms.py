from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gap_analysis.enums import ModificationStatus, Priority
from workbench.forms import translated_choices

PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]
STATUS_CHOICES = [(s.value, s.label) for s in ModificationStatus]


class ModificationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    estimate_days = StringField(
        _l("Estimate (person-days)"), validators=[DataRequired(), Length(max=12)], default="1.0"
    )
    priority = SelectField(_l("Priority"), choices=translated_choices(PRIORITY_CHOICES), default="should")
    status = SelectField(_l("Status"), choices=translated_choices(STATUS_CHOICES), default="proposed")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    # The gap (REQ number) the new modification closes, when created from a requirement's page.
    requirement = StringField(_l("Closes requirement"), validators=[Optional(), Length(max=12)])


class DependencyForm(FlaskForm):
    depends_on = SelectField(_l("Depends on"), choices=[], validate_choice=False, validators=[DataRequired()])


class LinkRequirementForm(FlaskForm):
    requirement = SelectField(
        _l("Requirement"), choices=[], validate_choice=False, validators=[DataRequired()]
    )
