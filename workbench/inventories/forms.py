from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.forms import select_choices
from workbench.inventories.enums import Category

VARIANT_CHOICES = [("as-is", "AS-IS"), ("to-be", "TO-BE")]


class ItemForm(FlaskForm):
    category = SelectField("Inventory", choices=select_choices((c.value, c.label) for c in Category))
    variant = SelectField("Variant", choices=select_choices(VARIANT_CHOICES))
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])
    owner = StringField("Owner", validators=[Optional(), Length(max=200)])
    source = StringField("From system (integrations)", validators=[Optional(), Length(max=200)])
    target = StringField("To system (integrations)", validators=[Optional(), Length(max=200)])
    transport = StringField("Transport (integrations)", validators=[Optional(), Length(max=200)])
    frequency = StringField("Frequency (integrations)", validators=[Optional(), Length(max=200)])
