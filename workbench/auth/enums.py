"""The roles of the workbench's users (DESIGN.md: consultants, client approvers, rollout managers)."""

from __future__ import annotations

from enum import Enum

from flask_babel import gettext

from workbench.i18n.markers import N_


class Role(str, Enum):
    """What a user may do. Admins pass every role check."""

    consultant = "consultant"  # interviews, process models, gap map, scenarios
    approver = "approver"  # the client's sign-off of the prototype (baseline)
    rollout_manager = "rollout_manager"  # enables stores in stages, watches the pilot, rolls back
    admin = "admin"  # users and everything else

    @property
    def label(self) -> str:
        """The role as people read it, in the current language ("Rollout manager")."""
        return str(gettext(_LABELS[self.value]))

    @classmethod
    def parse(cls, value: str | Role) -> Role:
        """The role named `value`; ValueError naming the valid roles otherwise."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(
                f"unknown role {value!r}: use one of {', '.join(r.value for r in cls)}"
            ) from None


_LABELS = {
    "consultant": N_("Consultant"),
    "approver": N_("Approver"),
    "rollout_manager": N_("Rollout manager"),
    "admin": N_("Admin"),
}

# Roles that may see members' phone numbers and emails (personal data).
PERSONAL_DATA_ROLES = frozenset({Role.admin, Role.rollout_manager})
