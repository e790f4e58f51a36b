from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.forms import translated_choices
from workbench.interviews.enums import FindingKind


class InterviewForm(FlaskForm):
    stakeholder = StringField(_l("Stakeholder"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    participants = StringField(
        _l("Participants (comma-separated)"), validators=[Optional(), Length(max=5000)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=100_000)])

    def participant_list(self) -> list[str]:
        return [name.strip() for name in (self.participants.data or "").split(",") if name.strip()]


class FindingForm(FlaskForm):
    text = TextAreaField(_l("Finding"), validators=[DataRequired(), Length(max=5000)])
    kind = SelectField(_l("Kind"), choices=translated_choices((k.value, k.label) for k in FindingKind))
    # "<lineage>|<node id>", "<lineage>|" for the whole process, "" for none; filled per request.
    step = SelectField(_l("Process step"), choices=[], validate_choice=False)
