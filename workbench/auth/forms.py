"""Forms of the auth pages. Each carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from workbench.auth.enums import Role
from workbench.auth.service import EMAIL_PATTERN, MIN_PASSWORD_LENGTH, USERNAME_PATTERN
from workbench.forms import select_choices


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class UserForm(FlaskForm):
    """A new user, created by an admin."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(USERNAME_PATTERN, message=_l("letters, digits, '.', '_' and '-' only")),
        ],
    )
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Length(max=254), Regexp(EMAIL_PATTERN, message=_l("not an email address"))],
    )
    role = SelectField(_l("Role"), choices=[])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The role names in the language of this request, not of the first import.
        self.role.choices = select_choices((r.value, r.label) for r in Role)


class ConfirmForm(FlaskForm):
    """A bare form: a button that posts with a CSRF token."""


class PasswordResetForm(FlaskForm):
    """An admin's reset of a user's password: typed, or left empty to generate one."""

    password = PasswordField(
        _l("New password"), validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )


class RoleForm(FlaskForm):
    """Another role for an existing user."""

    # Each label read when the form is drawn, in the reader's language (not at import time).
    role = SelectField(
        _l("Role"), choices=select_choices((r.value, LazyString(lambda r=r: r.label)) for r in Role)
    )
