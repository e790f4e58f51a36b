from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gap_analysis.enums import Classification, ClassificationStatus, Priority
from workbench.forms import translated_choices
from workbench.i18n.markers import N_

PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]
CLASSIFICATION_CHOICES = [("", N_("— not classified —")), *((c.value, c.label) for c in Classification)]
STATUS_CHOICES = [(s.value, s.label) for s in ClassificationStatus]


class RequirementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    priority = SelectField(
        _l("Priority (MoSCoW)"), choices=translated_choices(PRIORITY_CHOICES), default="should"
    )
    process_area = StringField(_l("Process area"), validators=[Optional(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])


class ClassificationForm(FlaskForm):
    classification = SelectField(
        _l("Classification"), choices=translated_choices(CLASSIFICATION_CHOICES), validate_choice=False
    )
    # Filled per request from the core's capability catalogue.
    capability = SelectField(_l("Capability of the core"), choices=[], validate_choice=False)
    config_key = SelectField(_l("Configuration key"), choices=[], validate_choice=False)
    rationale = TextAreaField(_l("Rationale"), validators=[Optional(), Length(max=20_000)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=120)])
    status = SelectField(_l("Status"), choices=translated_choices(STATUS_CHOICES), default="proposed")


class StepLinkForm(FlaskForm):
    # "<lineage>|<node id>", filled per request.
    step = SelectField(_l("Process step"), choices=[], validate_choice=False, validators=[DataRequired()])


class FromFindingForm(FlaskForm):
    """The one-click "make a requirement of this finding" button (title and priority editable after)."""

    priority = SelectField(_l("Priority"), choices=translated_choices(PRIORITY_CHOICES), default="should")
    # One of the gap map's existing rows, or "" and a new one named in new_area. Neither given
    # (a script posting the priority only): the finding's process's name, as before.
    area = StringField(_l("Process area"), validators=[Optional(), Length(max=120)])
    new_area = StringField(_l("New process area"), validators=[Optional(), Length(max=120)])

    @property
    def chosen_area(self) -> str:
        return (self.area.data or "").strip() or (self.new_area.data or "").strip()


class CandidateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    lineage = StringField(_l("Process"), validators=[DataRequired(), Length(max=32)])
    node_id = StringField(_l("Step"), validators=[DataRequired(), Length(max=200)])
    process_area = StringField(_l("Process area"), validators=[Optional(), Length(max=120)])
    priority = SelectField(_l("Priority"), choices=translated_choices(PRIORITY_CHOICES), default="should")


class ImportForm(FlaskForm):
    upload = FileField(_l("Requirements file (XLSX or CSV)"), validators=[FileRequired()])
