from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workbench.forms import select_choices, translated_choices
from workbench.projects.enums import ProjectRole, Stage
from workbench.projects.service import DIRECTIONS


class ProjectForm(FlaskForm):
    key = StringField(_l("Key (e.g. FRESH)"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    client = StringField(_l("Client"), validators=[Optional(), Length(max=200)])
    directions = SelectMultipleField(
        _l("Directions"),
        choices=translated_choices((d, d) for d in DIRECTIONS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    stage = SelectField(
        _l("Stage"),
        choices=select_choices(
            (str(s.value), LazyString(lambda s=s: f"{s.value}. {s.label}")) for s in Stage
        ),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])


class MemberForm(FlaskForm):
    """Add a user to a project, or change their project role."""

    username = SelectField(_l("User"), validators=[DataRequired()])
    role = SelectField(
        _l("Project role"),
        choices=select_choices((r.value, r.label) for r in ProjectRole),
        default=ProjectRole.member.value,
    )
