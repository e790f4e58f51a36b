from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from workbench.auth.enums import Role


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired()])


class UserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=80)])
    display_name = StringField("Display name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8)])


class ConfirmForm(FlaskForm):
    """A bare form: a button that posts with a CSRF token."""
