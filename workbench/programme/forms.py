from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.forms import translated_choices


class VersionForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=64)])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])
    text = TextAreaField(_l("Configuration (YAML or JSON)"), validators=[Optional()])
    upload = FileField(_l("…or upload a file"))


class DraftForm(FlaskForm):
    text = TextAreaField(_l("Configuration (YAML or JSON)"), validators=[DataRequired()])


class AssignForm(FlaskForm):
    version = SelectField(_l("Configuration version"), choices=[])


class StoreForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    direction = SelectField(
        _l("Direction"), choices=translated_choices([("retail", "retail"), ("wholesale", "wholesale")])
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
