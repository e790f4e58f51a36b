from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from workbench.acceptance.gherkin import MAX_SOURCE


class EditFeatureForm(FlaskForm):
    """The new text of a stored feature (its file name stays)."""

    source = TextAreaField(_l("Gherkin"), validators=[DataRequired(), Length(max=MAX_SOURCE)])


class FeatureForm(EditFeatureForm):
    """A new feature: its file name and text."""

    filename = StringField(_l("File name"), validators=[DataRequired(), Length(max=200)])


class ImportForm(FlaskForm):
    files = MultipleFileField(_l(".feature files"))


class RunForm(FlaskForm):
    # The configuration versions, filled per request.
    version = SelectField(_l("Configuration version"), choices=[], validate_choice=False)
