"""The audit page's filter form (a GET form: reading needs no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Filter entries by exact action and actor."""

    class Meta:
        csrf = False  # filters only read; a token would also end up in every shared link

    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80)])
