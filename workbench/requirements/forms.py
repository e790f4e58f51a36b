from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gap_analysis.enums import Classification, ClassificationStatus, Priority
from workbench.forms import select_choices

PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]
CLASSIFICATION_CHOICES = [("", "— not classified —"), *((c.value, c.label) for c in Classification)]
STATUS_CHOICES = [(s.value, s.label) for s in ClassificationStatus]


class RequirementForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    priority = SelectField("Priority (MoSCoW)", choices=select_choices(PRIORITY_CHOICES), default="should")
    process_area = StringField("Process area", validators=[Optional(), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])


class ClassificationForm(FlaskForm):
    classification = SelectField("Classification", choices=select_choices(CLASSIFICATION_CHOICES), validate_choice=False)
    # Filled per request from the core's capability catalogue.
    capability = SelectField("Capability of the core", choices=[], validate_choice=False)
    config_key = SelectField("Configuration key", choices=[], validate_choice=False)
    rationale = TextAreaField("Rationale", validators=[Optional(), Length(max=20_000)])
    owner = StringField("Owner", validators=[Optional(), Length(max=120)])
    status = SelectField("Status", choices=select_choices(STATUS_CHOICES), default="proposed")


class StepLinkForm(FlaskForm):
    # "<lineage>|<node id>", filled per request.
    step = SelectField("Process step", choices=[], validate_choice=False, validators=[DataRequired()])


class FromFindingForm(FlaskForm):
    """The one-click "make a requirement of this finding" button (title and priority editable after)."""

    priority = SelectField("Priority", choices=select_choices(PRIORITY_CHOICES), default="should")


class CandidateForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    lineage = StringField("Process", validators=[DataRequired(), Length(max=32)])
    node_id = StringField("Step", validators=[DataRequired(), Length(max=200)])
    process_area = StringField("Process area", validators=[Optional(), Length(max=120)])
    priority = SelectField("Priority", choices=select_choices(PRIORITY_CHOICES), default="should")


class ImportForm(FlaskForm):
    upload = FileField("Requirements file (XLSX or CSV)", validators=[FileRequired()])
