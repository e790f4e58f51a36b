from enum import Enum, IntEnum

from flask_babel import gettext

from workbench.i18n.markers import N_


class Stage(IntEnum):
    """The six implementation stages of DESIGN.md."""

    analysis = 1
    adaptation = 2
    approval = 3
    build_and_test = 4
    pilot = 5
    rollout = 6

    @property
    def label(self) -> str:
        """The stage as people read it, in the current language ("Build & test")."""
        return str(gettext(_LABELS[self.value]))


_LABELS = {
    1: N_("Analysis"),
    2: N_("Adaptation"),
    3: N_("Approval"),
    4: N_("Build & test"),
    5: N_("Pilot"),
    6: N_("Rollout"),
}


class ProjectRole(str, Enum):
    """A member's part in one project. What they may do there is their workbench role
    (consultant, approver, ...); the project role only says who manages the project's members."""

    lead = "lead"  # the consultant lead: adds and removes members
    member = "member"

    @property
    def label(self) -> str:
        return str(gettext(_ROLE_LABELS[self.value]))


_ROLE_LABELS = {"lead": N_("Lead"), "member": N_("Member")}
