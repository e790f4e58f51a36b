from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.forms import select_choices


class VersionForm(FlaskForm):
    label = StringField("Label", validators=[DataRequired(), Length(max=64)])
    notes = StringField("Notes", validators=[Optional(), Length(max=500)])
    text = TextAreaField("Configuration (YAML or JSON)", validators=[Optional()])
    upload = FileField("…or upload a file")


class DraftForm(FlaskForm):
    text = TextAreaField("Configuration (YAML or JSON)", validators=[DataRequired()])


class AssignForm(FlaskForm):
    version = SelectField("Configuration version", choices=[])


class StoreForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=32)])
    direction = SelectField("Direction", choices=select_choices([("retail", "retail"), ("wholesale", "wholesale")]))
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    city = StringField("City", validators=[Optional(), Length(max=120)])
