from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from workbench.forms import select_choices


class ImportForm(FlaskForm):
    upload = FileField("BPMN 2.0 file (.bpmn, .xml)", validators=[FileRequired()])
    variant = SelectField("Variant", choices=select_choices([("as-is", "AS-IS"), ("to-be", "TO-BE")]))
