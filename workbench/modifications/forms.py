from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gap_analysis.enums import ModificationStatus, Priority
from workbench.forms import select_choices

PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]
STATUS_CHOICES = [(s.value, s.label) for s in ModificationStatus]


class ModificationForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    estimate_days = StringField("Estimate (person-days)", validators=[DataRequired(), Length(max=12)], default="1.0")
    priority = SelectField("Priority", choices=select_choices(PRIORITY_CHOICES), default="should")
    status = SelectField("Status", choices=select_choices(STATUS_CHOICES), default="proposed")
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])
    # The gap (REQ number) the new modification closes, when created from a requirement's page.
    requirement = StringField("Closes requirement", validators=[Optional(), Length(max=12)])


class DependencyForm(FlaskForm):
    depends_on = SelectField("Depends on", choices=[], validate_choice=False, validators=[DataRequired()])


class LinkRequirementForm(FlaskForm):
    requirement = SelectField("Requirement", choices=[], validate_choice=False, validators=[DataRequired()])
