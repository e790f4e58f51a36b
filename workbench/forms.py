"""Form building blocks shared by the workbench's domain forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from workbench.i18n.errors import error_message

try:  # WTForms >= 3.3 wants SelectChoice objects; tuples are deprecated there and go in 3.4.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """Choices of a SelectField from (value, label) pairs, in the form the installed WTForms wants."""
    if SelectChoice is None:  # pragma: no cover - older WTForms
        return list(pairs)
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def translated_choices(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """Choices whose labels are msgids (enum labels marked with N_): each label is translated
    when the form renders, in the language of that request, not of the first import."""
    from flask_babel import lazy_gettext

    return select_choices((value, lazy_gettext(label)) for value, label in pairs)


def grouped_choices(groups: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> Any:
    """Choices of a SelectField shown in <optgroup>s, from (group label, (value, label) pairs)."""
    if SelectChoice is None:  # pragma: no cover - older WTForms takes a dict of groups
        return {group: list(pairs) for group, pairs in groups}
    return [
        SelectChoice(value=value, label=label, optgroup=group)
        for group, pairs in groups
        for value, label in pairs
    ]


def flash_form_errors(form: Any) -> None:
    """Flash each field's validation errors as "field: message" (the page shows them on top)."""
    from flask import flash

    for field, errors in form.errors.items():
        flash(f"{field}: {'; '.join(errors)}", "error")


def commit_change(
    change: Callable[[], str],
    *,
    refusals: tuple[type[Exception], ...],
    form: Any | None = None,
    with_problems: bool = False,
) -> bool:
    """The unit of work of one form post: check `form` (when given), run `change` (which returns
    the message to flash), commit; a refusal of the domain (one of `refusals`) rolls back and is
    flashed as an error, followed, `with_problems`, by each of its `problems` (a closed gate's
    failing criteria). True when the change was committed."""
    from flask import flash

    from workbench.extensions import db

    if form is not None and not form.validate_on_submit():
        flash_form_errors(form)
        return False
    try:
        message = change()
        db.session.commit()
    except refusals as error:
        db.session.rollback()
        flash(error_message(error), "error")
        if with_problems:
            for problem in getattr(error, "problems", None) or []:
                flash(problem, "problem")
        return False
    flash(message, "info")
    return True
