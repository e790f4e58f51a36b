from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workbench.forms import select_choices, translated_choices
from workbench.inventories.enums import Category

VARIANT_CHOICES = [("as-is", "AS-IS"), ("to-be", "TO-BE")]


class ItemForm(FlaskForm):
    category = SelectField(_l("Inventory"), choices=translated_choices((c.value, c.label) for c in Category))
    variant = SelectField(_l("Variant"), choices=select_choices(VARIANT_CHOICES))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    source = StringField(_l("From system (integrations)"), validators=[Optional(), Length(max=200)])
    target = StringField(_l("To system (integrations)"), validators=[Optional(), Length(max=200)])
    transport = StringField(_l("Transport (integrations)"), validators=[Optional(), Length(max=200)])
    frequency = StringField(_l("Frequency (integrations)"), validators=[Optional(), Length(max=200)])
