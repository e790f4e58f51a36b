"""The audit page's filter form (a GET form: reading needs no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Filter entries by exact action, actor and object, and by local dates (both included)."""

    class Meta:
        csrf = False  # filters only read; a token would also end up in every shared link

    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80)])
    target = StringField(_l("Object"), validators=[Optional(), Length(max=190)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
